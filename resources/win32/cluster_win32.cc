// Failover clustering through ClusAPI. clusapi.dll is loaded at run time so plumb.exe starts on
// machines without the Failover Clustering feature (and under Wine, whose clusapi is a stub);
// GetNodeClusterState is asked first and nothing else is called unless the cluster service runs.
// mingw-w64's clusapi.h does not compile as C++ (it defines its enums twice), so the few
// declarations used are written out here from the Windows SDK's.

#include <windows.h>

#include <chrono>
#include <thread>

#include "resources/cluster_proplist.h"
#include "resources/system_backends.h"
#include "engine/os/win32/wide.h"

namespace plumb {
namespace {

using win32::Narrow;
using win32::Wide;
using win32::Load;

// Control codes (clusapi.h macros: object << 24 | modify << 22 | function << 2 | access).
constexpr DWORD kGetCommonProperties = 0x07000059;
constexpr DWORD kSetCommonProperties = 0x0740005E;
constexpr DWORD kNodeGetRoCommonProperties = 0x04000055;
constexpr DWORD kStateRunning = 0x13, kStateNotConfigured = 0x1, kStateNotRunning = 0x3;
constexpr DWORD kDrainCompleted = 2, kDrainFailed = 3;

using HCLUSTER = struct ClusterHandle*;
using HNODE = struct NodeHandle*;
using HCLUSENUM = struct EnumHandle*;
using GetNodeClusterStateFn = DWORD(WINAPI*)(LPCWSTR node, DWORD* state);
using OpenClusterFn = HCLUSTER(WINAPI*)(LPCWSTR name);
using CloseClusterFn = BOOL(WINAPI*)(HCLUSTER);
using GetClusterInformationFn = DWORD(WINAPI*)(HCLUSTER, LPWSTR name, LPDWORD chars, void* version_info);
using ClusterControlFn = DWORD(WINAPI*)(HCLUSTER, HNODE host, DWORD code, LPVOID in, DWORD in_size, LPVOID out,
                                        DWORD out_size, LPDWORD returned);
using ClusterOpenEnumFn = HCLUSENUM(WINAPI*)(HCLUSTER, DWORD type);
using ClusterEnumFn = DWORD(WINAPI*)(HCLUSENUM, DWORD index, LPDWORD type, LPWSTR name, LPDWORD chars);
using ClusterCloseEnumFn = DWORD(WINAPI*)(HCLUSENUM);
using OpenClusterNodeFn = HNODE(WINAPI*)(HCLUSTER, LPCWSTR name);
using CloseClusterNodeFn = BOOL(WINAPI*)(HNODE);
using GetClusterNodeStateFn = int(WINAPI*)(HNODE);  // CLUSTER_NODE_STATE
using ClusterNodeControlFn = DWORD(WINAPI*)(HNODE, HNODE host, DWORD code, LPVOID in, DWORD in_size, LPVOID out,
                                            DWORD out_size, LPDWORD returned);
using PauseClusterNodeExFn = DWORD(WINAPI*)(HNODE, BOOL drain, DWORD flags, HNODE target);
using ResumeClusterNodeExFn = DWORD(WINAPI*)(HNODE, int failback, DWORD reserved);
constexpr DWORD kEnumNode = 1;  // CLUSTER_ENUM_NODE
constexpr int kNodeUp = 0, kNodeDown = 1, kNodePaused = 2;
constexpr int kFailbackGroupsPerPolicy = 2;
// CLUSTER_ENUM_SHARED_VOLUME_RESOURCE (Windows Server 2012 clusapi.h; not in mingw-w64's).
constexpr DWORD kEnumSharedVolumeResource = 0x40000000;

Error ClusterError(const std::string& what, DWORD err) { return Error{win32::KindOf(err), "cannot " + what + ": " + win32::ErrorText(err)}; }

// A control code's property list: `call(buffer, size, &returned)` is asked again with the size it
// says it needs (ERROR_MORE_DATA).
template <typename Call>
Result<std::vector<ClusterProperty>> ReadPropertyList(Call call, const std::string& what) {
  std::vector<uint8_t> out(4096);
  DWORD got = 0;
  DWORD err = call(out.data(), static_cast<DWORD>(out.size()), &got);
  if (err == ERROR_MORE_DATA) {
    out.resize(got);
    err = call(out.data(), static_cast<DWORD>(out.size()), &got);
  }
  if (err != ERROR_SUCCESS) return ClusterError(what, err);
  out.resize(got);
  return DecodePropertyList(out);
}

class Win32Cluster : public ClusterApi {
 public:
  Win32Cluster() : lib_(::LoadLibraryW(L"clusapi.dll")) {
    get_node_cluster_state_ = Load<GetNodeClusterStateFn>(lib_, "GetNodeClusterState");
    open_cluster_ = Load<OpenClusterFn>(lib_, "OpenCluster");
    close_cluster_ = Load<CloseClusterFn>(lib_, "CloseCluster");
    get_cluster_information_ = Load<GetClusterInformationFn>(lib_, "GetClusterInformation");
    cluster_control_ = Load<ClusterControlFn>(lib_, "ClusterControl");
    open_enum_ = Load<ClusterOpenEnumFn>(lib_, "ClusterOpenEnum");
    enum_ = Load<ClusterEnumFn>(lib_, "ClusterEnum");
    close_enum_ = Load<ClusterCloseEnumFn>(lib_, "ClusterCloseEnum");
    open_node_ = Load<OpenClusterNodeFn>(lib_, "OpenClusterNode");
    close_node_ = Load<CloseClusterNodeFn>(lib_, "CloseClusterNode");
    node_state_ = Load<GetClusterNodeStateFn>(lib_, "GetClusterNodeState");
    node_control_ = Load<ClusterNodeControlFn>(lib_, "ClusterNodeControl");
    pause_ex_ = Load<PauseClusterNodeExFn>(lib_, "PauseClusterNodeEx");
    resume_ex_ = Load<ResumeClusterNodeExFn>(lib_, "ResumeClusterNodeEx");
  }
  ~Win32Cluster() override {
    if (cluster_ && close_cluster_) close_cluster_(cluster_);
    if (lib_) ::FreeLibrary(lib_);
  }
  Win32Cluster(const Win32Cluster&) = delete;
  Win32Cluster& operator=(const Win32Cluster&) = delete;

