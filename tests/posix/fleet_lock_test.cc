// The FleetLock client: the requests it makes (against a recording HTTP client), and the
// protocol's answers from a FleetLock server double on loopback, through libcurl.

#include "engine/run/fleet_lock.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <regex>
#include <thread>

#include "tests/support/run_binary.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

class RecordingHttp : public HttpClient {
 public:
  Result<HttpResponse> Post(const HttpRequest& request) override {
    requests.push_back(request);
    return answer;
  }
  std::vector<HttpRequest> requests;
  Result<HttpResponse> answer = HttpResponse{200, "{}"};
};

TEST(FleetLock, SendsTheProtocolsRequests) {
  RecordingHttp http;
  RebootLockSettings settings{"https://lock.example.com/base/", "web.eu-1", "/etc/plumb/ca.pem"};
  FleetLock lock(http, settings, "c988d2509fdf4cdcbed39037c56406fb");
  ASSERT_TRUE(lock.Take());
  ASSERT_TRUE(lock.Release());
  ASSERT_EQ(http.requests.size(), 2u);
  EXPECT_EQ(http.requests[0].url, "https://lock.example.com/base/v1/pre-reboot");
  EXPECT_EQ(http.requests[1].url, "https://lock.example.com/base/v1/steady-state");
  for (const HttpRequest& r : http.requests) {
    EXPECT_EQ(r.headers, (std::vector<std::pair<std::string, std::string>>{{"fleet-lock-protocol", "true"}}));
    EXPECT_EQ(nlohmann::json::parse(r.body),
              nlohmann::json::parse(R"({"client_params":{"id":"c988d2509fdf4cdcbed39037c56406fb","group":"web.eu-1"}})"));
    EXPECT_EQ(r.ca_file, "/etc/plumb/ca.pem");
  }
}

TEST(FleetLock, OnlyA200IsSuccess) {
  RecordingHttp http;
  RebootLockSettings settings{"http://lock:8080", "default", ""};
  FleetLock lock(http, settings, "node-1");
  http.answer = HttpResponse{204, ""};
  auto st = lock.Take();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(st.error().message, "no reboot slot from FleetLock group 'default' at http://lock:8080 (HTTP 204)");
  http.answer = Error(ErrorKind::kUnavailable, "Could not resolve host: lock");
  EXPECT_EQ(lock.Release().error().message,
            "the reboot slot was not released: FleetLock group 'default' at http://lock:8080: Could not resolve host: lock");
  FleetLock anonymous(http, settings, "");
  EXPECT_EQ(anonymous.Take().error().message,
            "no reboot slot: this node has no machine id to give FleetLock group 'default' at http://lock:8080 "
            "(/etc/machine-id, or MachineGuid on Windows)");
  EXPECT_EQ(http.requests.size(), 2u) << "no request without an id";
}

class OneSecret : public SecretStore {
 public:
  Result<std::string> Read(const std::string& ref) override {
    if (ref == "env:PLUMB_LOCK_TOKEN") return std::string("s3cret");
    return Error(ErrorKind::kNotFound, "the variable is not set");
  }
};

TEST(FleetLock, ABearerTokenAndAClientCertificate) {
  RecordingHttp http;
  OneSecret secrets;
  RebootLockSettings settings{"https://lock", "web", ""};
  settings.token = "env:PLUMB_LOCK_TOKEN";
  settings.client_cert = "/etc/plumb/node.pem";
  settings.client_key = "/etc/plumb/node.key";
  FleetLock lock(http, settings, "node-1", &secrets);
  ASSERT_TRUE(lock.Take());
  ASSERT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(http.requests[0].headers, (std::vector<std::pair<std::string, std::string>>{
                                          {"fleet-lock-protocol", "true"}, {"Authorization", "Bearer s3cret"}}));
  EXPECT_EQ(http.requests[0].client_cert, "/etc/plumb/node.pem");
  EXPECT_EQ(http.requests[0].client_key, "/etc/plumb/node.key");
  settings.token = "env:PLUMB_NO_SUCH_TOKEN";
  EXPECT_EQ(lock.Take().error().message,
            "no reboot slot: the token env:PLUMB_NO_SUCH_TOKEN cannot be read: the variable is not set");
  EXPECT_EQ(http.requests.size(), 1u) << "nothing is sent without the token";
}

