#include "engine/schedule/systemd.h"

#include <gtest/gtest.h>

namespace plumb {
namespace {

TEST(Systemd, ShellQuote) {
  EXPECT_EQ(ShellQuote("/usr/bin/plumb"), "/usr/bin/plumb");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellJoin({"plumb", "--state-dir", "/var/lib/my plumb"}), "plumb --state-dir '/var/lib/my plumb'");
}

TEST(Systemd, UnitQuoting) {
  EXPECT_EQ(UnitQuote("/usr/bin/plumb"), "/usr/bin/plumb");
  EXPECT_EQ(UnitQuote("/srv/my policies"), "\"/srv/my policies\"");
  EXPECT_EQ(UnitQuote("/srv/100%/$HOME"), "\"/srv/100%%/$$HOME\"");
  EXPECT_EQ(UnitQuote("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
  EXPECT_EQ(UnitQuote(""), "\"\"");
  EXPECT_EQ(UnitText("100% sure"), "100%% sure");
}

TEST(Systemd, RunOnceAtACalendarTime) {
  EXPECT_EQ(ShellJoin(SystemdRunOnce(1795831200, 1795604400, {"/usr/bin/plumb", "reboot", "--execute"})),
            "systemd-run --unit=plumb-reboot '--description=plumb: scheduled reboot' "
            "--timer-property=AccuracySec=1s '--on-calendar=2026-11-28 02:00:00 UTC' -- /usr/bin/plumb reboot --execute");
  EXPECT_EQ(SystemdRunOnce(100, 100, {"x"})[4], "--on-active=1") << "now or in the past: right away";
}

TEST(Systemd, ResumeUnitGolden) {
  EXPECT_EQ(ResumeUnit({"/usr/bin/plumb", "apply", "--resume", "/srv/policies", "--state-dir", "/var/lib/plumb"}),
            "# Written by plumb: finishes what waited for a reboot.\n"
            "[Unit]\n"
            "Description=plumb: resume after a reboot\n"
            "Documentation=man:plumb(1)\n"
            "Wants=network-online.target\n"
            "After=network-online.target\n"
            "\n"
            "[Service]\n"
            "Type=oneshot\n"
            "ExecStart=/usr/bin/plumb apply --resume /srv/policies --state-dir /var/lib/plumb\n"
            "SuccessExitStatus=4 5 8 9\n"
            "TimeoutStartSec=2h\n"
            "\n"
            "[Install]\n"
            "WantedBy=multi-user.target\n");
}

}  // namespace
}  // namespace plumb