  Result<ClusterMembership> Membership() override {
    if (!get_node_cluster_state_) return ClusterMembership::kNotInstalled;
    DWORD state = 0;
    if (DWORD err = get_node_cluster_state_(nullptr, &state); err != ERROR_SUCCESS)
      return ClusterError("read the node's cluster state", err);
    return state == kStateRunning        ? ClusterMembership::kRunning
           : state == kStateNotRunning   ? ClusterMembership::kNotRunning
           : state == kStateNotConfigured ? ClusterMembership::kNotConfigured
                                          : ClusterMembership::kNotInstalled;
  }

  Result<std::string> Name() override {
    if (auto st = Open(); !st) return st.error();
    wchar_t name[256];
    DWORD len = 256;
    if (DWORD err = get_cluster_information_(cluster_, name, &len, nullptr); err != ERROR_SUCCESS)
      return ClusterError("read the cluster name", err);
    return Narrow(name);
  }

  Result<std::vector<ClusterNode>> Nodes() override {
    if (auto st = Open(); !st) return st.error();
    HCLUSENUM e = open_enum_(cluster_, kEnumNode);
    if (!e) return ClusterError("list the cluster nodes", ::GetLastError());
    std::vector<ClusterNode> out;
    for (DWORD i = 0;; ++i) {
      wchar_t name[256];
      DWORD len = 256, type = 0;
      DWORD err = enum_(e, i, &type, name, &len);
      if (err == ERROR_NO_MORE_ITEMS) break;
      if (err != ERROR_SUCCESS) {
        close_enum_(e);
        return ClusterError("list the cluster nodes", err);
      }
      ClusterNode node{Narrow(name), NodeState::kUnknown};
      if (HNODE h = open_node_(cluster_, name)) {
        int s = node_state_(h);
        node.state = s == kNodeUp ? NodeState::kUp : s == kNodeDown ? NodeState::kDown
                     : s == kNodePaused ? NodeState::kPaused : NodeState::kUnknown;
        close_node_(h);
      }
      out.push_back(std::move(node));
    }
    close_enum_(e);
    return out;
  }

  Result<int> SharedVolumes() override {
    if (auto st = Open(); !st) return st.error();
    HCLUSENUM e = open_enum_(cluster_, kEnumSharedVolumeResource);
    if (!e) return ClusterError("list the Cluster Shared Volumes", ::GetLastError());
    int count = 0;
    for (DWORD i = 0;; ++i) {
      wchar_t name[256];
      DWORD len = 256, type = 0;
      if (enum_(e, i, &type, name, &len) != ERROR_SUCCESS) break;
      ++count;
    }
    close_enum_(e);
    return count;
  }

  Result<std::vector<ClusterProperty>> CommonProperties() override {
    if (auto st = Open(); !st) return st.error();
    return ReadPropertyList(
        [&](void* out, DWORD size, DWORD* got) {
          return cluster_control_(cluster_, nullptr, kGetCommonProperties, nullptr, 0, out, size, got);
        },
        "read the cluster's common properties");
  }

