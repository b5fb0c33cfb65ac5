#pragma once
/// Opening a folder by handle so that later operations (openat, mkdirat, renameat, fchmod) act on
/// the folder that was checked, whatever happens to the path afterwards. Two rules:
/// - In a root (--root): the path is resolved by the kernel with openat2(RESOLVE_IN_ROOT |
///   RESOLVE_NO_MAGICLINKS), so no link and no ".." can lead out of the root, even one that
///   appears while the run goes on.
/// - On the host: each component is opened without following links, and plumb refuses to pass
///   from something an unprivileged user owns into something another user owns (systemd's
///   chase() with CHASE_SAFE). A web user who owns /var/www/app cannot turn its "conf" folder into
///   a link to /etc, and a link that user owns cannot lead anywhere but into their own files.

#include <string>

#include "engine/os/linux/unique_fd.h"
#include "engine/util/result.h"

namespace plumb {

/// Opens the folder `rel` (absolute or not, it is taken from the root) inside the folder `root_fd`
/// with O_DIRECTORY. Errors carry the errno's kind; `shown` names the folder in them.
Result<UniqueFd> OpenDirInRoot(int root_fd, const std::string& rel, const std::string& shown);

/// Opens the folder at absolute host path `path` under the CHASE_SAFE rule above. A refused
/// transition is kPermissionDenied and names both ends, their owners and the reason.
Result<UniqueFd> OpenDirSafely(const std::string& path);

/// Opens a folder for reading (to fsync it or read entries); falls back to O_PATH when the
/// running user may search but not read it, which is still a handle for *at() calls.
UniqueFd ReopenDir(int fd);

}  // namespace plumb
