// The Win32 process runner through cmd.exe, run under Wine in CI.
#include <gtest/gtest.h>

#include "engine/run/reboot.h"
#include "resources/system_backends.h"

namespace plumb {
namespace {

TEST(Win32Process, ExitStatusOutputEnvironmentAndTimeout) {
  auto processes = MakeSystemProcessRunner();
  ProcessRequest req;
  req.command = "echo hello& exit /b 3";
  auto r = processes->Run(req);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->end, ProcessEnd::kExited);
  EXPECT_EQ(r->code, 3);
  EXPECT_EQ(r->output, "hello\r\n");

  req.command = "echo %PLUMB_NODE%";
  req.env["PLUMB_NODE"] = "hv2";
  r = processes->Run(req);
  EXPECT_EQ(r->output, "hv2\r\n");

  req.command = "ping -n 10 127.0.0.1 > NUL";
  req.timeout = std::chrono::milliseconds(500);
  r = processes->Run(req);
  EXPECT_EQ(r->end, ProcessEnd::kTimedOut);
}

TEST(Win32Process, HookRunnerMessagesVerbatim) {
  auto processes = MakeSystemProcessRunner();
  ProcessHookRunner hooks(*processes);
  EXPECT_TRUE(hooks.Run("if \"%PLUMB_NODE%\"==\"n1\" (exit /b 0) else (exit /b 1)", 10, "n1"));
  EXPECT_EQ(hooks.Run("echo nope& exit /b 4", 10, "n1").error().message, "exit status 4: nope");
  EXPECT_EQ(hooks.Run("ping -n 10 127.0.0.1 > NUL", 1, "n1").error().message, "timed out after 1s");
}

}  // namespace
}  // namespace plumb