  Status SetCommonProperty(const ClusterProperty& property) override {
    if (auto st = Open(); !st) return st;
    std::vector<uint8_t> in = EncodePropertyList({property});
    DWORD got = 0;
    DWORD err = cluster_control_(cluster_, nullptr, kSetCommonProperties, in.data(), static_cast<DWORD>(in.size()),
                                 nullptr, 0, &got);
    if (err != ERROR_SUCCESS) return ClusterError("set cluster property '" + property.name + "'", err);
    return OkStatus();
  }

  Status Pause(const std::string& node, int64_t timeout_s) override {
    if (!pause_ex_) return Error{ErrorKind::kUnsupported, "cannot drain node '" + node + "': PauseClusterNodeEx needs Windows Server 2012 or later"};
    if (auto st = Open(); !st) return st;
    HNODE h = open_node_(cluster_, Wide(node).c_str());
    if (!h) return ClusterError("open cluster node '" + node + "'", ::GetLastError());
    DWORD err = pause_ex_(h, TRUE, 0, nullptr);
    if (err != ERROR_SUCCESS && err != ERROR_IO_PENDING) {
      close_node_(h);
      return ClusterError("drain node '" + node + "'", err);
    }
    // Draining moves every role away; it is done when NodeDrainStatus says so.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    Status result = Error{ErrorKind::kTimedOut, "draining node '" + node + "' did not finish within " + std::to_string(timeout_s) + "s"};
    while (std::chrono::steady_clock::now() < deadline) {
      auto status = DrainStatus(h);
      if (!status) {
        result = status.error();
        break;
      }
      if (*status == kDrainCompleted) {
        result = OkStatus();
        break;
      }
      if (*status == kDrainFailed) {
        result = Error{ErrorKind::kInternal, "draining node '" + node + "' failed (NodeDrainStatus = failed)"};
        break;
      }
      std::this_thread::sleep_for(std::chrono::seconds(2));
    }
    close_node_(h);
    return result;
  }

  Status Resume(const std::string& node) override {
    if (!resume_ex_) return Error{ErrorKind::kUnsupported, "cannot resume node '" + node + "': ResumeClusterNodeEx needs Windows Server 2012 or later"};
    if (auto st = Open(); !st) return st;
    HNODE h = open_node_(cluster_, Wide(node).c_str());
    if (!h) return ClusterError("open cluster node '" + node + "'", ::GetLastError());
    DWORD err = resume_ex_(h, kFailbackGroupsPerPolicy, 0);
    close_node_(h);
    if (err != ERROR_SUCCESS) return ClusterError("resume node '" + node + "'", err);
    return OkStatus();
  }

 private:
  Status Open() {
    if (cluster_) return OkStatus();
    if (!open_cluster_ || !cluster_control_ || !open_enum_ || !open_node_)
      return Error{ErrorKind::kUnavailable, "the Failover Clustering API (clusapi.dll) is not available on this system"};
    cluster_ = open_cluster_(nullptr);
    if (!cluster_) return ClusterError("open the local cluster", ::GetLastError());
    return OkStatus();
  }

  Result<uint32_t> DrainStatus(HNODE h) {
    auto props = ReadPropertyList(
        [&](void* out, DWORD size, DWORD* got) {
          return node_control_(h, nullptr, kNodeGetRoCommonProperties, nullptr, 0, out, size, got);
        },
        "read the node's drain status");
    if (!props) return props.error();
    for (const auto& p : *props)
      if (p.name == "NodeDrainStatus" && std::holds_alternative<uint32_t>(p.value)) return std::get<uint32_t>(p.value);
    return Error{ErrorKind::kNotFound, "the node has no NodeDrainStatus property"};
  }

  HMODULE lib_;
  HCLUSTER cluster_ = nullptr;
  GetNodeClusterStateFn get_node_cluster_state_;
  OpenClusterFn open_cluster_;
  CloseClusterFn close_cluster_;
  GetClusterInformationFn get_cluster_information_;
  ClusterControlFn cluster_control_;
  ClusterOpenEnumFn open_enum_;
  ClusterEnumFn enum_;
  ClusterCloseEnumFn close_enum_;
  OpenClusterNodeFn open_node_;
  CloseClusterNodeFn close_node_;
  GetClusterNodeStateFn node_state_;
  ClusterNodeControlFn node_control_;
  PauseClusterNodeExFn pause_ex_;
  ResumeClusterNodeExFn resume_ex_;
};

}  // namespace

std::unique_ptr<ClusterApi> MakeSystemCluster() { return std::make_unique<Win32Cluster>(); }

}  // namespace plumb
