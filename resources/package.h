#pragma once
/// Packages for the package type: the package manager of the node (dpkg and apt on the Debian
/// family, rpm and dnf on the RHEL family), and the per-run set that reads the state of every
/// package of the run in one query and makes every change of a batch in one transaction.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.h"
#include "resources/resource.h"

namespace plumb {

class ProcessRunner;
class FileSystem;
class RootPath;

/// Which family of package tools a node (or an image under --root) has.
enum class PackageFamily { kNone, kDpkg, kRpm };

/// The family named by os-release's ID and ID_LIKE ("debian", "ubuntu", "rhel fedora", ...).
PackageFamily PackageFamilyOf(std::string_view id, std::string_view id_like);

/// dpkg's ordering of version strings (epoch:upstream-revision, '~' before everything): <0, 0, >0.
int CompareDebianVersions(std::string_view a, std::string_view b);
/// rpm's ordering (rpmvercmp on epoch, version and release, with '~' and '^'): <0, 0, >0.
int CompareRpmVersions(std::string_view a, std::string_view b);

/// One change of a transaction. An install with an empty version takes the candidate the
/// package manager offers; with a version, exactly that one (a downgrade if need be).
struct PackageChange {
  enum class Action { kInstall, kRemove };
  Action action = Action::kInstall;
  std::string name;
  std::string version;
};

/// What a transaction left behind that matters after it.
struct TransactionOutcome {
  std::string reboot;  ///< why the node needs a reboot now ("" = it does not)
};

class PackageManager {
 public:
  virtual ~PackageManager() = default;
  virtual PackageFamily family() const = 0;
  /// The installed version of each of `names` that is installed, in one query of the package
  /// database. A name that is unknown or not installed is absent from the answer.
  virtual Result<std::map<std::string, std::string>> Query(const std::vector<std::string>& names) = 0;
  /// Makes every change in one transaction (all or nothing, as far as the manager is).
  virtual Result<TransactionOutcome> Transact(const std::vector<PackageChange>& changes) = 0;
  int Compare(std::string_view a, std::string_view b) const {
    return family() == PackageFamily::kRpm ? CompareRpmVersions(a, b) : CompareDebianVersions(a, b);
  }
};

/// dpkg-query and apt-get; under a root, dpkg's database of the image and apt-get run inside it
/// with chroot. `root` "" is the running system.
std::unique_ptr<PackageManager> MakeDpkgApt(ProcessRunner& runner, FileSystem& fs, std::string root);
/// rpm and dnf; under a root, rpm --root and dnf --installroot.
std::unique_ptr<PackageManager> MakeRpmDnf(ProcessRunner& runner, FileSystem& fs, std::string root);

/// The package manager of the system at host path `root` ("" = the running system), from its
/// os-release (/etc/os-release, else /usr/lib/os-release: ID and ID_LIKE); null when neither family.
std::unique_ptr<PackageManager> MakePackageManager(ProcessRunner& runner, FileSystem& fs, const std::string& root);

/// Parses `dpkg-query -W -f='${Package}\t${Architecture}\t${db:Status-Abbrev}\t${Version}\n'`:
/// the installed ones (status 'i', or triggers pending), under "name" and "name:arch".
std::map<std::string, std::string> ParseDpkgQuery(std::string_view output);
/// Parses `rpm -q --qf '%{NAME}\t%{ARCH}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\n'` (lines without a tab,
/// "package x is not installed", are skipped); an epoch of 0 is left out.
std::map<std::string, std::string> ParseRpmQuery(std::string_view output);

/// The packages of one run (Backends::packages): every name is registered when its resource is
/// made, the first Installed() asks the manager about all of them at once, and Clear() (before
/// any change by anything) makes the next one ask again. It is also the batch that collects the
/// drifted packages and commits them in one transaction.
class PackageSet : public ChangeBatch {
 public:
  explicit PackageSet(PackageManager& manager) : manager_(manager) {}
  PackageManager& manager() { return manager_; }
  void Want(const std::string& name) { wanted_.insert(name); }
  /// The installed version, or nullopt when not installed.
  Result<std::optional<std::string>> Installed(const std::string& name);
  void Enlist(PackageChange change) { enlisted_.push_back(std::move(change)); }
  /// One transaction for everything enlisted since the last Commit.
  Status Commit() override;
  /// Why the node needs a reboot after the transaction that changed `name` in this run; "" when none did.
  std::string RebootFor(const std::string& name) const;
  void Clear() { known_.reset(); }
  size_t queries() const { return queries_; }

 private:
  PackageManager& manager_;
  std::set<std::string> wanted_;
  std::optional<std::map<std::string, std::string>> known_;
  std::vector<PackageChange> enlisted_;
  std::map<std::string, std::string> reboot_for_;
  size_t queries_ = 0;
};

}  // namespace plumb
