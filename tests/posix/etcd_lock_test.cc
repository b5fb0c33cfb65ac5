// The reboot semaphore in etcd, against a real etcd (Debian's etcd-server, unpacked into
// build-test-daemons/ by scripts/fetch-test-daemons.sh) started on loopback for each test.

#include "engine/run/etcd_lock.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <regex>
#include <thread>

#include "engine/util/ssh_signature.h"
#include "tests/support/run_binary.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

const std::string kEtcd = std::string(PLUMB_SOURCE_DIR) + "/build-test-daemons/usr/bin/etcd";

class TestClock : public Clock {
 public:
  int64_t Now() override { return now; }
  std::atomic<int64_t> now{1'800'000'000};
};

class Etcd : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(std::filesystem::exists(kEtcd)) << kEtcd << ": run scripts/fetch-test-daemons.sh"; }

  // Starts etcd; `tls` is extra flags (certificates), and the URL's scheme follows it.
  void Start(const std::vector<std::string>& tls = {}) {
    std::string scheme = tls.empty() ? "http" : "https";
    int client = testing::FreeLoopbackPort(), peer = testing::FreeLoopbackPort();
    url_ = scheme + "://127.0.0.1:" + std::to_string(client);
    std::string peer_url = "http://127.0.0.1:" + std::to_string(peer);
    std::vector<std::string> argv = {kEtcd, "--data-dir", dir_ / "etcd", "--listen-client-urls", url_,
                                     "--advertise-client-urls", url_, "--listen-peer-urls", peer_url,
                                     "--initial-advertise-peer-urls", peer_url, "--initial-cluster",
                                     "default=" + peer_url, "--logger", "zap", "--log-outputs", dir_ / "etcd.log"};
    argv.insert(argv.end(), tls.begin(), tls.end());
    server_.emplace(argv);
    settings_.url = url_;
  }

  // Until etcd answers: a release of a slot nobody holds changes nothing.
  void AwaitReady(const RebootLockSettings& settings) {
    EtcdLock probe(*http_, clock_, settings, "probe");
    Status ready = probe.Release();
    for (int i = 0; i < 200 && !ready; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      ready = probe.Release();
    }
    ASSERT_TRUE(ready) << ready.error().message << "\n" << testing::ReadText(dir_ / "etcd.log");
  }

  // The group's value as etcd holds it.
  nlohmann::json Value(const std::string& group) {
    HttpRequest r;
    r.url = url_ + "/v3/kv/range";
    r.body = nlohmann::json{{"key", Base64Encode("com.coreos.airlock/groups/" + group + "/v1/semaphore")}}.dump();
    auto answer = http_->Post(r);
    if (!answer) return nullptr;
    auto doc = nlohmann::json::parse(answer->body);
    if (!doc.contains("kvs")) return nullptr;
    return nlohmann::json::parse(*Base64Decode(doc["kvs"][0]["value"].get<std::string>()));
  }

  void Put(const std::string& group, const std::string& value) {
    HttpRequest r;
    r.url = url_ + "/v3/kv/put";
    r.body = nlohmann::json{{"key", Base64Encode("com.coreos.airlock/groups/" + group + "/v1/semaphore")},
                            {"value", Base64Encode(value)}}.dump();
    ASSERT_TRUE(http_->Post(r));
  }

  testing::TempDir dir_;
  std::string url_;
  std::optional<testing::Server> server_;
  RebootLockSettings settings_{"", "web", ""};
  TestClock clock_;
  std::unique_ptr<HttpClient> http_ = MakeHttpClient();
};

// Answers every request with `answer`, or a range with an empty key and a transaction that lost.
class ScriptedEtcd : public HttpClient {
 public:
  Result<HttpResponse> Post(const HttpRequest& request) override {
    ++requests;
    if (answer) return *answer;
    if (request.url.ends_with("/range")) return HttpResponse{200, R"({"header":{"revision":"7"}})"};
    return HttpResponse{200, R"({"header":{"revision":"8"}})"};  // "succeeded" left out: the comparison failed
  }
  std::optional<HttpResponse> answer;
  int requests = 0;
};

