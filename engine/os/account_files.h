#pragma once
/// Users and groups of an offline root (--root): names resolve from ROOT/etc/passwd and
/// ROOT/etc/group, never from the running system, whose ids for the same name may differ or
/// which may not have the name at all.

#include <memory>
#include <string>

#include "engine/os/filesystem.h"

namespace plumb {

/// Reads the two files through `fs` (which outlives the result) on first use. Lines are
/// "name:password:uid:gid:..." and "name:password:gid:members"; the first line of a name counts,
/// as for glibc's files database. Missing files resolve nothing but numbers.
std::unique_ptr<AccountDb> MakeFileAccountDb(FileSystem& fs, const std::string& root);

}  // namespace plumb
