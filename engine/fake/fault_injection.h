#pragma once
/// Fault injection at the OS seam, as leveldb's fault-injection Env does it: wrappers of the file
/// system and the process runner count every call that changes something and, at the chosen one,
/// fail it or end the process. Nothing in the product knows about them; tests build them, and the
/// CLI wraps the real backends in them only when the test-only PLUMB_TEST_CRASH_AT is set.
///
/// Mutating calls: AtomicFile::Commit (so WriteAtomic) and Place, SyncData, SyncFolders, MakeDirectory, SetMode, SetOwner,
/// RemoveFile, MakeSymlink, RemoveDirectory, every ProcessRunner::Run (a command may change anything),
/// and GitRepository::Fetch and Checkout.

#include <functional>
#include <memory>
#include <string>

#include "engine/os/filesystem.h"
#include "engine/os/process.h"
#include "engine/source/git.h"

namespace plumb {

/// Which call to hit and how. Shared by the wrappers of one run, so their calls count together.
/// Invariant: fires at most once, at call number `at` (1-based); at = 0 never fires.
class FaultPlan {
 public:
  enum class Action {
    kFail,  ///< the call does nothing and returns an error (kind kInternal, "injected fault: ...")
    kKill,  ///< the call completes, then `kill` ends the process, as kill -9 right after it would
  };
  FaultPlan() = default;
  FaultPlan(int at, Action action, std::function<void()> kill = nullptr)
      : at_(at), action_(action), kill_(std::move(kill)) {}

  /// Before a mutating call: the error to fail it with, or ok to go on.
  Status Before(const std::string& what);
  /// After a mutating call that went through: ends the process when it was the chosen one.
  void After(const std::string& what);
  /// Mutating calls seen so far.
  int calls() const { return calls_; }

 private:
  bool Chosen() const { return at_ > 0 && calls_ == at_; }
  int at_ = 0;
  Action action_ = Action::kFail;
  std::function<void()> kill_;
  int calls_ = 0;
};

class FaultInjectingFileSystem : public FileSystem {
 public:
  FaultInjectingFileSystem(FileSystem& inner, FaultPlan& plan) : inner_(inner), plan_(plan) {}

  Result<FileInfo> Stat(const std::string& path) override { return inner_.Stat(path); }
  using FileSystem::Load;
  Result<FileContent> Load(const std::string& path, uint64_t max_bytes) override { return inner_.Load(path, max_bytes); }
  Result<std::string> ReadLink(const std::string& path) override { return inner_.ReadLink(path); }
  Result<std::vector<std::string>> List(const std::string& path) override { return inner_.List(path); }
  Result<std::unique_ptr<AtomicFile>> CreateAtomic(const std::string& path, const FileAttributes& attrs) override;
  Status SyncData(const std::vector<AtomicFile*>& files) override;
  Status SyncFolders(const std::vector<AtomicFile*>& files) override;
  Status MakeDirectory(const std::string& path, const FileAttributes& attrs) override;
  Status SetMode(const std::string& path, uint32_t mode) override;
  Status SetOwner(const std::string& path, std::optional<uint32_t> uid, std::optional<uint32_t> gid) override;
  Status RemoveFile(const std::string& path) override;
  Status MakeSymlink(const std::string& path, const std::string& target) override;
  Status RemoveDirectory(const std::string& path) override;

 private:
  FileSystem& inner_;
  FaultPlan& plan_;
};

class FaultInjectingProcessRunner : public ProcessRunner {
 public:
  FaultInjectingProcessRunner(ProcessRunner& inner, FaultPlan& plan) : inner_(inner), plan_(plan) {}
  Result<ProcessResult> Run(const ProcessRequest& request) override;

 private:
  ProcessRunner& inner_;
  FaultPlan& plan_;
};

class FaultInjectingGit : public GitRepository {
 public:
  FaultInjectingGit(std::unique_ptr<GitRepository> inner, FaultPlan& plan) : inner_(std::move(inner)), plan_(plan) {}
  Result<std::string> Fetch(const std::string& url, const std::string& ref, const FetchAuth& auth) override;
  Result<GitCommit> Commit(const std::string& id) override { return inner_->Commit(id); }
  Result<bool> Descends(const std::string& id, const std::string& ancestor) override {
    return inner_->Descends(id, ancestor);
  }
  Result<std::vector<std::string>> Between(const std::string& base, const std::string& tip) override {
    return inner_->Between(base, tip);
  }
  Status Checkout(const std::string& id, const std::string& dir) override;

 private:
  std::unique_ptr<GitRepository> inner_;
  FaultPlan& plan_;
};

}  // namespace plumb