TEST(EtcdAnswers, ThatAreNotTheGatewaysOrAlwaysLoseTheRace) {
  ScriptedEtcd http;
  TestClock clock;
  RebootLockSettings settings{"http://etcd:2379/", "web", ""};
  settings.backend = LockBackend::kEtcd;
  EtcdLock lock(http, clock, settings, "node-1");
  auto st = lock.Take();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "no reboot slot: etcd group 'web' at http://etcd:2379/: the semaphore changed under each of 16 tries");
  EXPECT_EQ(http.requests, 32) << "a read and a transaction per try";
  http.answer = HttpResponse{200, "<html>proxy</html>"};
  EXPECT_EQ(lock.Take().error().message, "no reboot slot: etcd group 'web' at http://etcd:2379/: etcd's answer is not JSON");
  http.answer = HttpResponse{400, R"({"error":"etcdserver: permission denied","message":"etcdserver: permission denied","code":7})"};
  EXPECT_EQ(lock.Release().error().message,
            "the reboot slot was not released: etcd group 'web' at http://etcd:2379/: HTTP 400, etcdserver: permission denied");
  http.answer = HttpResponse{503, ""};
  EXPECT_EQ(lock.Take().error().message, "no reboot slot: etcd group 'web' at http://etcd:2379/: HTTP 503");
  settings.failure_budget = 1;
  EXPECT_EQ(lock.RecordFailure().error().message, "the failure was not counted: etcd group 'web' at http://etcd:2379/: HTTP 503");
  EXPECT_EQ(lock.ClearFailures().error().message, "the failures were not cleared: etcd group 'web' at http://etcd:2379/: HTTP 503");
  EXPECT_EQ(EtcdLock(http, clock, settings, "").Take().error().message,
            "no reboot slot: this node has no machine id to give etcd group 'web' at http://etcd:2379/ (/etc/machine-id, "
            "or MachineGuid on Windows)");
}

