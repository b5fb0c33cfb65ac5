#pragma once
/// Test support for the end-to-end tests (tests/e2e/): the names every one of them uses, declared
/// once in namespace plumb, which only those test files open with this header.

#include <filesystem>

#include "tests/support/run_binary.h"
#include "tests/support/temp_dir.h"

namespace plumb {

namespace fs = std::filesystem;
using testing::NormalizeTimes;
using testing::ReadText;
using testing::RunPlumb;
using testing::RunResult;
using testing::WriteText;

}  // namespace plumb
