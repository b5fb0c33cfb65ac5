#pragma once
/// The configuration files kv resources read in one run, each read and indexed once however many
/// resources look at it, with sshd's and systemd-sysctl's whole reading order (folders listed
/// once, each file read once). Owned by the run and shared through Backends::kv_files; a run
/// without one reads afresh for every resource.
///
/// Invariant: an entry is what the file (or folder) held when plumb last read it, and every entry
/// is forgotten before plumb changes anything: the executor calls Clear before each Set and
/// Refresh, since a command or another resource may rewrite any file. Within `plumb test`, and
/// between two changes of an apply, every resource sees the same read of a file.

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/os/filesystem.h"
#include "engine/util/result.h"
#include "resources/kv.h"
#include "resources/root_path.h"

namespace plumb {

struct KvFile {
  FileContent content;  ///< as FileSystem::Load gave it
  std::string link;     ///< the target when content.info.kind is kSymlink
  /// The index of content.bytes for the format's dialect, comment characters and separator,
  /// built on first use.
  const KvIndex& Index(const KvFormat& format) const;

 private:
  struct Indexed {
    KvDialect dialect;
    std::string comment, separator;
    std::unique_ptr<KvIndex> index;
  };
  /// Almost always one entry: every resource on a file reads it with the same format.
  mutable std::vector<Indexed> indexes_;
};

class KvFiles {
 public:
  /// The file at host path `host`, loaded on first use. Failures are returned, not kept.
  Result<const KvFile*> Get(FileSystem& fs, const std::string& host);
  /// The names in the folder at host path `host` (as FileSystem::List), listed on first use.
  Result<const std::vector<std::string>*> List(FileSystem& fs, const std::string& host);
  /// `root.Resolve(node_path)`, resolved on first use: a reader's folders are resolved once per
  /// run, not once per key, and missing ones are not looked up again.
  Result<const std::string*> Host(const RootPath& root, const std::string& node_path);
  /// A reading order computed earlier under `name` (a reader and its managed file), or nullptr.
  const std::vector<std::string>* Order(const std::string& name) const;
  const std::vector<std::string>* KeepOrder(const std::string& name, std::vector<std::string> paths);
  /// Forgets everything: pointers returned earlier dangle.
  void Clear();

 private:
  std::unordered_map<std::string, std::string> hosts_;
  std::unordered_map<std::string, std::vector<std::string>> orders_;
  std::unordered_map<std::string, std::unique_ptr<KvFile>> files_;
  std::unordered_map<std::string, std::unique_ptr<std::vector<std::string>>> folders_;
};

}  // namespace plumb
