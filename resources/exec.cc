// The exec resource: a test command and a set command decided by exit status (like DSC's Script
// resource), refreshable by notify.

#include "engine/util/strings.h"
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
      obs.drift.push_back({"test", "exit status 0", Describe(*r)});
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
  auto positive = [](const Value& v) -> std::string {
    return std::get<int64_t>(v) > 0 ? "" : "must be a positive number of seconds";
  };
  s.properties = {
      {"test", ValueKind::kString, Requirement::kOptional, "command whose exit status 0 means compliant"},
      {"set", ValueKind::kString, Requirement::kRequired, "command that converges"},
      {"refresh", ValueKind::kString, Requirement::kOptional, "command run when notified (default: set)"},
      {"timeout", ValueKind::kInteger, Requirement::kOptional, "seconds each command may run (default 300)", {},
       positive},
      {"cwd", ValueKind::kString, Requirement::kOptional, "working directory", {}, CheckAbsolutePath},
      {"environment", ValueKind::kStringMap, Requirement::kOptional, "variables added to the environment"},
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            ProcessRequest base;
            if (auto p = spec.Find("timeout")) base.timeout = std::chrono::seconds(std::get<int64_t>(p->value));
            if (auto p = spec.Find("cwd")) base.cwd = std::get<std::string>(p->value);
            if (auto p = spec.Find("environment")) base.env = std::get<StringMap>(p->value);
            base.env["PLUMB_ROOT"] = b.root.confined() ? b.root.root() : "/";
            std::optional<std::string> test, refresh;
            if (auto p = spec.Find("test")) test = std::get<std::string>(p->value);
            if (auto p = spec.Find("refresh")) refresh = std::get<std::string>(p->value);
            return std::unique_ptr<Resource>(new ExecResource(std::move(test), std::get<std::string>(spec.Find("set")->value),
                                                              std::move(refresh), std::move(base),
                                                              spec.sensitive.empty() ? Output::kReported : Output::kHidden, b));
          }};
}

}  // namespace plumb
