#pragma once
/// sshd's StrictModes for plumb's own inputs: the state folder and the policy repository decide
/// what plumb runs as root, so nobody but root (or the user running plumb) may be able to change
/// them. Implemented per platform in engine/os/<platform>/trust_*.cc.

#include <string>

#include "engine/util/result.h"

namespace plumb {

enum class TrustScope {
  kPathOnly,  ///< the path and the folders above it
  kTree,      ///< also everything below the path (links are not followed)
};

/// Checks that `path` (and, with kTree, every entry below it) and each folder above it up to the
/// file system's root is owned by root or the running user and is not writable by group or
/// others. A folder above that root owns and that has the sticky bit (/tmp) may be world-writable,
/// as in OpenSSH's safe_path. A missing `path` is fine (nothing to trust yet); its existing
/// parents are still checked. The error (kPermissionDenied) names the path, its owner and mode,
/// and the commands that fix it.
///
/// On Windows the same rule reads owners and ACLs: SYSTEM, Administrators, TrustedInstaller or
/// the running account must own each entry, and no other account may hold a right that changes
/// it; a folder above the path may let others add entries (see engine/os/win32/trust_win32.cc).
Status CheckTrusted(const std::string& path, TrustScope scope);

}  // namespace plumb
