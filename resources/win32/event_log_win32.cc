// The event log through the Windows Event Log API (EvtQuery / EvtNext / EvtRender as XML).
// wevtapi.dll is loaded at run time so plumb.exe starts where it is missing.

#include <windows.h>
#include <winevt.h>

#include "resources/system_backends.h"
#include "engine/os/win32/wide.h"

namespace plumb {
namespace {

using win32::Narrow;
using win32::Wide;
using win32::Load;

class Win32EventLog : public EventLog {
 public:
  Win32EventLog() : lib_(::LoadLibraryW(L"wevtapi.dll")) {
    query_ = Load<decltype(&::EvtQuery)>(lib_, "EvtQuery");
    next_ = Load<decltype(&::EvtNext)>(lib_, "EvtNext");
    render_ = Load<decltype(&::EvtRender)>(lib_, "EvtRender");
    close_ = Load<decltype(&::EvtClose)>(lib_, "EvtClose");
  }
  ~Win32EventLog() override {
    if (lib_) ::FreeLibrary(lib_);
  }
  Win32EventLog(const Win32EventLog&) = delete;
  Win32EventLog& operator=(const Win32EventLog&) = delete;

  Result<std::vector<std::string>> Query(const EventFilter& filter, size_t max) override {
    if (!query_ || !next_ || !render_ || !close_) return Error{ErrorKind::kUnavailable, "the Windows Event Log API (wevtapi.dll) is not available"};
    Evt query(nullptr, close_);
    ::SetLastError(ERROR_SUCCESS);  // a stub implementation fails without setting one
    query.reset(query_(nullptr, Wide(filter.log).c_str(), Wide(EventQueryXPath(filter)).c_str(),
                       EvtQueryChannelPath | EvtQueryReverseDirection));
    if (!query.get()) {
      DWORD err = ::GetLastError();
      if (err == ERROR_EVT_CHANNEL_NOT_FOUND) return Error{ErrorKind::kNotFound, "there is no event log '" + filter.log + "'"};
      if (err == ERROR_SUCCESS) return Error{ErrorKind::kUnsupported, "EvtQuery failed without an error code (the event log API is not implemented here)"};
      return Error{ErrorKind::kInternal, "EvtQuery: " + win32::ErrorText(err)};
    }
    std::vector<std::string> out;
    std::vector<wchar_t> buf(8192);
    while (out.size() < max) {
      EVT_HANDLE batch[64];
      DWORD got = 0;
      if (!next_(query.get(), 64, batch, INFINITE, 0, &got)) {
        DWORD err = ::GetLastError();
        if (err == ERROR_NO_MORE_ITEMS) break;
        return Error{ErrorKind::kInternal, "EvtNext: " + win32::ErrorText(err)};
      }
      std::vector<Evt> events;
      for (DWORD i = 0; i < got; ++i) events.emplace_back(batch[i], close_);
      for (const Evt& e : events) {
        if (out.size() >= max) break;
        DWORD used = 0, props = 0;
        DWORD bytes = static_cast<DWORD>(buf.size() * sizeof(wchar_t));
        if (!render_(nullptr, e.get(), EvtRenderEventXml, bytes, buf.data(), &used, &props)) {
          if (::GetLastError() != ERROR_INSUFFICIENT_BUFFER) return Error{ErrorKind::kInternal, "EvtRender: " + win32::ErrorText(::GetLastError())};
          buf.resize(used / sizeof(wchar_t) + 1);
          bytes = static_cast<DWORD>(buf.size() * sizeof(wchar_t));
          if (!render_(nullptr, e.get(), EvtRenderEventXml, bytes, buf.data(), &used, &props))
            return Error{ErrorKind::kInternal, "EvtRender: " + win32::ErrorText(::GetLastError())};
        }
        out.push_back(Narrow(buf.data()));
      }
    }
    return out;
  }

 private:
  /// Closes an event log handle at scope exit.
  class Evt {
   public:
    Evt(EVT_HANDLE h, decltype(&::EvtClose) close) : h_(h), close_(close) {}
    Evt(Evt&& o) noexcept : h_(o.h_), close_(o.close_) { o.h_ = nullptr; }
    Evt(const Evt&) = delete;
    Evt& operator=(const Evt&) = delete;
    ~Evt() { reset(nullptr); }
    EVT_HANDLE get() const { return h_; }
    void reset(EVT_HANDLE h) {
      if (h_) close_(h_);
      h_ = h;
    }

   private:
    EVT_HANDLE h_;
    decltype(&::EvtClose) close_;
  };

  HMODULE lib_;
  decltype(&::EvtQuery) query_;
  decltype(&::EvtNext) next_;
  decltype(&::EvtRender) render_;
  decltype(&::EvtClose) close_;
};

}  // namespace

std::unique_ptr<EventLog> MakeSystemEventLog() { return std::make_unique<Win32EventLog>(); }

}  // namespace plumb