class FleetLockServer : public ::testing::Test {
 protected:
  FleetLockServer()
      : port_(testing::FreeLoopbackPort()),
        server_({"/usr/bin/python3", std::string(PLUMB_SOURCE_DIR) + "/tests/support/fleetlock_server.py",
                 std::to_string(port_), "2"}),
        settings_{"http://127.0.0.1:" + std::to_string(port_), "web", ""} {
    // Until the double listens: a release is harmless and idempotent.
    FleetLock probe(*http_, settings_, "probe");
    for (int i = 0; i < 100 && !probe.Release(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string Url() const { return settings_.url; }

  int port_;
  testing::Server server_;
  RebootLockSettings settings_;
  std::unique_ptr<HttpClient> http_ = MakeHttpClient();
};

TEST_F(FleetLockServer, TwoSlotsForFiveNodes) {
  std::vector<std::unique_ptr<FleetLock>> nodes;
  for (int i = 0; i < 5; ++i) nodes.push_back(std::make_unique<FleetLock>(*http_, settings_, "node-" + std::to_string(i)));
  EXPECT_TRUE(nodes[0]->Take());
  EXPECT_TRUE(nodes[1]->Take());
  for (int i = 2; i < 5; ++i) {
    auto st = nodes[i]->Take();
    ASSERT_FALSE(st) << i;
    EXPECT_EQ(st.error().message, "no reboot slot from FleetLock group 'web' at " + Url() +
                                      " (HTTP 409, failed_lock_semaphore_full: semaphore currently full, all slots are "
                                      "locked already)");
  }
  // Recursive and owned: a holder takes again; a node that holds nothing releases nothing.
  EXPECT_TRUE(nodes[0]->Take());
  EXPECT_TRUE(nodes[4]->Release());
  EXPECT_FALSE(nodes[4]->Take());
  EXPECT_TRUE(nodes[0]->Release());
  EXPECT_TRUE(nodes[4]->Take());
  // Another group has slots of its own.
  RebootLockSettings other{Url(), "db", ""};
  EXPECT_TRUE(FleetLock(*http_, other, "node-2").Take());
}

TEST_F(FleetLockServer, AnswersThatAreNotTheProtocolsAreStillRefusals) {
  RebootLockSettings broken{Url(), "broken", ""};
  auto st = FleetLock(*http_, broken, "node-1").Take();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "no reboot slot from FleetLock group 'broken' at " + Url() + " (HTTP 502)");
  RebootLockSettings wrong_path{Url() + "/nothing-here", "web", ""};
  EXPECT_EQ(FleetLock(*http_, wrong_path, "node-1").Take().error().message,
            "no reboot slot from FleetLock group 'web' at " + Url() +
                "/nothing-here (HTTP 404, not_found: no such endpoint: /nothing-here/v1/pre-reboot)");
}

TEST_F(FleetLockServer, AnOperatorReleasesTheSlotOfANodeThatDiedHoldingIt) {
  RebootLockSettings web = settings_;  // two slots
  FleetLock dead(*http_, web, "dead-node");
  ASSERT_TRUE(dead.Take());
  ASSERT_TRUE(FleetLock(*http_, web, "node-2").Take());
  EXPECT_FALSE(FleetLock(*http_, web, "node-3").Take()) << "both slots are held";
  testing::TempDir dir;
  testing::WriteText(dir / "r/plumb.toml", "[reboot]\npolicy = \"immediate\"\n\n[reboot.lock]\nurl = \"" + Url() +
                                               "\"\ngroup = \"web\"\n");
  testing::WriteText(dir / "r/motd.toml", "[policy]\nid = \"motd\"\n[[resource]]\nid = \"motd\"\ntype = \"file\"\n"
                                          "path = \"/etc/motd\"\ncontent = \"hi\\n\"\n");
  auto release = testing::RunPlumb({"reboot", dir / "r", "--state-dir", dir / "state", "--release-lock", "dead-node"});
  EXPECT_EQ(release.code, 0) << release.err;
  EXPECT_EQ(release.out, "plumb reboot: released the reboot slot of dead-node in FleetLock group 'web' at " + Url() + "\n");
  EXPECT_TRUE(FleetLock(*http_, web, "node-3").Take()) << "the slot went back";
  auto clear = testing::RunPlumb({"reboot", dir / "r", "--state-dir", dir / "state", "--clear-failures"});
  EXPECT_EQ(clear.code, 1);
  EXPECT_EQ(clear.out, "plumb reboot: FleetLock group 'web' at " + Url() +
                           " keeps no failure budget (backend = \"etcd\" does)\n");
  auto status = testing::RunPlumb({"status", dir / "r", "--state-dir", dir / "state"});
  EXPECT_NE(status.out.find("\nreboot slot: none held (this node's id: "), std::string::npos) << status.out;
  // Without [reboot.lock], there is nothing to release.
  testing::WriteText(dir / "r/plumb.toml", "[reboot]\npolicy = \"immediate\"\n");
  auto none = testing::RunPlumb({"reboot", dir / "r", "--state-dir", dir / "state", "--release-lock", "dead-node"});
  EXPECT_EQ(none.code, 1);
  EXPECT_EQ(none.err, "plumb: error: there is no [reboot.lock] in the settings; nothing was done\n");
}

TEST(FleetLockUnreachable, ALostConnectionIsNoSlot) {
  int port = testing::FreeLoopbackPort();  // nothing listens there
  RebootLockSettings settings{"http://127.0.0.1:" + std::to_string(port), "web", ""};
  auto http = MakeHttpClient();
  auto st = FleetLock(*http, settings, "node-1").Take();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::kUnavailable);
  // curl says how long it tried; that part varies.
  EXPECT_EQ(std::regex_replace(st.error().message, std::regex("after [0-9]+ ms"), "after N ms"),
            "no reboot slot: FleetLock group 'web' at " + settings.url + ": Failed to connect to 127.0.0.1 port " +
                std::to_string(port) + " after N ms: Couldn't connect to server");
}

}  // namespace
}  // namespace plumb
