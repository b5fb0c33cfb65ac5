// plumb benchmark: wall time and peak memory of the real binary on generated policy trees,
// printed next to yardsticks measured in the same invocation (plain C++ loops doing the minimum
// file work the same job needs), so figures compare as ratios on a noisy shared machine.
//
//   plumb_bench [--sizes 2000,20000] [--kv 20000] [--packages 2000] [--users 200] [--graph 100000] [--store N] [--reps 3]
//               [--skip-apply] [--keep] [--plumb PATH]
//   --store needs a PostgreSQL server: pg_virtualenv -t build/bench/plumb_bench --store 100000 ...

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Sample {
  double seconds = 0;
  long peak_kib = 0;
  int code = 0;
};

std::string g_plumb = PLUMB_BINARY;  // --plumb overrides; set once in main

// Runs a program (argv[0], a path), measuring wall time and the child's peak resident memory.
Sample RunProgram(std::vector<std::string> store) {
  std::vector<char*> argv;
  for (auto& a : store) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  auto start = Clock::now();
  pid_t pid;
  if (posix_spawnp(&pid, store[0].c_str(), &actions, nullptr, argv.data(), environ) != 0) {
    std::perror("posix_spawn");
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  Sample s;
  s.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  s.peak_kib = ru.ru_maxrss;
  s.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return s;
}

Sample RunPlumb(const std::vector<std::string>& args) {
  std::vector<std::string> store = {g_plumb};
  store.insert(store.end(), args.begin(), args.end());
  return RunProgram(std::move(store));
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string FileContent(size_t i) {
  return "# generated configuration " + std::to_string(i) + "\nname = service-" + std::to_string(i) +
         "\nworkers = 4\nlisten = 127.0.0.1:" + std::to_string(8000 + i % 1000) + "\n";
}
std::string KvPath(size_t i) { return "/etc/sysctl.d/" + std::to_string(60 + i % 10) + "-k" + std::to_string(i) + ".conf"; }
std::string KvText(size_t i, const std::string& value) {
  return "# sysctl setting " + std::to_string(i) + "\nkernel.bench." + std::to_string(i) + " = " + value +
         "\nvm.unrelated = 1\n";
}
std::string FilePath(size_t i) { return "/srv/app/d" + std::to_string(i / 1000) + "/f" + std::to_string(i) + ".conf"; }

// Policies of `n` file and `n` kv resources, 1000 resources per policy file.
// kOne: each resource has one placeholder, a var of its policy (file content) or a data key (kv
// value), over a plumb.toml [data] with one layer.
enum class Placeholders { kNone, kOne };

void GeneratePolicies(const std::string& dir, size_t n, Placeholders holes = Placeholders::kNone) {
  fs::create_directories(dir);
  bool one = holes == Placeholders::kOne;
  if (one) {
    Write(dir + "/plumb.toml", "[data]\nhierarchy = [\"common\"]\n");
    fs::create_directories(dir + "/data");
    Write(dir + "/data/common.toml", "[bench]\nvalue = \"3\"\n");
  }
  std::string text;
  size_t in_file = 0, file_no = 0;
  auto flush = [&] {
    if (in_file == 0) return;
    Write(dir + "/p" + std::to_string(file_no++) + ".toml", text);
    text.clear();
    in_file = 0;
  };
  for (size_t i = 0; i < 2 * n; ++i) {
    if (in_file == 0)
      text = "[policy]\nid = \"bench-" + std::to_string(file_no) + "\"\n" + (one ? "[vars]\ngreeting = \"hello\"\n" : "");
    size_t k = i / 2;
    if (i % 2 == 0) {
      std::string content = FileContent(k);
      std::string escaped;
      for (char c : content) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
      if (one) escaped = "${var.greeting} " + escaped;
      text += "\n[[resource]]\nid = \"f" + std::to_string(k) + "\"\ntype = \"file\"\npath = \"" + FilePath(k) +
              "\"\ncontent = \"" + escaped + "\"\nmode = \"0644\"\n";
    } else {
      text += "\n[[resource]]\nid = \"k" + std::to_string(k) + "\"\ntype = \"kv\"\npath = \"" + KvPath(k) +
              "\"\nkey = \"kernel.bench." + std::to_string(k) + "\"\nvalue = \"" +
              (one ? std::string("${data.bench.value}") : std::to_string(k % 7)) + "\"\n";
    }
    if (++in_file == 1000) flush();
  }
  flush();
}

// A root where every resource is converged (drifted = false) or drifted in content/value.
void GenerateRoot(const std::string& root, size_t n, bool drifted) {
  fs::remove_all(root);
  fs::create_directories(root + "/etc/sysctl.d");
  for (size_t d = 0; d <= (n - 1) / 1000; ++d) fs::create_directories(root + "/srv/app/d" + std::to_string(d));
  for (size_t i = 0; i < n; ++i) {
    std::string f = root + FilePath(i);
    Write(f, drifted ? "# stale\n" : FileContent(i));
    ::chmod(f.c_str(), 0644);
    Write(root + KvPath(i), KvText(i, drifted ? "99" : std::to_string(i % 7)));
  }
}

// `n` kv keys spread over 10 files of /etc/sysctl.d (format sysctl, so systemd-sysctl's whole
// reading order is judged for each key), all converged.
std::string KvBenchPath(size_t i) { return "/etc/sysctl.d/" + std::to_string(60 + i % 10) + "-bench.conf"; }
void GenerateKvBench(const std::string& dir, const std::string& root, size_t n) {
  fs::create_directories(dir);
  fs::remove_all(root);
  fs::create_directories(root + "/etc/sysctl.d");
  std::vector<std::string> files(10);
  std::string text;
  for (size_t i = 0; i < n; ++i) {
    if (i % 1000 == 0) text = "[policy]\nid = \"kv-" + std::to_string(i / 1000) + "\"\n";
    text += "\n[[resource]]\nid = \"k" + std::to_string(i) + "\"\ntype = \"kv\"\nformat = \"sysctl\"\npath = \"" +
            KvBenchPath(i) + "\"\nkey = \"kernel.bench." + std::to_string(i) + "\"\nvalue = \"" + std::to_string(i % 7) + "\"\n";
    if (i % 1000 == 999 || i + 1 == n) Write(dir + "/kv" + std::to_string(i / 1000) + ".toml", text);
    files[i % 10] += "# setting " + std::to_string(i) + "\nkernel.bench." + std::to_string(i) + " = " + std::to_string(i % 7) + "\n";
  }
  for (size_t f = 0; f < 10; ++f) Write(root + KvBenchPath(f), files[f]);
}

// `n` installed packages in a dpkg status file of a Debian root, and policies that want each at
// least at its version: the package type's whole read is one dpkg-query of that database.
void GeneratePackageBench(const std::string& dir, const std::string& root, size_t n) {
  fs::create_directories(dir);
  fs::remove_all(root);
  fs::create_directories(root + "/etc");
  fs::create_directories(root + "/var/lib/dpkg");
  Write(root + "/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
  std::string status, text;
  for (size_t i = 0; i < n; ++i) {
    std::string name = "bench-pkg" + std::to_string(i);
    status += "Package: " + name + "\nStatus: install ok installed\nPriority: optional\nMaintainer: Bench <bench@example.org>\nArchitecture: amd64\nVersion: 1." +
              std::to_string(i) + "-1\nDescription: generated package\n\n";
    if (i % 1000 == 0) text = "[policy]\nid = \"pkg-" + std::to_string(i / 1000) + "\"\n";
    text += "\n[[resource]]\nid = \"p" + std::to_string(i) + "\"\ntype = \"package\"\nname = \"" + name +
            "\"\nensure = \">= 1.0\"\n";
    if (i % 1000 == 999 || i + 1 == n) Write(dir + "/pkg" + std::to_string(i / 1000) + ".toml", text);
  }
  Write(root + "/var/lib/dpkg/status", status);
}

// `n` users, each in its own group and in "staff", and policies for every user and group.
void GenerateAccountBench(const std::string& dir, const std::string& root, size_t n) {
  fs::create_directories(dir);
  fs::remove_all(root);
  fs::create_directories(root + "/etc");
  std::string passwd = "root:x:0:0:root:/root:/bin/bash\n", group = "root:x:0:\n", shadow = "root:*:20000:0:99999:7:::\n";
  std::string staff = "staff:x:50:", text;
  for (size_t i = 0; i < n; ++i) {
    std::string u = "user" + std::to_string(i), uid = std::to_string(10000 + i);
    passwd += u + ":x:" + uid + ":" + uid + "::/home/" + u + ":/bin/bash\n";
    group += "g" + u + ":x:" + uid + ":\n";
    shadow += u + ":!:20000:0:99999:7:::\n";
    staff += (i ? "," : "") + u;
    if (i % 500 == 0) text = "[policy]\nid = \"acct-" + std::to_string(i / 500) + "\"\n";
    text += "\n[[resource]]\nid = \"g" + std::to_string(i) + "\"\ntype = \"group\"\nname = \"g" + u + "\"\ngid = " + uid +
            "\n\n[[resource]]\nid = \"u" + std::to_string(i) + "\"\ntype = \"user\"\nname = \"" + u + "\"\nuid = " + uid +
            "\ngroup = \"g" + u + "\"\ngroups = [\"staff\"]\nshell = \"/bin/bash\"\ndepends_on = [\"g" + std::to_string(i) + "\"]\n";
    if (i % 500 == 499 || i + 1 == n) Write(dir + "/acct" + std::to_string(i / 500) + ".toml", text);
  }
  Write(root + "/etc/passwd", passwd);
  Write(root + "/etc/group", group + staff + "\n");
  Write(root + "/etc/shadow", shadow);
}

// The yardsticks' read: lstat, then the whole file into `buf`; false when it is not there.
bool ReadInto(const std::string& path, std::string& buf) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return false;
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW);
  buf.resize(static_cast<size_t>(st.st_size));
  ssize_t got = ::read(fd, buf.data(), buf.size());
  ::close(fd);
  return got >= 0;
}

// Yardstick for the kv test: stat and read each of the 10 files once, and find its lines.
double KvYardstick(const std::string& root) {
  auto start = Clock::now();
  size_t lines = 0;
  std::string buf;
  for (size_t f = 0; f < 10; ++f)
    if (ReadInto(root + KvBenchPath(f), buf)) lines += static_cast<size_t>(std::count(buf.begin(), buf.end(), '\n'));
  if (lines == 0) std::fprintf(stderr, "kv yardstick read nothing\n");
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Yardstick for packages: the one dpkg-query of the database that the package type makes.
double PackageYardstick(const std::string& root) {
  auto start = Clock::now();
  std::string cmd = "dpkg-query --admindir='" + root + "/var/lib/dpkg' -W -f='${Package}\\t${Version}\\n' > /dev/null";
  if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "package yardstick failed\n");
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// `n` exec resources whose test is `true`: what starting commands costs (plumb starts one per
// resource through /bin/sh). The commands are also listed in ROOT/commands for the yardstick.
void GenerateExecBench(const std::string& dir, const std::string& root, size_t n) {
  fs::create_directories(dir);
  fs::remove_all(root);
  fs::create_directories(root);
  std::string text = "[policy]\nid = \"execs\"\n", commands;
  for (size_t i = 0; i < n; ++i) {
    text += "\n[[resource]]\nid = \"e" + std::to_string(i) + "\"\ntype = \"exec\"\ntest = \"true\"\nset = \"true\"\n";
    commands += "true\n";
  }
  Write(dir + "/execs.toml", text);
  Write(root + "/commands", commands);
}

// Yardstick for exec: each command of ROOT/commands run through /bin/sh -c, one after the other
// (std::system), as a shell script would.
double ExecYardstick(const std::string& root) {
  std::string commands;
  if (!ReadInto(root + "/commands", commands)) std::fprintf(stderr, "exec yardstick has no commands\n");
  auto start = Clock::now();
  std::istringstream lines(commands);
  for (std::string line; std::getline(lines, line);)
    if (std::system(line.c_str()) != 0) std::fprintf(stderr, "exec yardstick: '%s' failed\n", line.c_str());
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Yardstick for accounts: read passwd, group and shadow once and count their lines.
double AccountYardstick(const std::string& root) {
  auto start = Clock::now();
  size_t lines = 0;
  std::string buf;
  for (const char* f : {"/etc/passwd", "/etc/group", "/etc/shadow"})
    if (ReadInto(root + f, buf)) lines += static_cast<size_t>(std::count(buf.begin(), buf.end(), '\n'));
  if (lines == 0) std::fprintf(stderr, "account yardstick read nothing\n");
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Yardstick for test: stat and read every managed file, compare with the expected bytes.
double ReadYardstick(const std::string& root, size_t n) {
  auto start = Clock::now();
  size_t equal = 0;
  std::string buf;
  for (size_t i = 0; i < 2 * n; ++i)
    equal += ReadInto(root + (i % 2 ? KvPath(i / 2) : FilePath(i / 2)), buf) &&
             (i % 2 ? buf.size() > 0 : buf == FileContent(i / 2));
  if (equal == 0) std::fprintf(stderr, "yardstick read nothing\n");
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Yardstick for apply: write every managed file atomically with the durability plumb gives
// (temporary file, fsync, rename, fsync of the folder).
double WriteYardstick(const std::string& root, size_t n) {
  auto start = Clock::now();
  for (size_t i = 0; i < 2 * n; ++i) {
    std::string path = root + (i % 2 ? KvPath(i / 2) : FilePath(i / 2));
    std::string text = i % 2 ? KvText(i / 2, std::to_string((i / 2) % 7)) : FileContent(i / 2);
    std::string dir = path.substr(0, path.rfind('/'));
    std::string tmp = path + ".tmpXXXXXX";
    int fd = ::mkstemp(tmp.data());
    if (::write(fd, text.data(), text.size()) < 0) std::perror("write");
    ::fchmod(fd, 0644);
    ::fsync(fd);
    ::close(fd);
    ::rename(tmp.c_str(), path.c_str());
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    ::fsync(dfd);
    ::close(dfd);
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::vector<size_t> ParseList(const char* s) {
  std::vector<size_t> out;
  for (const char* p = s; *p;) {
    out.push_back(std::strtoul(p, const_cast<char**>(&p), 10));
    if (*p == ',') ++p;
  }
  return out;
}

}  // namespace

// A recorded run report of one node with `resources` resources, a few of them drifted, made on
// day `day` of November 2026 (1-28).
std::string NodeReport(size_t node, size_t resources, int day) {
  std::string date = "2026-11-" + std::string(day < 10 ? "0" : "") + std::to_string(day);
  std::string r = "{\"schema\": \"plumb.run-report/1\", \"run_id\": \"202611" + std::to_string(day) + "T020000Z-" + std::to_string(node) +
                  "\", \"command\": \"test\", \"started_at\": \"" + date + "T02:00:00.000Z\", \"finished_at\": "
                  "\"" + date + "T02:00:03.000Z\", \"duration_s\": 3.0, \"exit_code\": 4, \"interrupted\": false, "
                  "\"root\": \"/\", \"node\": {\"hostname\": \"node-" + std::to_string(node) + "\", \"facts\": {\"os\": "
                  "\"linux\", \"distribution\": \"debian\", \"version\": \"12\"}}, \"policy_repository\": {\"path\": "
                  "\"policies\", \"revision\": \"68c7260e\", \"ref\": \"refs/heads/main\", \"dirty\": false}, "
                  "\"summary\": {\"compliant\": 98, \"drifted\": 2, \"total\": 100}, \"policies\": [";
  for (size_t p = 0; p < 10; ++p)
    r += std::string(p ? ", " : "") + "{\"id\": \"policy-" + std::to_string(p) + "\", \"title\": \"Policy " +
         std::to_string(p) + "\", \"severity\": \"medium\", \"path\": \"p" + std::to_string(p) + ".toml\"}";
  r += "], \"resources\": [";
  for (size_t i = 0; i < resources; ++i) {
    bool drifted = (i + node) % 50 == 0;
    r += std::string(i ? ", " : "") + "{\"policy\": \"policy-" + std::to_string(i % 10) + "\", \"id\": \"r" +
         std::to_string(i) + "\", \"type\": \"kv\", \"enforcement\": \"enforce\", \"outcome\": \"" +
         (drifted ? "drifted" : "compliant") + "\", \"drift\": [" +
         (drifted ? "{\"property\": \"value\", \"expected\": \"0\", \"actual\": \"1\"}" : "") +
         "], \"actions\": [], \"duration_s\": 0.0001, \"diff\": null, \"message\": null, \"note\": null}";
  }
  return r + "], \"reboot_required\": false, \"reboot_needs\": [], \"reboot_scheduled\": null, "
             "\"reboot_pending_os\": [], \"warnings\": []}\n";
}

int main(int argc, char** argv) {
  std::vector<size_t> sizes = {2000, 20000};
  size_t fleet_n = 10000;
  size_t graph_n = 100000;
  size_t kv_n = 20000;
  size_t packages_n = 2000, users_n = 200, execs_n = 200;
  size_t pull_n = 1000;
  size_t store_n = 0;
  int reps = 3;
  bool skip_apply = false;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--sizes" && i + 1 < argc) sizes = ParseList(argv[++i]);
    else if (a == "--graph" && i + 1 < argc) graph_n = std::strtoul(argv[++i], nullptr, 10);
    else if (a == "--fleet" && i + 1 < argc) fleet_n = std::strtoul(argv[++i], nullptr, 10);
    else if (a == "--store" && i + 1 < argc) store_n = std::strtoul(argv[++i], nullptr, 10);
    else if (a == "--kv" && i + 1 < argc) kv_n = std::strtoul(argv[++i], nullptr, 10);
    else if (a == "--packages" && i + 1 < argc) packages_n = std::strtoul(argv[++i], nullptr, 10);
    else if (a == "--users" && i + 1 < argc) users_n = std::strtoul(argv[++i], nullptr, 10);
    else if (a == "--execs" && i + 1 < argc) execs_n = std::strtoul(argv[++i], nullptr, 10);
    else if (a == "--pull" && i + 1 < argc) pull_n = std::strtoul(argv[++i], nullptr, 10);
    else if (a == "--reps" && i + 1 < argc) reps = std::atoi(argv[++i]);
    else if (a == "--skip-apply") skip_apply = true;
    else if (a == "--keep") keep = true;
    else if (a == "--plumb" && i + 1 < argc) g_plumb = argv[++i];
    else {
      std::fprintf(stderr, "usage: plumb_bench [--sizes 2000,20000] [--kv 20000] [--packages 2000] [--users 200] [--execs 200] "
                           "[--graph 100000] "
                           "[--fleet 10000] [--store 100000] [--pull 1000] [--reps 3] [--skip-apply] [--keep] [--plumb PATH]\n");
      return 2;
    }
  }
  char tmpl[] = "/tmp/plumb-bench-XXXXXX";
  std::string work = ::mkdtemp(tmpl);
  std::printf("plumb benchmark (median of %d runs; work folder %s)\n\n", reps, work.c_str());
  std::printf("%-34s %10s %10s %12s %8s\n", "job", "plumb", "peak MiB", "yardstick", "ratio");

  for (size_t n : sizes) {
    if (n == 0) continue;
    std::string policies = work + "/policies-" + std::to_string(n);
    GeneratePolicies(policies, n);
    std::string root = work + "/root";
    std::string state = work + "/state";
    GenerateRoot(root, n, false);
    // Policies are checked out well before a scheduled run; files younger than two seconds are
    // never taken from the snapshot, so age them as a real checkout would be.
    for (const auto& e : fs::directory_iterator(policies))
      fs::last_write_time(e.path(), fs::file_time_type::clock::now() - std::chrono::minutes(10));
    std::vector<double> cold_t, warm_t, yard_t;
    long cold_peak = 0, warm_peak = 0;
    for (int r = 0; r < reps; ++r) {
      fs::remove_all(state);  // no snapshot: policies are parsed and validated
      Sample cold = RunPlumb({"test", policies, "--root", root, "--state-dir", state, "-q"});
      Sample warm = RunPlumb({"test", policies, "--root", root, "--state-dir", state, "-q"});
      for (const Sample& s : {cold, warm})
        if (s.code != 0) std::fprintf(stderr, "plumb test exited %d on a converged root\n", s.code);
      cold_t.push_back(cold.seconds);
      warm_t.push_back(warm.seconds);
      cold_peak = std::max(cold_peak, cold.peak_kib);
      warm_peak = std::max(warm_peak, warm.peak_kib);
      yard_t.push_back(ReadYardstick(root, n));
    }
    double y = Median(yard_t);
    std::printf("%-34s %9.3fs %10.1f %11.3fs %7.2fx\n", ("test, converged, " + std::to_string(2 * n) + " res, cold").c_str(),
                Median(cold_t), cold_peak / 1024.0, y, Median(cold_t) / y);
    std::printf("%-34s %9.3fs %10.1f %11.3fs %7.2fx\n", ("test, converged, " + std::to_string(2 * n) + " res, warm").c_str(),
                Median(warm_t), warm_peak / 1024.0, y, Median(warm_t) / y);
    // One policy file changes (a pull brought a new commit): only that file is parsed again.
    std::vector<double> changed_t;
    long changed_peak = 0;
    for (int r = 0; r < reps; ++r) {
      RunPlumb({"test", policies, "--root", root, "--state-dir", state, "-q"});  // a snapshot of the current files
      std::ofstream(policies + "/p0.toml", std::ios::app) << "# changed " << r << "\n";
      Sample s = RunPlumb({"test", policies, "--root", root, "--state-dir", state, "-q"});
      if (s.code != 0) std::fprintf(stderr, "plumb test exited %d after a policy change\n", s.code);
      changed_t.push_back(s.seconds);
      changed_peak = std::max(changed_peak, s.peak_kib);
      fs::last_write_time(policies + "/p0.toml", fs::file_time_type::clock::now() - std::chrono::minutes(10));
    }
    std::printf("%-34s %9.3fs %10.1f %11.3fs %7.2fx\n", ("test, " + std::to_string(2 * n) + " res, 1 file changed").c_str(),
                Median(changed_t), changed_peak / 1024.0, y, Median(changed_t) / y);
    std::fflush(stdout);
    std::vector<double> plumb_t;
    long peak = 0;
    double p = 0;

    // Every file drifted: the output shows each one's drift and diff.
    GenerateRoot(root, n, true);
    std::vector<double> drifted_t, drifted_y;
    long drifted_peak = 0;
    for (int r = 0; r < reps; ++r) {
      Sample s = RunPlumb({"test", policies, "--root", root, "--state-dir", state});
      if (s.code != 4) std::fprintf(stderr, "plumb test exited %d on a drifted root\n", s.code);
      drifted_t.push_back(s.seconds);
      drifted_peak = std::max(drifted_peak, s.peak_kib);
      drifted_y.push_back(ReadYardstick(root, n));
    }
    std::printf("%-34s %9.3fs %10.1f %11.3fs %7.2fx\n", ("test, drifted, " + std::to_string(2 * n) + " res").c_str(),
                Median(drifted_t), drifted_peak / 1024.0, Median(drifted_y), Median(drifted_t) / Median(drifted_y));
    std::fflush(stdout);
    GenerateRoot(root, n, false);

    if (skip_apply) continue;
    yard_t.clear();
    for (int r = 0; r < reps; ++r) {
      GenerateRoot(root, n, true);
      ::sync();
      Sample s = RunPlumb({"apply", policies, "--root", root, "--state-dir", state, "-q"});
      if (s.code != 5) std::fprintf(stderr, "plumb apply exited %d on a drifted root\n", s.code);
      plumb_t.push_back(s.seconds);
      peak = std::max(peak, s.peak_kib);
      GenerateRoot(root, n, true);
      ::sync();
      yard_t.push_back(WriteYardstick(root, n));
    }
    p = Median(plumb_t);
    y = Median(yard_t);
    std::printf("%-34s %9.3fs %10.1f %11.3fs %7.2fx\n", ("apply, drifted, " + std::to_string(2 * n) + " res").c_str(),
                p, peak / 1024.0, y, p / y);
    std::fflush(stdout);
    if (!keep) fs::remove_all(policies);
  }

  if (kv_n > 0) {
    std::string policies = work + "/policies-kv", root = work + "/root-kv", state = work + "/state-kv";
    GenerateKvBench(policies, root, kv_n);
    for (const auto& e : fs::directory_iterator(policies))
      fs::last_write_time(e.path(), fs::file_time_type::clock::now() - std::chrono::minutes(10));
    std::vector<double> warm_t, yard_t;
    long peak = 0;
    RunPlumb({"test", policies, "--root", root, "--state-dir", state, "-q"});  // writes the snapshot
    for (int r = 0; r < reps; ++r) {
      Sample warm = RunPlumb({"test", policies, "--root", root, "--state-dir", state, "-q"});
      if (warm.code != 0) std::fprintf(stderr, "plumb test exited %d on converged kv keys\n", warm.code);
      warm_t.push_back(warm.seconds);
      peak = std::max(peak, warm.peak_kib);
      yard_t.push_back(KvYardstick(root));
    }
    double y = Median(yard_t);
    std::printf("%-34s %9.3fs %10.1f %11.3fs %7.2fx\n", ("test, " + std::to_string(kv_n) + " kv keys / 10 files").c_str(),
                Median(warm_t), peak / 1024.0, y, Median(warm_t) / y);
    std::fflush(stdout);
  }

  // Packages and accounts: a warm test of a converged root against the same reads done once.
  struct Job {
    size_t n;
    const char* what;
    void (*generate)(const std::string&, const std::string&, size_t);
    double (*yardstick)(const std::string&);
  };
  for (const Job& job : {Job{packages_n, "packages (1 dpkg-query)", GeneratePackageBench, PackageYardstick},
                         Job{users_n, "users + groups", GenerateAccountBench, AccountYardstick},
                         Job{execs_n, "exec resources (sh -c each)", GenerateExecBench, ExecYardstick}}) {
    if (job.n == 0) continue;
    std::string tag = std::to_string(reinterpret_cast<uintptr_t>(job.what));
    std::string policies = work + "/policies-" + tag, root = work + "/root-" + tag, state = work + "/state-" + tag;
    job.generate(policies, root, job.n);
    for (const auto& e : fs::directory_iterator(policies))
      fs::last_write_time(e.path(), fs::file_time_type::clock::now() - std::chrono::minutes(10));
    RunPlumb({"test", policies, "--root", root, "--state-dir", state, "-q"});  // writes the snapshot
    std::vector<double> warm_t, yard_t;
    long peak = 0;
    for (int r = 0; r < reps; ++r) {
      Sample warm = RunPlumb({"test", policies, "--root", root, "--state-dir", state, "-q"});
      if (warm.code != 0) std::fprintf(stderr, "plumb test exited %d on converged %s\n", warm.code, job.what);
      warm_t.push_back(warm.seconds);
      peak = std::max(peak, warm.peak_kib);
      yard_t.push_back(job.yardstick(root));
    }
    double y = Median(yard_t);
    std::printf("%-34s %9.3fs %10.1f %11.3fs %7.2fx\n", ("test, " + std::to_string(job.n) + " " + job.what).c_str(),
                Median(warm_t), peak / 1024.0, y, Median(warm_t) / y);
    std::fflush(stdout);
  }

  if (graph_n > 0) {
    std::string policies = work + "/policies-graph";
    GeneratePolicies(policies, graph_n / 2);
    std::vector<double> v_t, g_t;
    long v_peak = 0, g_peak = 0;
    for (int r = 0; r < reps; ++r) {
      Sample v = RunPlumb({"validate", policies, "-q"});
      if (v.code != 0) std::fprintf(stderr, "plumb validate exited %d\n", v.code);
      v_t.push_back(v.seconds);
      v_peak = std::max(v_peak, v.peak_kib);
      Sample g = RunPlumb({"graph", policies, "-o", work + "/graph.dot", "-q"});
      if (g.code != 0) std::fprintf(stderr, "plumb graph exited %d\n", g.code);
      g_t.push_back(g.seconds);
      g_peak = std::max(g_peak, g.peak_kib);
    }
    std::printf("%-34s %9.3fs %10.1f %12s %8s\n", ("validate, " + std::to_string(graph_n) + " res").c_str(),
                Median(v_t), v_peak / 1024.0, "-", "-");
    std::printf("%-34s %9.3fs %10.1f %12s %8s\n", ("graph (DOT), " + std::to_string(graph_n) + " res").c_str(),
                Median(g_t), g_peak / 1024.0, "-", "-");
    // The same resources with one placeholder each: names checked (validate, graph), and resolved
    // for one node (validate --facts). Ratios to the figures without placeholders above.
    std::string holes = work + "/policies-placeholders";
    GeneratePolicies(holes, graph_n / 2, Placeholders::kOne);
    Write(work + "/node.toml", "hostname = \"bench\"\n");
    std::vector<double> hv_t, hg_t, hn_t;
    long h_peak = 0;
    for (int r = 0; r < reps; ++r) {
      Sample v = RunPlumb({"validate", holes, "-q"});
      Sample g = RunPlumb({"graph", holes, "-o", work + "/graph.dot", "-q"});
      Sample node = RunPlumb({"validate", holes, "--facts", work + "/node.toml", "-q"});
      for (const Sample* x : {&v, &g, &node})
        if (x->code != 0) std::fprintf(stderr, "plumb on placeholders exited %d\n", x->code);
      hv_t.push_back(v.seconds);
      hg_t.push_back(g.seconds);
      hn_t.push_back(node.seconds);
      h_peak = std::max({h_peak, v.peak_kib, g.peak_kib, node.peak_kib});
    }
    double plain = Median(v_t), plain_graph = Median(g_t);
    std::printf("%-34s %9.3fs %10.1f %12s %7.2fx\n", ("validate, " + std::to_string(graph_n) + " ${}").c_str(),
                Median(hv_t), h_peak / 1024.0, "-", Median(hv_t) / plain);
    std::printf("%-34s %9.3fs %10.1f %12s %7.2fx\n", ("graph (DOT), " + std::to_string(graph_n) + " ${}").c_str(),
                Median(hg_t), h_peak / 1024.0, "-", Median(hg_t) / plain_graph);
    std::printf("%-34s %9.3fs %10.1f %12s %7.2fx\n", ("validate --facts, " + std::to_string(graph_n) + " ${}").c_str(),
                Median(hn_t), h_peak / 1024.0, "-", Median(hn_t) / plain);
  }
  if (fleet_n > 0) {
    // A report share: recorded runs of 100 resources per node, first one per node, then three
    // days of history. Memory should follow the fleet, not the number of reports read.
    std::string reports = work + "/reports";
    fs::create_directories(reports);
    size_t bytes = 0;
    for (int days : {1, 3}) {
      for (size_t i = 0; i < fleet_n; ++i) {
        std::string text = NodeReport(i, 100, 20 + days);
        bytes += text.size();
        Write(reports + "/node-" + std::to_string(i) + "_202611" + std::to_string(20 + days) + "T020000.000Z_" +
                  std::to_string(i) + "_test.json",
              text);
      }
      if (days == 3)
        for (size_t i = 0; i < fleet_n; ++i) {
          std::string text = NodeReport(i, 100, 22);
          bytes += text.size();
          Write(reports + "/node-" + std::to_string(i) + "_20261122T020000.000Z_" + std::to_string(i) + "_test.json", text);
        }
      std::vector<double> t;
      long peak = 0;
      for (int r = 0; r < reps; ++r) {
        Sample s = RunPlumb({"report", reports, "--json", work + "/fleet.json", "--html", work + "/fleet.html",
                             "--csv", work + "/fleet.csv", "--junit", work + "/fleet.xml", "--stale", "3650d"});
        if (s.code != 0) std::fprintf(stderr, "plumb report exited %d\n", s.code);
        t.push_back(s.seconds);
        peak = std::max(peak, s.peak_kib);
      }
      std::printf("%-34s %9.3fs %10.1f %12s %8s  (%zu runs, %.0f MiB of reports; goal < 2 s)\n",
                  ("report, " + std::to_string(fleet_n) + " nodes x 100 res").c_str(), Median(t), peak / 1024.0, "-", "-",
                  fleet_n * days, bytes / 1048576.0);
    }
  }
  if (store_n > 0 && !std::getenv("PGHOST")) {
    std::printf("report store: skipped, no PostgreSQL server (run the bench under pg_virtualenv -t)\n");
  } else if (store_n > 0) {
    // The report store: `store_n` nodes' runs of 100 resources loaded into PostgreSQL, then the
    // same report from the store and from the folder. One run each: a load is not repeatable
    // (the second adds nothing), and the reports take tens of seconds at this size.
    std::string reports = work + "/store-reports", url = "postgresql:///plumb_bench";
    fs::create_directories(reports);
    size_t bytes = 0;
    for (size_t i = 0; i < store_n; ++i) {
      std::string text = NodeReport(i, 100, 21);
      bytes += text.size();
      Write(reports + "/node-" + std::to_string(i) + "_20261121T020000.000Z_test.json", text);
    }
    if (std::system("psql -q -d postgres -c 'DROP DATABASE IF EXISTS plumb_bench' -c 'CREATE DATABASE plumb_bench'") != 0)
      std::fprintf(stderr, "cannot create the database plumb_bench\n");
    Sample load = RunPlumb({"report", reports, "--ingest", url});
    if (load.code != 0) std::fprintf(stderr, "plumb report --ingest exited %d\n", load.code);
    std::printf("%-34s %9.3fs %10.1f %12s %8s  (%.0f reports/s, %.0f MiB; goal >= 5,000/s)\n",
                ("load, " + std::to_string(store_n) + " reports x 100 res").c_str(), load.seconds, load.peak_kib / 1024.0,
                "-", "-", store_n / load.seconds, bytes / 1048576.0);
    std::vector<std::string> outputs = {"--json", work + "/store.json", "--html", work + "/store.html", "--csv",
                                        work + "/store.csv", "--junit", work + "/store.xml", "--stale", "3650d"};
    std::vector<std::string> from = {"report", "--from", url}, folder = {"report", reports};
    from.insert(from.end(), outputs.begin(), outputs.end());
    folder.insert(folder.end(), outputs.begin(), outputs.end());
    Sample db = RunPlumb(from), dir = RunPlumb(folder);
    if (db.code != 0 || dir.code != 0) std::fprintf(stderr, "plumb report exited %d (store), %d (folder)\n", db.code, dir.code);
    std::printf("%-34s %9.3fs %10.1f %12s %7.2fx  (goal < 10 s; against the folder's report)\n",
                ("report from the store, " + std::to_string(store_n)).c_str(), db.seconds, db.peak_kib / 1024.0, "-",
                db.seconds / dir.seconds);
    std::printf("%-34s %9.3fs %10.1f %12s %8s\n", ("report from the folder, " + std::to_string(store_n)).c_str(),
                dir.seconds, dir.peak_kib / 1024.0, "-", "-");
    std::fflush(stdout);
  }
  if (pull_n > 0) {
    // plumb pull with no new commit, against git fetch of the same repository (file://).
    std::string base = work + "/pull", repo = base + "/repo", clone = base + "/clone";
    fs::create_directories(repo + "/policies");
    for (size_t i = 0; i < pull_n; ++i)
      Write(repo + "/policies/p" + std::to_string(i) + ".toml",
            "[policy]\nid = \"p" + std::to_string(i) + "\"\n\n[[resource]]\nid = \"f\"\ntype = \"file\"\npath = \"" +
                FilePath(i) + "\"\ncontent = \"" + std::to_string(i) + "\\n\"\n");
    std::string git = "cd " + repo + " && HOME=" + base + " GIT_CONFIG_NOSYSTEM=1 git -c user.name=B -c user.email=b@example.com ";
    bool ok = std::system(("ssh-keygen -q -t ed25519 -N '' -f " + base + "/key").c_str()) == 0 &&
              std::system((git + "init -q -b main && " + git + "add -A && " + git + "-c gpg.format=ssh -c user.signingkey=" +
                           base + "/key commit -q -S -m policies && git clone -q " + repo + " " + clone)
                              .c_str()) == 0 &&
              std::system(("echo \"b@example.com $(cut -d' ' -f1,2 " + base + "/key.pub)\" > " + base + "/allowed").c_str()) == 0;
    Write(base + "/agent.toml", "[agent]\nstate_dir = \"" + base + "/state\"\n\n[source]\nurl = \"file://" + repo +
                                    "\"\nallowed_signers = \"" + base + "/allowed\"\n");
    if (!ok || RunPlumb({"pull", "--agent-config", base + "/agent.toml", "-q"}).code != 0) {
      std::fprintf(stderr, "cannot set up the pull benchmark (git, ssh-keygen)\n");
    } else {
      std::vector<double> t, yard_t;
      long peak = 0;
      for (int r = 0; r < reps; ++r) {
        Sample s = RunPlumb({"pull", "--agent-config", base + "/agent.toml", "-q"});
        if (s.code != 0) std::fprintf(stderr, "plumb pull exited %d\n", s.code);
        t.push_back(s.seconds);
        peak = std::max(peak, s.peak_kib);
        yard_t.push_back(RunProgram({"git", "-C", clone, "fetch", "-q", "origin", "main"}).seconds);
      }
      double y = Median(yard_t);
      std::printf("%-34s %9.3fs %10.1f %11.3fs %7.2fx  (goal < 0.050 s)\n",
                  ("pull, no new commit, " + std::to_string(pull_n) + " files").c_str(), Median(t), peak / 1024.0, y,
                  Median(t) / y);
    }
  }
  if (!keep) fs::remove_all(work);
  return 0;
}
