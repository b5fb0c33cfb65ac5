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

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/os/filesystem.h"
#include "engine/util/result.h"
#include "resources/kv.h"

namespace plumb {

struct KvFile {
  FileContent content;  ///< as FileSystem::Load gave it
  std::string link;     ///< the target when content.info.kind is kSymlink
  /// The index of content.bytes for the format's dialect, comment characters and separator,
  /// built on first use.
  const KvIndex& Index(const KvFormat& format) const;

 private:
  mutable std::map<std::string, std::unique_ptr<KvIndex>> indexes_;
};

class KvFiles {
 public:
  /// The file at host path `host`, loaded on first use. Failures are returned, not kept.
  Result<const KvFile*> Get(FileSystem& fs, const std::string& host);
  /// The names in the folder at host path `host` (as FileSystem::List), listed on first use.
  Result<const std::vector<std::string>*> List(FileSystem& fs, const std::string& host);
  /// Forgets everything: pointers returned earlier dangle.
  void Clear();

 private:
  std::unordered_map<std::string, std::unique_ptr<KvFile>> files_;
  std::unordered_map<std::string, std::unique_ptr<std::vector<std::string>>> folders_;
};

}  // namespace plumb
