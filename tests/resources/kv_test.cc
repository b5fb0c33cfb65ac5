#include "resources/kv.h"

#include <gtest/gtest.h>

namespace plumb {
namespace {

TEST(KvText, ScanFindsActiveLinesOnly) {
  std::string text = "# net.ipv4.ip_forward = 1\nnet.ipv4.ip_forward=0\n  net.ipv4.ip_forward = 1  \nnet.ipv4.ip_forward_x = 5\n";
  KvScan scan = ScanKv(text, "net.ipv4.ip_forward", {});
  EXPECT_EQ(scan.values, (std::vector<std::string>{"0", "1"}));
}

TEST(KvText, SetUpdatesFirstRemovesDuplicatesKeepsEverythingElse) {
  std::string text = "# header\nvm.swappiness = 60\nother = x\n\nvm.swappiness=30\n# trailing comment\n";
  EXPECT_EQ(EditKv(text, "vm.swappiness", "10", {}),
            "# header\nvm.swappiness = 10\nother = x\n\n# trailing comment\n");
}

TEST(KvText, MissingKeyIsAppendedAfterTheLastLine) {
  EXPECT_EQ(EditKv("a = 1\n\n", "b", "2", {}), "a = 1\nb = 2\n\n");
  EXPECT_EQ(EditKv("", "b", "2", {}), "b = 2\n");
  EXPECT_EQ(EditKv("a = 1", "b", "2", {}), "a = 1\nb = 2");  // no final newline is added
}

TEST(KvText, WhitespaceSeparatorSshdStyle) {
  KvFormat sshd{KvDialect::kGeneric, " ", "#", ""};
  std::string text = "Port 22\n#PermitRootLogin yes\nPermitRootLogin\tyes\nPermitRootLoginX no\n";
  EXPECT_EQ(ScanKv(text, "PermitRootLogin", sshd).values, std::vector<std::string>{"yes"});
  EXPECT_EQ(EditKv(text, "PermitRootLogin", "no", sshd),
            "Port 22\n#PermitRootLogin yes\nPermitRootLogin no\nPermitRootLoginX no\n");
}

TEST(KvText, GrubStyleQuotedValueIsKeptVerbatim) {
  KvFormat grub{KvDialect::kGeneric, "=", "#", ""};
  std::string text = "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX=\"quiet\"\n";
  EXPECT_EQ(ScanKv(text, "GRUB_CMDLINE_LINUX", grub).values, std::vector<std::string>{"\"quiet\""});
  EXPECT_EQ(EditKv(text, "GRUB_CMDLINE_LINUX", "\"quiet audit=1\"", grub),
            "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX=\"quiet audit=1\"\n");
}

TEST(KvText, IniSections) {
  KvFormat ini{KvDialect::kGeneric, " = ", "#;", "server"};
  std::string text = "top = 1\n[client]\nport = 1\n[server]\n; comment\nport = 2\n\n[other]\nx = y\n";
  EXPECT_EQ(ScanKv(text, "port", ini).values, std::vector<std::string>{"2"});
  EXPECT_EQ(EditKv(text, "port", "3", ini),
            "top = 1\n[client]\nport = 1\n[server]\n; comment\nport = 3\n\n[other]\nx = y\n");
  EXPECT_EQ(EditKv(text, "bind", "0.0.0.0", ini),
            "top = 1\n[client]\nport = 1\n[server]\n; comment\nport = 2\nbind = 0.0.0.0\n\n[other]\nx = y\n");
  KvFormat missing{KvDialect::kGeneric, " = ", "#", "new"};
  EXPECT_EQ(EditKv("a = 1\n", "k", "v", missing), "a = 1\n\n[new]\nk = v\n");
  // Without a section only the part before the first header counts.
  EXPECT_EQ(ScanKv(text, "port", KvFormat{KvDialect::kGeneric, " = ", "#;", ""}).values, std::vector<std::string>{});
  EXPECT_EQ(EditKv(text, "top", "9", KvFormat{KvDialect::kGeneric, " = ", "#;", ""}).substr(0, 8), "top = 9\n");
}

TEST(KvText, RemoveDeletesEveryActiveLine) {
  EXPECT_EQ(EditKv("a = 1\n# a = 0\na = 2\nb = 3\n", "a", std::nullopt, {}), "# a = 0\nb = 3\n");
}

TEST(KvText, CrLfIsPreserved) {
  EXPECT_EQ(EditKv("a = 1\r\nb = 2\r\n", "a", "5", {}), "a = 5\r\nb = 2\r\n");
}

TEST(KvText, EachLineKeepsItsOwnEnding) {
  // One CRLF line (a file edited once on Windows) does not turn every line into CRLF.
  std::string text = "# edited on Windows\r\na = 1\nb = 2\nc = 3\n";
  EXPECT_EQ(EditKv(text, "b", "5", {}), "# edited on Windows\r\na = 1\nb = 5\nc = 3\n");
  EXPECT_EQ(EditKv("a = 1\r\nb = 2\n", "b", "5", {}), "a = 1\r\nb = 5\n");
  EXPECT_EQ(EditKv("a = 1\nb = 2\r\n", "c", "3", {}), "a = 1\nb = 2\r\nc = 3\r\n");  // the neighbour's ending
  // No final newline stays without one, whether the last line is replaced, kept or removed.
  EXPECT_EQ(EditKv("a = 1\nb = 2", "b", "5", {}), "a = 1\nb = 5");
  EXPECT_EQ(EditKv("a = 1\nb = 2", "a", "5", {}), "a = 5\nb = 2");
  EXPECT_EQ(EditKv("a = 1\nb = 2", "b", std::nullopt, {}), "a = 1");
  // A removed last line takes the blank lines before it along, rather than leave a final newline.
  EXPECT_EQ(EditKv("a = 1\n\nb = 2", "b", std::nullopt, {}), "a = 1");
  EXPECT_EQ(EditKv("b = 1\na = 1\n\nb = 2", "b", "5", {}), "b = 5\na = 1");
  EXPECT_EQ(EditKv("a = 1\r\nb = 2", "c", "3", {}), "a = 1\r\nb = 2\r\nc = 3");
  // Editing again changes nothing.
  std::string once = EditKv(text, "d", "4", {});
  EXPECT_EQ(EditKv(once, "d", "4", {}), once);
}

}  // namespace
}  // namespace plumb
