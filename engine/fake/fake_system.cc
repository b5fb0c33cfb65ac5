#include "engine/fake/fake_system.h"

#include <chrono>
#include <filesystem>
#include <fstream>

#include "engine/util/read_file.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

std::string ReadTrimmed(const std::string& path) {
  auto text = ReadWholeFile(path);
  return text ? std::string(Trim(*text)) : std::string();
}

Status Write(const std::string& path, const std::string& text, std::ios::openmode mode = std::ios::trunc) {
  std::ofstream out(path, std::ios::binary | mode);
  out << text;
  out.close();
  if (!out) return Error{ErrorKind::kInternal, "cannot write " + path};
  return OkStatus();
}

}  // namespace

int64_t FakeSystem::Now() {
  std::string now = ReadTrimmed(Path("now"));
  if (!now.empty()) return std::stoll(now);
  return SystemClock().Now();
}

int64_t FakeSystem::OffsetAt(int64_t) const {
  std::string off = ReadTrimmed(Path("utc_offset"));
  return off.empty() ? 0 : std::stoll(off);
}

std::string FakeSystem::BootId() {
  std::string id = ReadTrimmed(Path("boot_id"));
  return id.empty() ? "fake-boot-1" : id;
}

std::vector<std::string> FakeSystem::PendingReboot() {
  std::vector<std::string> out;
  auto text = ReadWholeFile(Path("os-pending-reboot"));
  if (!text) return out;
  for (auto line : SplitLines(*text))
    if (!Trim(line).empty()) out.emplace_back(Trim(line));
  return out;
}

Status FakeSystem::ScheduleOnce(int64_t at, const std::vector<std::string>& command) {
  return Write(Path("scheduled"), std::to_string(at) + "\n" + Join(command, "\n") + "\n");
}

Status FakeSystem::CancelOnce() {
  std::error_code ec;
  std::filesystem::remove(Path("scheduled"), ec);
  return OkStatus();
}

Status FakeSystem::EnsureAtBoot(const std::vector<std::string>& command) {
  return Write(Path("at-boot"), Join(command, "\n") + "\n");
}

Status FakeSystem::Reboot(const std::string& reason) {
  if (auto fails = ReadWholeFile(Path("reboot-fails"))) return Error{ErrorKind::kInternal, std::string(Trim(*fails))};
  return Write(Path("reboots"), std::to_string(Now()) + " " + reason + "\n", std::ios::app);
}

Status FakeSystem::Install(const std::vector<TaskFile>& changed, const std::vector<TaskFile>&) {
  std::error_code ec;
  std::filesystem::create_directories(Path("tasks"), ec);
  for (const auto& f : changed) {
    if (auto st = Write(Path(("tasks/" + f.name).c_str()), f.text); !st) return st;
    if (auto st = Write(Path("tasks.log"), "install " + f.name + "\n", std::ios::app); !st) return st;
  }
  return OkStatus();
}

Status FakeSystem::Remove(const std::vector<std::string>& names) {
  for (const auto& n : names) {
    std::error_code ec;
    std::filesystem::remove(Path(("tasks/" + n).c_str()), ec);
    if (auto st = Write(Path("tasks.log"), "remove " + n + "\n", std::ios::app); !st) return st;
  }
  return OkStatus();
}

bool FakeSystem::Exists(const std::string& name) {
  std::error_code ec;
  return std::filesystem::exists(Path(("tasks/" + name).c_str()), ec);
}

bool FakeSystem::HasCluster() const {
  std::error_code ec;
  return std::filesystem::exists(Path("cluster"), ec);
}

Result<std::vector<ClusterNode>> FakeSystem::Nodes() {
  auto text = ReadWholeFile(Path("cluster"));
  if (!text) return Error{ErrorKind::kUnavailable, "cluster state unavailable"};
  return ParseClusterNodes(*text);
}

Status FakeSystem::SetState(const std::string& node, NodeState state) {
  auto nodes = Nodes();
  if (!nodes) return nodes.error();
  std::string text;
  for (auto& n : *nodes) {
    if (n.name == node) n.state = state;
    text += n.name + " " + ToString(n.state) + "\n";
  }
  return Write(Path("cluster"), text);
}

Status FakeSystem::Drain(const std::string& node, int64_t) {
  if (auto st = Write(Path("cluster.log"), "drain " + node + "\n", std::ios::app); !st) return st;
  if (auto fails = ReadWholeFile(Path("drain-fails"))) return Error{ErrorKind::kInternal, std::string(Trim(*fails))};
  return SetState(node, NodeState::kPaused);
}

Status FakeSystem::Resume(const std::string& node) {
  if (auto st = Write(Path("cluster.log"), "resume " + node + "\n", std::ios::app); !st) return st;
  return SetState(node, NodeState::kUp);
}

}  // namespace plumb
