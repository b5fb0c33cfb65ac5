// The layers of docs/architecture.md hold: no file in engine/ or resources/ includes a header of a
// higher layer. CMake links one library per layer downward; this test catches what the linker
// cannot (a header-only use of a higher layer) and names the file and line.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Lowest first. A file may include its own layer and any layer before it.
const std::vector<std::string> kLayers = {"util",      "os",  "facts",    "policy", "graph", "resources",
                                          "report",    "schedule", "run", "source", "platform", "fake", "cli"};

// "engine/run/journal.h" -> "run", "resources/linux/x.cc" -> "resources"; "" outside the layers.
std::string LayerOf(const std::string& path) {
  if (path.rfind("resources/", 0) == 0) return "resources";
  if (path.rfind("engine/", 0) != 0) return "";
  size_t slash = path.find('/', 7);
  return slash == std::string::npos ? "" : path.substr(7, slash - 7);
}

int Rank(const std::string& layer) {
  auto it = std::find(kLayers.begin(), kLayers.end(), layer);
  return it == kLayers.end() ? -1 : static_cast<int>(it - kLayers.begin());
}

// Every upward include in `text` of the file at `path`, as "path:line: ..." lines.
std::vector<std::string> UpwardIncludes(const std::string& path, const std::string& text) {
  static const std::regex kInclude(R"re(^\s*#\s*include\s+"([^"]+)")re");
  std::vector<std::string> found;
  std::string from = LayerOf(path);
  size_t line_no = 0, start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    std::string line = text.substr(start, end - start);
    std::smatch m;
    if (std::regex_search(line, m, kInclude)) {
      std::string to = LayerOf(m[1]);
      if (!to.empty() && Rank(to) > Rank(from))
        found.push_back(path + ":" + std::to_string(line_no) + ": layer " + from + " includes " + m[1].str() +
                        " of the higher layer " + to);
    }
    start = end + 1;
  }
  return found;
}

TEST(LayeringTest, EveryFolderIsALayer) {
  for (const auto& entry : fs::directory_iterator(fs::path(PLUMB_SOURCE_DIR) / "engine")) {
    if (!entry.is_directory()) continue;
    EXPECT_GE(Rank(entry.path().filename().string()), 0) << entry.path();
  }
}

TEST(LayeringTest, NoLayerIncludesAHigherOne) {
  std::vector<std::string> violations;
  size_t files = 0;
  for (const char* top : {"engine", "resources"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(PLUMB_SOURCE_DIR) / top)) {
      std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".h" && ext != ".cc")) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::string rel = fs::relative(entry.path(), PLUMB_SOURCE_DIR).generic_string();
      for (auto& v : UpwardIncludes(rel, text)) violations.push_back(std::move(v));
      ++files;
    }
  }
  EXPECT_GT(files, 100u);
  std::string all;
  for (const auto& v : violations) all += v + "\n";
  EXPECT_TRUE(violations.empty()) << all;
}

// The four include lines that once closed the cycle between the layers are each caught.
TEST(LayeringTest, CatchesTheCyclesOfOld) {
  EXPECT_EQ(UpwardIncludes("engine/report/report.h", "#include \"engine/cli/exit_code.h\"\n"),
            std::vector<std::string>{"engine/report/report.h:1: layer report includes engine/cli/exit_code.h of the "
                                     "higher layer cli"});
  EXPECT_EQ(UpwardIncludes("engine/facts/selector.h", "#pragma once\n#include \"engine/policy/diagnostic.h\"\n"),
            std::vector<std::string>{"engine/facts/selector.h:2: layer facts includes engine/policy/diagnostic.h of "
                                     "the higher layer policy"});
  EXPECT_EQ(UpwardIncludes("engine/policy/repository.cc", "#include \"resources/process.h\"\n").size(), 1u);
  EXPECT_EQ(UpwardIncludes("resources/windows_cluster.h", "#include \"engine/run/reboot_system.h\"\n").size(), 1u);
  // Downward and same-layer includes are fine.
  EXPECT_TRUE(UpwardIncludes("engine/run/journal.h", "#include \"engine/os/filesystem.h\"\n#include "
                                                     "\"engine/run/window.h\"\n#include <string>\n")
                  .empty());
}

}  // namespace
