#pragma once
/// The real file system, account database and process runner of this platform, implemented in
/// engine/os/<platform>/ and picked by CMake.

#include <memory>
#include <string>

#include "engine/os/filesystem.h"
#include "engine/os/process.h"

namespace plumb {

/// `root` is the folder given with --root ("" for none): paths under it are resolved by the
/// kernel inside it, on every operation, so nothing can lead out of it (see filesystem.h).
std::unique_ptr<FileSystem> MakeSystemFileSystem(const std::string& root = "");
std::unique_ptr<AccountDb> MakeSystemAccountDb();
std::unique_ptr<ProcessRunner> MakeSystemProcessRunner();

}  // namespace plumb
