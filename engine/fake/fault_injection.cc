#include "engine/fake/fault_injection.h"

#include <cstdio>

namespace plumb {

Status FaultPlan::Before(const std::string& what) {
  ++calls_;
  if (Chosen() && action_ == Action::kFail) return Error{ErrorKind::kInternal, "injected fault: " + what};
  return OkStatus();
}

void FaultPlan::After(const std::string& what) {
  if (!Chosen() || action_ != Action::kKill || !kill_) return;
  std::fprintf(stderr, "plumb: test crash after call %d (%s)\n", calls_, what.c_str());
  std::fflush(stderr);
  kill_();
}

namespace {

// The call `what` through the plan: counted, maybe failed, maybe followed by the end.
template <class Call>
auto Through(FaultPlan& plan, const std::string& what, Call call) -> decltype(call()) {
  if (auto st = plan.Before(what); !st) return st.error();
  auto result = call();
  if (result) plan.After(what);
  return result;
}

class FaultInjectingAtomicFile : public AtomicFile {
 public:
  FaultInjectingAtomicFile(std::unique_ptr<AtomicFile> inner, FaultPlan& plan, std::string path)
      : inner_(std::move(inner)), plan_(plan), path_(std::move(path)) {}
  Status Append(std::string_view data) override { return inner_->Append(data); }
  std::string TemporaryPath() const override { return inner_->TemporaryPath(); }
  Status Commit() override { return Through(plan_, "write " + path_, [&] { return inner_->Commit(); }); }
  Status Place() override { return Through(plan_, "put in place " + path_, [&] { return inner_->Place(); }); }
  AtomicFile* inner() const { return inner_.get(); }

 private:
  std::unique_ptr<AtomicFile> inner_;
  FaultPlan& plan_;
  std::string path_;
};

std::vector<AtomicFile*> Inner(const std::vector<AtomicFile*>& files) {
  std::vector<AtomicFile*> inner;
  for (AtomicFile* f : files) inner.push_back(static_cast<FaultInjectingAtomicFile*>(f)->inner());
  return inner;
}

}  // namespace

Status FaultInjectingFileSystem::SyncData(const std::vector<AtomicFile*>& files) {
  return Through(plan_, "sync " + std::to_string(files.size()) + " files", [&] { return inner_.SyncData(Inner(files)); });
}

Status FaultInjectingFileSystem::SyncFolders(const std::vector<AtomicFile*>& files) {
  return Through(plan_, "sync the folders of " + std::to_string(files.size()) + " files",
                 [&] { return inner_.SyncFolders(Inner(files)); });
}

Result<std::unique_ptr<AtomicFile>> FaultInjectingFileSystem::CreateAtomic(const std::string& path,
                                                                           const FileAttributes& attrs) {
  auto file = inner_.CreateAtomic(path, attrs);
  if (!file) return file.error();
  return std::unique_ptr<AtomicFile>(new FaultInjectingAtomicFile(std::move(*file), plan_, path));
}

Status FaultInjectingFileSystem::MakeDirectory(const std::string& path, const FileAttributes& attrs) {
  return Through(plan_, "create folder " + path, [&] { return inner_.MakeDirectory(path, attrs); });
}

Status FaultInjectingFileSystem::SetMode(const std::string& path, uint32_t mode) {
  return Through(plan_, "set mode of " + path, [&] { return inner_.SetMode(path, mode); });
}

Status FaultInjectingFileSystem::SetOwner(const std::string& path, std::optional<uint32_t> uid,
                                          std::optional<uint32_t> gid) {
  return Through(plan_, "set owner of " + path, [&] { return inner_.SetOwner(path, uid, gid); });
}

Status FaultInjectingFileSystem::RemoveFile(const std::string& path) {
  return Through(plan_, "remove " + path, [&] { return inner_.RemoveFile(path); });
}

Status FaultInjectingFileSystem::MakeSymlink(const std::string& path, const std::string& target) {
  return Through(plan_, "link " + path, [&] { return inner_.MakeSymlink(path, target); });
}

Status FaultInjectingFileSystem::RemoveDirectory(const std::string& path) {
  return Through(plan_, "remove folder " + path, [&] { return inner_.RemoveDirectory(path); });
}

Result<ProcessResult> FaultInjectingProcessRunner::Run(const ProcessRequest& request) {
  return Through(plan_, "run " + request.command, [&] { return inner_.Run(request); });
}

Result<std::string> FaultInjectingGit::Fetch(const std::string& url, const std::string& ref, const FetchAuth& auth) {
  return Through(plan_, "fetch " + ref + " from " + url, [&] { return inner_->Fetch(url, ref, auth); });
}

Status FaultInjectingGit::Checkout(const std::string& id, const std::string& dir) {
  return Through(plan_, "check out " + id, [&] { return inner_->Checkout(id, dir); });
}

}  // namespace plumb
