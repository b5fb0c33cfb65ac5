#pragma once
/// Test support: a scripted resource type ("fake") whose behaviour each test sets per resource
/// id, and backends that fail loudly if a test reaches them by mistake.

#include <functional>
#include <map>
#include <string>

#include "resources/registry.h"

namespace plumb::testing {

enum class FakeState { kCompliant, kDrifted };
enum class FakeFailure { kNone, kTest, kSet, kNoEffect, kVerify, kRefresh };

struct FakeScript {
  FakeState state = FakeState::kCompliant;
  FakeFailure failure = FakeFailure::kNone;
  bool refreshable = false;
  std::string reboot_pending;  ///< reported by Test when compliant
  std::string not_applicable;  ///< reported by Test instead of any state
  int tests = 0, sets = 0, refreshes = 0;
  std::function<void()> on_test;
  std::function<void()> on_set;  ///< what else its change does (rewrites a file, ...)
};

using FakeWorld = std::map<std::string, FakeScript>;

inline FakeScript Script(FakeState state, FakeFailure failure = FakeFailure::kNone) {
  FakeScript s;
  s.state = state;
  s.failure = failure;
  return s;
}

/// Type "fake" with optional string properties "state" (the expected value, default "good") and
/// "kernel" (when set, drift is reported on it, and its change needs a reboot).
TypeInfo FakeType(FakeWorld& world);

class NullFileSystem : public FileSystem {
 public:
  Result<FileInfo> Stat(const std::string&) override { return Error{ErrorKind::kInternal, "unexpected file system call"}; }
  using FileSystem::Load;
  Result<FileContent> Load(const std::string&, uint64_t) override { return Error{ErrorKind::kInternal, "unexpected file system call"}; }
  Result<std::string> ReadLink(const std::string&) override { return Error{ErrorKind::kInternal, "unexpected file system call"}; }
  Result<std::vector<std::string>> List(const std::string&) override { return Error{ErrorKind::kInternal, "unexpected file system call"}; }
  Result<std::unique_ptr<AtomicFile>> CreateAtomic(const std::string&, const FileAttributes&) override {
    return Error{ErrorKind::kInternal, "unexpected file system call"};
  }
  Status MakeDirectory(const std::string&, const FileAttributes&) override { return Error{ErrorKind::kInternal, "unexpected"}; }
  Status SetMode(const std::string&, uint32_t) override { return Error{ErrorKind::kInternal, "unexpected"}; }
  Status SetOwner(const std::string&, std::optional<uint32_t>, std::optional<uint32_t>) override {
    return Error{ErrorKind::kInternal, "unexpected"};
  }
  Status RemoveFile(const std::string&) override { return Error{ErrorKind::kInternal, "unexpected"}; }
  Status MakeSymlink(const std::string&, const std::string&) override { return Error{ErrorKind::kInternal, "unexpected"}; }
  Status RemoveDirectory(const std::string&) override { return Error{ErrorKind::kInternal, "unexpected"}; }
};

class NullAccounts : public AccountDb {
 public:
  std::optional<uint32_t> UserId(const std::string&) override { return std::nullopt; }
  std::optional<uint32_t> GroupId(const std::string&) override { return std::nullopt; }
  std::string UserName(uint32_t uid) override { return std::to_string(uid); }
  std::string GroupName(uint32_t gid) override { return std::to_string(gid); }
};

class NullProcesses : public ProcessRunner {
 public:
  Result<ProcessResult> Run(const ProcessRequest&) override { return Error{ErrorKind::kInternal, "unexpected process start"}; }
};

/// Records each command line and answers with `code` and `output` without running anything.
class RecordingProcesses : public ProcessRunner {
 public:
  Result<ProcessResult> Run(const ProcessRequest& request) override {
    commands.push_back(request.command);
    return ProcessResult{ProcessEnd::kExited, code, output};
  }
  std::vector<std::string> commands;
  int code = 0;
  std::string output;
};

}  // namespace plumb::testing
