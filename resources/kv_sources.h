#pragma once
/// Which files a program reads a kv setting from, in the program's order, and so which assignment
/// it applies. A kv resource manages one file; with a dialect, the verdict is the program's:
///
/// - kSshd: sshd reads /etc/ssh/sshd_config and, where a global `Include` line stands, the files
///   it names (relative names are taken from /etc/ssh; wildcards in the file name expand in sorted
///   order; included files may include others, 16 levels deep). The first global value wins, so a
///   drop-in in sshd_config.d that Debian includes at the top overrides the main file. A Match
///   block in an included file ends with that file.
/// - kSysctl: systemd-sysctl reads the *.conf files of /etc/sysctl.d, /run/sysctl.d,
///   /usr/local/lib/sysctl.d, /usr/lib/sysctl.d and /lib/sysctl.d, sorted by file name, a name in
///   an earlier folder hiding the same name in a later one, and a link to /dev/null hiding it
///   altogether; /etc/sysctl.conf only where a link points to it (Debian's 99-sysctl.conf), since
///   systemd-sysctl never reads it for itself.
///   The last value wins.
/// - other dialects: the managed file alone.
///
/// Paths here are node paths (as in policies); `root` maps them to the host.

#include <optional>
#include <string>
#include <string_view>

#include "engine/os/filesystem.h"
#include "engine/util/result.h"
#include "resources/kv.h"
#include "resources/kv_files.h"
#include "resources/root_path.h"

namespace plumb {

/// One assignment of the key: where it is and what it sets.
struct KvSource {
  std::string path;  ///< node path of the file
  size_t line = 0;   ///< 1-based
  std::string value;
};

struct KvVerdict {
  std::optional<KvSource> effective;  ///< the assignment the program applies; nullopt: none
  bool managed_read = false;          ///< the program reads the managed file at all
};

/// The program's verdict on `key`, with the managed file (node path `managed`) taken to hold what
/// `managed_index` indexes, so that an edit can be judged before it is written. Other files are
/// read through `files`. Files that cannot be read are errors naming them; missing ones hold
/// nothing.
Result<KvVerdict> JudgeKv(FileSystem& fs, KvFiles& files, const RootPath& root, const std::string& managed,
                          const KvIndex& managed_index, const std::string& key, const KvFormat& format);

/// "sshd", "systemd-sysctl", "the shell", ...: who reads the file, for messages.
std::string KvReader(KvDialect dialect);

}  // namespace plumb
