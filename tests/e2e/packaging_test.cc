// What ships with plumb: the version line, and the man page and bash completion generated from
// the command-line definition (engine/cli/docs.cc), checked with groff and bash themselves.

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "engine/report/exit_code.h"
#include "tests/support/e2e.h"

namespace plumb {
namespace {

TEST(Packaging, VersionNamesTheCommitAndThePlatform) {
  RunResult r = RunPlumb({"--version"});
  EXPECT_EQ(r.code, 0);
  std::smatch m;
  ASSERT_TRUE(std::regex_match(r.out, m, std::regex(R"(plumb 0\.1\.0 \(commit ([0-9a-f]{12}(-dirty)?|unknown), linux-x86_64\)\n)")))
      << r.out;
  RunResult head = testing::RunShell("git -C '" PLUMB_SOURCE_DIR "' rev-parse --short=12 HEAD 2>/dev/null");
  if (head.code == 0) {
    EXPECT_EQ(m[1].str().substr(0, 12), head.out.substr(0, 12)) << "the commit of the tree built";
  }
}

std::string ManText() {
  // What man shows, with roff's escapes resolved: the text an administrator reads.
  return testing::RunShell("MANWIDTH=300 MAN_KEEP_FORMATTING= man -l '" PLUMB_DOCS_DIR "/plumb.1' 2>/dev/null | col -b").out;
}

TEST(Packaging, TheManPageIsCleanRoff) {
  RunResult groff = testing::RunShell("groff -man -ww -z '" PLUMB_DOCS_DIR "/plumb.1' 2>&1");
  EXPECT_EQ(groff.code, 0);
  EXPECT_EQ(groff.out, "");
  RunResult lint = testing::RunShell("LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l '" PLUMB_DOCS_DIR
                                     "/plumb.1' 2>&1 >/dev/null");
  EXPECT_EQ(lint.out, "");
}

TEST(Packaging, TheManPageHasEveryCommandOptionAndExitCodeOfHelp) {
  std::string man = ManText();
  ASSERT_NE(man.find("EXIT STATUS"), std::string::npos) << man;
  RunResult top = RunPlumb({"--help"});
  std::vector<std::string> commands;
  std::istringstream lines(top.out);
  bool in_commands = false;
  for (std::string line; std::getline(lines, line);) {
    if (line == "Subcommands:") in_commands = true;
    else if (in_commands && line.size() > 2 && line[0] == ' ') commands.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  ASSERT_GE(commands.size(), 12u) << top.out;
  for (const std::string& cmd : commands) {
    size_t section = man.find("   plumb " + cmd + " ");
    ASSERT_NE(section, std::string::npos) << "no section for " << cmd;
    size_t end = man.find("\n   plumb ", section + 1);
    std::string text = man.substr(section, end == std::string::npos ? std::string::npos : end - section);
    RunResult help = RunPlumb({cmd, "--help"});
    static const std::regex kOption(R"((^|[ ,])(--[a-z][a-z-]*))");
    for (auto it = std::sregex_iterator(help.out.begin(), help.out.end(), kOption); it != std::sregex_iterator(); ++it) {
      std::string option = (*it)[2];
      if (option == "--help") continue;
      EXPECT_NE(text.find(option), std::string::npos) << "plumb " << cmd << " " << option << " is not in the man page";
    }
  }
  for (const ExitCodeInfo& e : kExitCodes)
    EXPECT_NE(man.find(std::to_string(ToInt(e.code)) + std::string(7 - std::to_string(ToInt(e.code)).size(), ' ') + e.name + ": "),
              std::string::npos)
        << e.name << "\n" << man;
}

TEST(Packaging, TheReadmeListsTheSameExitCodes) {
  std::string readme = ReadText(PLUMB_SOURCE_DIR "/README.md");
  std::vector<std::string> rows, expected;
  static const std::regex kRow(R"(\n\| (\d+) \| ([a-z ]+) \|)");
  for (auto it = std::sregex_iterator(readme.begin(), readme.end(), kRow); it != std::sregex_iterator(); ++it)
    rows.push_back((*it)[1].str() + " " + (*it)[2].str());
  for (const ExitCodeInfo& e : kExitCodes) expected.push_back(std::to_string(ToInt(e.code)) + " " + e.name);
  EXPECT_EQ(rows, expected);
}

// COMPREPLY for the words typed so far (the last one being completed), from the generated script.
std::string Complete(const std::string& words) {
  RunResult r = testing::RunShell(
      "bash --norc -c 'cd \"$1\" && source \"$2\" && COMP_WORDS=($3) && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && "
      "[[ $3 == *\" \" ]] && COMP_WORDS+=(\"\") && COMP_CWORD=$((COMP_CWORD + 1)); _plumb; echo \"${COMPREPLY[*]}\"' "
      "_ '" PLUMB_SOURCE_DIR "/tests/data' '" PLUMB_DOCS_DIR "/plumb.bash' '" + words + "'");
  return r.out;
}

TEST(Packaging, BashCompletesCommandsOptionsTypesAndFiles) {
  EXPECT_EQ(Complete("plumb te"), "test\n");
  EXPECT_EQ(Complete("plumb -q ap"), "apply\n");
  EXPECT_EQ(Complete("plumb apply --dr"), "--dry-run\n");
  EXPECT_EQ(Complete("plumb report --st"), "--stale\n");
  EXPECT_EQ(Complete("plumb schedule "), "install show remove\n");
  EXPECT_EQ(Complete("plumb describe windows.f"), "windows.feature windows.firewall_rule\n");
  EXPECT_EQ(Complete("plumb export pack"), "package\n");
  EXPECT_EQ(Complete("plumb test --json drif"), "drift\n") << "a value of an option is a file";
  EXPECT_EQ(Complete("plumb validate windows-sm"), "windows-smoke\n");
}

}  // namespace
}  // namespace plumb
