// The exec resource: a test command and a set command decided by exit status (like DSC's Script
// resource), refreshable by notify.

#include "engine/util/strings.h"
#include "resources/properties.h"
#include "resources/registry.h"

namespace plumb {
namespace {

// The last non-empty output line is what people need in a one-line report.
std::string LastLine(const std::string& output) {
  auto lines = SplitLines(output);
  for (auto it = lines.rbegin(); it != lines.rend(); ++it)
    if (!Trim(*it).empty()) return std::string(Trim(*it));
  return "";
}

std::string Describe(const ProcessResult& r) {
  switch (r.end) {
    case ProcessEnd::kExited: return "exit status " + std::to_string(r.code);
    case ProcessEnd::kSignaled: return "killed by signal " + std::to_string(r.code);
    case ProcessEnd::kTimedOut: return "timed out";
  }
  return "";
}

// Commands that handle secrets may print them, so their output stays out of reports.
enum class Output { kReported, kHidden };

struct ExecSettings {
  std::optional<std::string> test;
  std::string set;
  std::optional<std::string> refresh;
  std::optional<int64_t> timeout_s;
  std::string cwd;  ///< "" = plumb's working directory
  StringMap environment;
};

const PropertyTable<ExecSettings>& ExecProperties() {
  static const PropertyTable<ExecSettings> table = [] {
    auto positive = [](const Value& v) -> std::string {
      return std::get<int64_t>(v) > 0 ? "" : "must be a positive number of seconds";
    };
    PropertyTable<ExecSettings> t;
    t.Add(&ExecSettings::test, {"test", {}, Requirement::kOptional, "command whose exit status 0 means compliant"});
    t.Add(&ExecSettings::set, {"set", {}, Requirement::kRequired, "command that converges"});
    t.Add(&ExecSettings::refresh, {"refresh", {}, Requirement::kOptional, "command run when notified (default: set)"});
    t.Add(&ExecSettings::timeout_s,
          {"timeout", {}, Requirement::kOptional, "seconds each command may run (default 300)", {}, positive});
    t.Add(&ExecSettings::cwd, {"cwd", {}, Requirement::kOptional, "working directory", {}, CheckAbsolutePath});
    t.Add(&ExecSettings::environment, {"environment", {}, Requirement::kOptional, "variables added to the environment"});
    return t;
  }();
  return table;
}

class ExecResource : public Resource {
 public:
  ExecResource(std::optional<std::string> test, std::string set, std::optional<std::string> refresh,
               ProcessRequest base, Output output, Backends& b)
      : test_(std::move(test)), set_(std::move(set)), refresh_(std::move(refresh)), base_(std::move(base)),
        output_(output), b_(b) {}

  Result<Observation> Test() override {
    Observation obs;
    if (!test_) {
      obs.note = "runs only when notified";
      return obs;
    }
    auto r = Run(*test_);
    if (!r) return r.error();
    if (r->end == ProcessEnd::kTimedOut)
      return TimedOut("test");
    if (r->end != ProcessEnd::kExited || r->code != 0) {
      obs.drift.push_back(ExecProperties().Drift(&ExecSettings::test, "exit status 0", Describe(*r)));
      if (output_ == Output::kReported) obs.note = LastLine(r->output);
    }
    return obs;
  }

  Status Set(const Observation&) override { return RunChecked(set_, "set"); }
  Status Refresh() override { return RunChecked(refresh_ ? *refresh_ : set_, refresh_ ? "refresh" : "set"); }
  Refreshable CanRefresh() const override { return Refreshable::kYes; }

 private:
  Result<ProcessResult> Run(const std::string& command) {
    ProcessRequest req = base_;
    req.command = command;
    return b_.processes.Run(req);
  }

  Error TimedOut(const std::string& what) const {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(base_.timeout).count();
    return Error{ErrorKind::kTimedOut, what + " command timed out after " + std::to_string(seconds) + "s"};
  }

  Status RunChecked(const std::string& command, const std::string& what) {
    auto r = Run(command);
    if (!r) return r.error();
    if (r->end == ProcessEnd::kTimedOut)
      return TimedOut(what);
    if (r->end != ProcessEnd::kExited || r->code != 0) {
      std::string last = output_ == Output::kReported ? LastLine(r->output) : "";
      return Error{ErrorKind::kInternal, what + " command failed (" + Describe(*r) + ")" + (last.empty() ? "" : ": " + last)};
    }
    return OkStatus();
  }

  std::optional<std::string> test_;
  std::string set_;
  std::optional<std::string> refresh_;
  ProcessRequest base_;
  Output output_;
  Backends& b_;
};

}  // namespace

TypeInfo ExecType() {
  TypeSchema s;
  s.name = "exec";
  s.description =
      "Commands decided by exit status: 'test' exit 0 means compliant, anything else drifted, then 'set' converges. "
      "Without 'test' the resource runs only when notified. Commands run through /bin/sh with PLUMB_ROOT set to "
      "the --root folder.";
  s.properties = ExecProperties().Schema();
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            ExecSettings settings = ExecProperties().Read(spec);
            ProcessRequest base;
            if (settings.timeout_s) base.timeout = std::chrono::seconds(*settings.timeout_s);
            base.cwd = settings.cwd;
            base.env = settings.environment;
            base.env["PLUMB_ROOT"] = b.root.confined() ? b.root.root() : "/";
            return std::unique_ptr<Resource>(new ExecResource(std::move(settings.test), std::move(settings.set),
                                                              std::move(settings.refresh), std::move(base),
                                                              spec.sensitive.empty() ? Output::kReported : Output::kHidden, b));
          }};
}

}  // namespace plumb
