// libcurl is loaded at plumb's first HTTP request, not at its start (engine/os/linux/curl_api.h).

#include "engine/os/linux/curl_api.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/run_binary.h"

namespace plumb::testing {
namespace {

TEST(CurlApi, LoadsOnceAndSaysWhatIsMissing) {
  auto api = LoadCurlApi();
  ASSERT_TRUE(api.ok()) << api.error().message;
  auto again = LoadCurlApi();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*api, *again) << "loaded once per process";
  EXPECT_STREQ((*api)->easy_strerror(CURLE_COULDNT_CONNECT), "Couldn't connect to server");

  auto missing = LoadCurlApi("libcurl-missing.so.4");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.Is(ErrorKind::kUnavailable));
  EXPECT_EQ(missing.error().message,
            "cannot load libcurl-missing.so.4, which plumb needs for HTTP (Debian package libcurl4): libcurl-missing.so.4: "
            "cannot open shared object file: No such file or directory");
  // A library without curl's functions.
  auto foreign = LoadCurlApi("libz.so.1");
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().message.rfind("cannot load libz.so.1, which plumb needs for HTTP (Debian package libcurl4): ", 0), 0u)
      << foreign.error().message;
}

// The dynamic loader lists every library it loads (LD_DEBUG=libs): a run that speaks no HTTP
// loads no libcurl.
TEST(CurlApi, APlumbRunWithoutHttpDoesNotLoadLibcurl) {
  RunResult r = RunShell("LD_DEBUG=libs '" PLUMB_BINARY "' --version 2>&1");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("find library=libc.so.6"), std::string::npos) << "LD_DEBUG works here:\n" << r.out;
  EXPECT_EQ(r.out.find("libcurl"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace plumb::testing