TEST_F(Etcd, TwoSlotsAndFiveNodesRacing) {
  Start();
  settings_.backend = LockBackend::kEtcd;
  settings_.slots = 2;
  AwaitReady(settings_);
  std::atomic<int> holding{0}, most{0}, taken{0};
  std::vector<std::thread> nodes;
  for (int n = 0; n < 5; ++n) {
    nodes.emplace_back([&, n] {
      auto http = MakeHttpClient();  // one connection per node, as on separate machines
      EtcdLock lock(*http, clock_, settings_, "node-" + std::to_string(n));
      for (int round = 0; round < 8; ++round) {
        if (lock.Take()) {
          int now = ++holding;
          int seen = most;
          while (now > seen && !most.compare_exchange_weak(seen, now)) {}
          ++taken;
          std::this_thread::sleep_for(std::chrono::milliseconds(30));
          --holding;
          EXPECT_TRUE(lock.Release());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  for (auto& t : nodes) t.join();
  EXPECT_LE(most, 2) << "never more holders than slots";
  EXPECT_EQ(most, 2) << "the race filled both slots at some point";
  EXPECT_GE(taken, 5);
  EXPECT_EQ(Value("web")["holders"], nlohmann::json::array()) << "every slot went back";
  EXPECT_EQ(Value("web")["total_slots"], 2);

  // Full: the message names the holders; a holder takes again; a node that holds nothing releases nothing.
  EtcdLock a(*http_, clock_, settings_, "node-a"), b(*http_, clock_, settings_, "node-b"), c(*http_, clock_, settings_, "node-c");
  ASSERT_TRUE(a.Take());
  ASSERT_TRUE(b.Take());
  auto st = c.Take();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(st.error().message, "no reboot slot from etcd group 'web' at " + url_ + " (all 2 slots are held: node-a, node-b)");
  EXPECT_TRUE(a.Take());
  EXPECT_TRUE(c.Release());
  EXPECT_EQ(Value("web")["holders"], (nlohmann::json{"node-a", "node-b"}));
  EXPECT_EQ(Value("web")["taken"], (nlohmann::json{{"node-a", 1'800'000'000}, {"node-b", 1'800'000'000}}));
  // Another group has slots of its own.
  RebootLockSettings db = settings_;
  db.group = "db";
  EXPECT_TRUE(EtcdLock(*http_, clock_, db, "node-c").Take());
}

TEST_F(Etcd, ADeadHoldersSlotGoesBackByHandOrAfterStaleAfter) {
  Start();
  settings_.backend = LockBackend::kEtcd;
  AwaitReady(settings_);
  ASSERT_TRUE(EtcdLock(*http_, clock_, settings_, "dead-node").Take());
  clock_.now += 86400;
  EtcdLock other(*http_, clock_, settings_, "node-2");
  EXPECT_EQ(other.Take().error().message,
            "no reboot slot from etcd group 'web' at " + url_ + " (all 1 slots are held: dead-node)")
      << "without stale_after a slot is held until it is released";

  // The operator's release, through the CLI with the node's own settings.
  testing::WriteText(dir_ / "r/plumb.toml", "[reboot]\npolicy = \"immediate\"\n\n[reboot.lock]\nbackend = \"etcd\"\nurl = \"" +
                                                url_ + "\"\ngroup = \"web\"\n");
  testing::WriteText(dir_ / "r/motd.toml", "[policy]\nid = \"motd\"\n[[resource]]\nid = \"motd\"\ntype = \"file\"\n"
                                           "path = \"/etc/motd\"\ncontent = \"hi\\n\"\n");
  auto release = testing::RunPlumb({"reboot", dir_ / "r", "--state-dir", dir_ / "state", "--release-lock", "dead-node"});
  EXPECT_EQ(release.code, 0) << release.err;
  EXPECT_EQ(release.out, "plumb reboot: released the reboot slot of dead-node in etcd group 'web' at " + url_ + "\n");
  EXPECT_TRUE(other.Take());

  // With stale_after, a slot held that long is taken over by the next node that asks; not sooner.
  settings_.stale_after_s = 6 * 3600;
  EtcdLock third(*http_, clock_, settings_, "node-3");
  clock_.now += 6 * 3600 - 1;
  EXPECT_FALSE(third.Take());
  clock_.now += 1;
  EXPECT_TRUE(third.Take());
  EXPECT_EQ(Value("web")["holders"], (nlohmann::json{"node-3"}));

  // A holder written by airlock has no time, so it never goes stale.
  Put("web", R"({"total_slots":1,"holders":["airlock-node"]})");
  clock_.now += 365 * 86400;
  EXPECT_EQ(other.Take().error().message,
            "no reboot slot from etcd group 'web' at " + url_ + " (all 1 slots are held: airlock-node)");
}

TEST_F(Etcd, AfterTheFailureBudgetIsSpentNoNodeRebootsUntilAnOperatorClearsIt) {
  Start();
  settings_.backend = LockBackend::kEtcd;
  settings_.slots = 2;
  settings_.failure_budget = 1;
  AwaitReady(settings_);
  EtcdLock sick(*http_, clock_, settings_, "node-a"), next(*http_, clock_, settings_, "node-b");
  ASSERT_TRUE(sick.Take());
  ASSERT_TRUE(sick.RecordFailure());
  ASSERT_TRUE(sick.RecordFailure()) << "idempotent";
  EXPECT_EQ(Value("web")["failed"], (nlohmann::json{{"node-a", 1'800'000'000}}));
  std::string spent = "no reboot slot from etcd group 'web' at " + url_ +
                      ": the group's failure budget is spent (1 of 1 nodes did not come back healthy: node-a); once "
                      "they are fixed, clear it with plumb reboot --clear-failures";
  EXPECT_EQ(next.Take().error().message, spent) << "a free slot is not enough";
  EXPECT_TRUE(sick.Take()) << "the failed node still holds its own slot";
  ASSERT_TRUE(sick.Release());
  EXPECT_EQ(next.Take().error().message, spent) << "the budget stays spent after the node recovers";

  testing::WriteText(dir_ / "r/plumb.toml", "[reboot]\npolicy = \"immediate\"\n\n[reboot.lock]\nbackend = \"etcd\"\nurl = \"" +
                                                url_ + "\"\ngroup = \"web\"\nslots = 2\nfailure_budget = 1\n");
  testing::WriteText(dir_ / "r/motd.toml", "[policy]\nid = \"motd\"\n[[resource]]\nid = \"motd\"\ntype = \"file\"\n"
                                           "path = \"/etc/motd\"\ncontent = \"hi\\n\"\n");
  auto clear = testing::RunPlumb({"reboot", dir_ / "r", "--state-dir", dir_ / "state", "--clear-failures"});
  EXPECT_EQ(clear.code, 0) << clear.err;
  EXPECT_EQ(clear.out, "plumb reboot: cleared the failures of node-a in etcd group 'web' at " + url_ +
                           "; the group's nodes reboot again\n");
  EXPECT_TRUE(next.Take());
  auto again = testing::RunPlumb({"reboot", dir_ / "r", "--state-dir", dir_ / "state", "--clear-failures"});
  EXPECT_EQ(again.out, "plumb reboot: no failures are counted in etcd group 'web' at " + url_ + "\n");
}

TEST_F(Etcd, AKeyThatIsNotASemaphoreIsLeftAlone) {
  Start();
  settings_.backend = LockBackend::kEtcd;
  AwaitReady(settings_);
  Put("web", "reboot me");
  auto st = EtcdLock(*http_, clock_, settings_, "node-1").Take();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "no reboot slot: etcd group 'web' at " + url_ +
                                    ": the key com.coreos.airlock/groups/web/v1/semaphore does not hold a semaphore "
                                    "({\"total_slots\": N, \"holders\": [...]})");
}

TEST_F(Etcd, ALostConnectionIsNoSlotAndNoRelease) {
  Start();
  settings_.backend = LockBackend::kEtcd;
  AwaitReady(settings_);
  EtcdLock node(*http_, clock_, settings_, "node-1");
  ASSERT_TRUE(node.Take());
  server_.reset();  // etcd goes away while the node holds its slot
  std::string port = url_.substr(url_.rfind(':') + 1);
  auto lost = [&](const Status& st) { return std::regex_replace(st.error().message, std::regex("after [0-9]+ ms"), "after N ms"); };
  Status take = EtcdLock(*http_, clock_, settings_, "node-2").Take();
  ASSERT_FALSE(take);
  EXPECT_EQ(take.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(lost(take), "no reboot slot: etcd group 'web' at " + url_ + ": Failed to connect to 127.0.0.1 port " + port +
                            " after N ms: Couldn't connect to server");
  Status release = node.Release();
  ASSERT_FALSE(release);
  EXPECT_EQ(lost(release), "the reboot slot was not released: etcd group 'web' at " + url_ +
                               ": Failed to connect to 127.0.0.1 port " + port + " after N ms: Couldn't connect to server");
}

TEST_F(Etcd, OverTlsWithAClientCertificate) {
  // A CA, etcd's certificate for 127.0.0.1, and the node's client certificate.
  testing::RunShell("cd " + dir_.path() +
                    " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca 2>/dev/null"
                    " && openssl req -newkey rsa:2048 -nodes -keyout etcd.key -out etcd.csr -subj /CN=etcd 2>/dev/null"
                    " && printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth,clientAuth\\n' > etcd.ext"
                    " && openssl x509 -req -in etcd.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out etcd.pem -days 2 -extfile etcd.ext 2>/dev/null"
                    " && openssl req -newkey rsa:2048 -nodes -keyout node.key -out node.csr -subj /CN=node-1 2>/dev/null"
                    " && printf 'extendedKeyUsage=clientAuth\\n' > node.ext"
                    " && openssl x509 -req -in node.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out node.pem -days 2 -extfile node.ext 2>/dev/null");
  Start({"--cert-file", dir_ / "etcd.pem", "--key-file", dir_ / "etcd.key", "--trusted-ca-file", dir_ / "ca.pem",
         "--client-cert-auth"});
  settings_.backend = LockBackend::kEtcd;
  settings_.ca_file = dir_ / "ca.pem";
  settings_.client_cert = dir_ / "node.pem";
  settings_.client_key = dir_ / "node.key";
  AwaitReady(settings_);
  EXPECT_TRUE(EtcdLock(*http_, clock_, settings_, "node-1").Take());

  // Without the client certificate etcd ends the handshake; without the CA the node does.
  RebootLockSettings anonymous = settings_;
  anonymous.client_cert.clear();
  anonymous.client_key.clear();
  Status st = EtcdLock(*http_, clock_, anonymous, "node-2").Take();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message.rfind("no reboot slot: etcd group 'web' at " + url_ + ": ", 0), 0u) << st.error().message;
  RebootLockSettings untrusting = settings_;
  untrusting.ca_file.clear();
  st = EtcdLock(*http_, clock_, untrusting, "node-2").Take();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "no reboot slot: etcd group 'web' at " + url_ +
                                    ": SSL certificate problem: unable to get local issuer certificate");
}

}  // namespace
}  // namespace plumb
