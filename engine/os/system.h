#pragma once
/// The real file system, account database and process runner of this platform, implemented in
/// engine/os/<platform>/ and picked by CMake.

#include <memory>

#include "engine/os/filesystem.h"
#include "engine/os/process.h"

namespace plumb {

std::unique_ptr<FileSystem> MakeSystemFileSystem();
std::unique_ptr<AccountDb> MakeSystemAccountDb();
std::unique_ptr<ProcessRunner> MakeSystemProcessRunner();

}  // namespace plumb
