// Windows features through the DISM API. dismapi.dll is loaded at run time, from System32 only
// (a copy beside plumb.exe or in the working folder is never picked up), so plumb starts on
// systems without it and says so per resource.

#include <windows.h>
// dismapi.h uses the types of windows.h without including it.
#include <dismapi.h>

#include "engine/os/win32/wide.h"
#include "resources/system_backends.h"

namespace plumb {
namespace {

using win32::Load;
using win32::Narrow;
using win32::Wide;

using InitializeFn = HRESULT(WINAPI*)(DismLogLevel, PCWSTR, PCWSTR);
using ShutdownFn = HRESULT(WINAPI*)();
using OpenSessionFn = HRESULT(WINAPI*)(PCWSTR, PCWSTR, PCWSTR, DismSession*);
using CloseSessionFn = HRESULT(WINAPI*)(DismSession);
using GetFeaturesFn = HRESULT(WINAPI*)(DismSession, PCWSTR, DismPackageIdentifier, DismFeature**, UINT*);
using EnableFeatureFn = HRESULT(WINAPI*)(DismSession, PCWSTR, PCWSTR, DismPackageIdentifier, WINBOOL, PCWSTR*, UINT, WINBOOL,
                                         HANDLE, DISM_PROGRESS_CALLBACK, PVOID);
using DisableFeatureFn = HRESULT(WINAPI*)(DismSession, PCWSTR, PCWSTR, WINBOOL, HANDLE, DISM_PROGRESS_CALLBACK, PVOID);
using DeleteFn = HRESULT(WINAPI*)(VOID*);
using LastErrorFn = HRESULT(WINAPI*)(DismString**);

// What DismEnableFeature and DismDisableFeature answer when the change finishes at the next boot.
constexpr HRESULT kRebootRequired = ERROR_SUCCESS_REBOOT_REQUIRED;
constexpr HRESULT kRebootRequiredHr = static_cast<HRESULT>(0x80070BC2);

class DismFeatures : public WindowsFeatures {
 public:
  DismFeatures() : lib_(::LoadLibraryExW(L"dismapi.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32)) {
    if (!lib_) load_error_ = ::GetLastError();
    initialize_ = Load<InitializeFn>(lib_, "DismInitialize");
    shutdown_ = Load<ShutdownFn>(lib_, "DismShutdown");
    open_ = Load<OpenSessionFn>(lib_, "DismOpenSession");
    close_ = Load<CloseSessionFn>(lib_, "DismCloseSession");
    get_features_ = Load<GetFeaturesFn>(lib_, "DismGetFeatures");
    enable_ = Load<EnableFeatureFn>(lib_, "DismEnableFeature");
    disable_ = Load<DisableFeatureFn>(lib_, "DismDisableFeature");
    delete_ = Load<DeleteFn>(lib_, "DismDelete");
    last_error_ = Load<LastErrorFn>(lib_, "DismGetLastErrorMessage");
  }
  ~DismFeatures() override {
    if (open_session_) close_(session_);
    if (initialized_) shutdown_();
    if (lib_) ::FreeLibrary(lib_);
  }
  DismFeatures(const DismFeatures&) = delete;
  DismFeatures& operator=(const DismFeatures&) = delete;

  Result<FeatureStates> List() override {
    if (auto st = Open(); !st) return st.error();
    DismFeature* features = nullptr;
    UINT count = 0;
    if (HRESULT hr = get_features_(session_, nullptr, DismPackageNone, &features, &count); FAILED(hr))
      return Failure("list the features", hr);
    FeatureStates out;
    for (UINT i = 0; i < count; ++i)
      out[Narrow(features[i].FeatureName)] = static_cast<FeatureState>(features[i].State);
    delete_(features);
    return out;
  }

  Result<RestartNeed> Enable(const std::string& name, bool with_parents) override {
    if (auto st = Open(); !st) return st.error();
    std::wstring wide = Wide(name);
    HRESULT hr = enable_(session_, wide.c_str(), nullptr, DismPackageNone, FALSE, nullptr, 0, with_parents ? TRUE : FALSE,
                         nullptr, nullptr, nullptr);
    return Outcome(hr, "enable the feature");
  }

  Result<RestartNeed> Disable(const std::string& name) override {
    if (auto st = Open(); !st) return st.error();
    std::wstring wide = Wide(name);
    HRESULT hr = disable_(session_, wide.c_str(), nullptr, FALSE, nullptr, nullptr, nullptr);
    return Outcome(hr, "disable the feature");
  }

 private:
  Status Open() {
    if (open_session_) return OkStatus();
    if (!initialize_ || !open_ || !get_features_ || !enable_ || !disable_ || !delete_ || !shutdown_ || !close_)
      return Error{ErrorKind::kUnsupported,
                   "DISM is not available on this system: " +
                       (lib_ ? std::string("dismapi.dll lacks the feature functions") : "dismapi.dll cannot be loaded: " + win32::ErrorText(load_error_))};
    if (!initialized_) {
      if (HRESULT hr = initialize_(DismLogErrors, nullptr, nullptr); FAILED(hr)) return Failure("start DISM", hr);
      initialized_ = true;
    }
    if (HRESULT hr = open_(DISM_ONLINE_IMAGE, nullptr, nullptr, &session_); FAILED(hr))
      return Failure("open the running Windows image", hr);
    open_session_ = true;
    return OkStatus();
  }

  Result<RestartNeed> Outcome(HRESULT hr, const char* what) {
    if (hr == kRebootRequired || hr == kRebootRequiredHr) return RestartNeed::kRequired;
    if (FAILED(hr)) return Failure(what, hr);
    return RestartNeed::kNo;
  }

  // DISM's own message when it has one, else the system's text of the HRESULT.
  Error Failure(const std::string& what, HRESULT hr) {
    std::string text;
    DismString* message = nullptr;
    if (last_error_ && SUCCEEDED(last_error_(&message)) && message) {
      if (message->Value) text = Narrow(message->Value);
      delete_(message);
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    if (text.empty()) text = win32::HresultText(hr);
    DWORD code = HRESULT_FACILITY(hr) == FACILITY_WIN32 ? HRESULT_CODE(hr) : static_cast<DWORD>(hr);
    return Error{win32::KindOf(code), "DISM cannot " + what + ": " + text};
  }

  HMODULE lib_;
  DWORD load_error_ = 0;
  InitializeFn initialize_;
  ShutdownFn shutdown_;
  OpenSessionFn open_;
  CloseSessionFn close_;
  GetFeaturesFn get_features_;
  EnableFeatureFn enable_;
  DisableFeatureFn disable_;
  DeleteFn delete_;
  LastErrorFn last_error_;
  bool initialized_ = false;
  bool open_session_ = false;
  DismSession session_ = 0;
};

}  // namespace

std::unique_ptr<WindowsFeatures> MakeSystemFeatures() { return std::make_unique<DismFeatures>(); }

}  // namespace plumb
