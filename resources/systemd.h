#pragma once
/// systemd for the service type: a unit's enablement (its unit file state) and whether it runs.
/// The running system is asked over D-Bus (sd-bus, resources/linux/); a root that runs nothing
/// (an image under --root) has only enablement, worked out from its unit files and links the way
/// `systemctl --root` does (UnitFiles below).

#include <string>
#include <vector>

#include "engine/util/result.h"

namespace plumb {

class FileSystem;
class RootPath;
struct FileInfo;
struct FileContent;

/// What `enabled` asks for.
enum class Enablement { kEnabled, kDisabled, kMasked };
enum class UnitAction { kStart, kStop, kRestart, kReload };

class Systemd {
 public:
  virtual ~Systemd() = default;
  /// systemd's unit file state: "enabled", "disabled", "masked", "static", "indirect", "alias",
  /// "linked", "generated", ... kNotFound when there is no such unit.
  virtual Result<std::string> UnitFileState(const std::string& unit) = 0;
  /// Enables, disables or masks the unit (unmasking it first when it is masked).
  virtual Status SetEnablement(const std::string& unit, Enablement want) = 0;
  /// "active", "inactive", "failed", "activating", ...; kUnsupported where nothing runs.
  virtual Result<std::string> ActiveState(const std::string& unit) = 0;
  /// Starts, stops, restarts or reloads the unit and waits until it settles (or a timeout).
  virtual Status Act(const std::string& unit, UnitAction action) = 0;
};

/// Enablement without a running systemd, on the unit files of `root` (every path resolved in it,
/// links included, as RootPath does): units are looked up in /etc/systemd/system, /run/systemd/system,
/// /usr/local/lib/systemd/system, /lib/systemd/system and /usr/lib/systemd/system, in that order
/// (Debian's; on a merged /usr the last two are one);
/// their [Install] section (WantedBy, RequiredBy, UpheldBy, Alias, Also, DefaultInstance) says
/// which links in /etc/systemd/system enable them. Templates are enabled per instance
/// (getty@tty2.service); a template itself uses DefaultInstance. Links point at the unit file's
/// path as the system sees it (/lib/systemd/system/ssh.service), masks at /dev/null.
/// ActiveState and Act are kUnsupported: an image runs nothing.
class UnitFiles : public Systemd {
 public:
  UnitFiles(FileSystem& fs, const RootPath& root);
  Result<std::string> UnitFileState(const std::string& unit) override;
  Status SetEnablement(const std::string& unit, Enablement want) override;
  Result<std::string> ActiveState(const std::string& unit) override;
  Status Act(const std::string& unit, UnitAction action) override;

 private:
  struct Found {
    std::string path;        ///< as the system sees it (/lib/systemd/system/ssh.service)
    std::string link_name;   ///< the unit's name in links: the instance for a template
    std::vector<std::string> wanted_by, required_by, upheld_by, alias, also;
    bool has_install = false;
    bool masked = false;     ///< the unit's first file is a link to /dev/null
  };
  Result<Found> Find(const std::string& unit);
  /// Names in /etc/systemd/system's .wants, .requires and .upholds folders that are `name`.
  Result<std::vector<std::string>> InstallLinks(const std::string& name);
  Status Enable(const std::string& unit, int depth);
  Status Disable(const std::string& unit, int depth);
  Status Unmask(const std::string& unit);
  Status Link(const std::string& path, const std::string& target);
  // The file system's calls on a path of the root.
  Result<FileInfo> Stat(const std::string& path);
  Result<FileContent> Load(const std::string& path);
  Result<std::string> ReadLink(const std::string& path);
  Result<std::vector<std::string>> List(const std::string& path);
  Status MakeDirectories(const std::string& path);
  Status MakeSymlink(const std::string& path, const std::string& target);
  Status RemoveFile(const std::string& path);

  FileSystem& fs_;
  const RootPath& root_;
};

/// Property check: "" for a unit name ("ssh", "ssh.service", "getty@tty2.service"), else the
/// message tail. A name without a known unit suffix gets ".service".
std::string CheckUnitName(std::string_view name);
std::string UnitName(std::string_view name);

}  // namespace plumb
