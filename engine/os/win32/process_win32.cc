// Runs commands through cmd.exe in a job object, so a timeout ends the whole process tree.

#include <windows.h>

#include <thread>

#include "engine/os/system.h"
#include "engine/os/win32/wide.h"

namespace plumb {
namespace {

using win32::UniqueHandle;
using win32::Wide;

class Win32ProcessRunner : public ProcessRunner {
 public:
  Result<ProcessResult> Run(const ProcessRequest& req) override {
    SECURITY_ATTRIBUTES sa{sizeof sa, nullptr, TRUE};
    HANDLE r = nullptr, w = nullptr;
    if (!::CreatePipe(&r, &w, &sa, 0)) return Error{ErrorKind::kInternal, "cannot create pipe: " + win32::ErrorText(::GetLastError())};
    UniqueHandle read_end(r), write_end(w);
    ::SetHandleInformation(read_end.get(), HANDLE_FLAG_INHERIT, 0);

    // The child's environment: ours plus the request's, as a sorted-enough UTF-16 block.
    std::wstring env;
    if (!req.env.empty()) {
      wchar_t* base = ::GetEnvironmentStringsW();
      for (const wchar_t* p = base; *p; p += wcslen(p) + 1) {
        std::wstring entry(p);
        auto eq = entry.find(L'=', 1);
        bool overridden = eq != std::wstring::npos && req.env.count(win32::Narrow(entry.substr(0, eq)));
        if (!overridden) env += entry + L'\0';
      }
      ::FreeEnvironmentStringsW(base);
      for (const auto& [k, v] : req.env) env += Wide(k) + L"=" + Wide(v) + L'\0';
      env += L'\0';
    }

    STARTUPINFOW si{};
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = ::GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = write_end.get();
    si.hStdError = write_end.get();
    std::wstring cmdline = L"cmd.exe /d /s /c \"" + Wide(req.command) + L"\"";
    std::wstring cwd = Wide(req.cwd);
    UniqueHandle job(::CreateJobObjectW(nullptr, nullptr));
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    ::SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits, sizeof limits);
    PROCESS_INFORMATION pi{};
    if (!::CreateProcessW(nullptr, cmdline.data(), nullptr, nullptr, TRUE,
                          CREATE_UNICODE_ENVIRONMENT | CREATE_NEW_PROCESS_GROUP | CREATE_SUSPENDED,
                          env.empty() ? nullptr : env.data(), cwd.empty() ? nullptr : cwd.c_str(), &si, &pi))
      return Error{ErrorKind::kInternal, "cannot start command: " + win32::ErrorText(::GetLastError())};
    UniqueHandle process(pi.hProcess), thread(pi.hThread);
    ::AssignProcessToJobObject(job.get(), process.get());
    ::ResumeThread(thread.get());
    write_end.reset();  // only the child writes now; EOF once it and its children are done

    ProcessResult result;
    std::thread reader([&] {
      char buf[4096];
      DWORD got = 0;
      while (::ReadFile(read_end.get(), buf, sizeof buf, &got, nullptr) && got > 0) {
        size_t room = req.max_output - std::min(result.output.size(), req.max_output);
        result.output.append(buf, std::min<size_t>(got, room));
      }
    });
    DWORD wait = ::WaitForSingleObject(process.get(), static_cast<DWORD>(req.timeout.count()));
    if (wait == WAIT_TIMEOUT) {
      ::TerminateJobObject(job.get(), 1);
      ::WaitForSingleObject(process.get(), INFINITE);
      result.end = ProcessEnd::kTimedOut;
    }
    job.reset();  // kill-on-close ends what is left of the tree, so the pipe reaches EOF
    reader.join();
    if (result.end != ProcessEnd::kTimedOut) {
      DWORD code = 0;
      ::GetExitCodeProcess(process.get(), &code);
      result.code = static_cast<int>(code);
    }
    return result;
  }
};

}  // namespace

std::unique_ptr<ProcessRunner> MakeSystemProcessRunner() { return std::make_unique<Win32ProcessRunner>(); }

}  // namespace plumb

namespace plumb {

// A Windows path cannot hold '"', so double quotes are enough for cmd.exe.
std::string QuoteForShell(const std::string& word) { return "\"" + word + "\""; }

}  // namespace plumb
