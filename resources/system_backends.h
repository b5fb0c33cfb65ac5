#pragma once
/// The real backends of this platform, implemented in resources/<platform>/ and picked by CMake.

#include <memory>

#include "resources/filesystem.h"
#include "resources/process.h"

namespace plumb {

std::unique_ptr<FileSystem> MakeSystemFileSystem();
std::unique_ptr<AccountDb> MakeSystemAccountDb();
std::unique_ptr<ProcessRunner> MakeSystemProcessRunner();

}  // namespace plumb
