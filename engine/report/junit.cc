#include "engine/report/junit.h"

#include <cstdio>
#include <map>
#include <tinyxml2.h>

#include "engine/report/formats.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

// Three decimals, no exponent: what Surefire's SUREFIRE_TIME pattern and Ant's xs:decimal accept.
std::string Seconds(double s) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f", s < 0 ? 0.0 : s);
  return buf;
}

size_t Count(const JunitSuite& s, JunitVerdict v) {
  size_t n = 0;
  for (const auto& c : s.cases) n += c.verdict == v;
  return n;
}

void PrintCase(tinyxml2::XMLPrinter& xml, const JunitCase& c, JunitLayout layout) {
  xml.OpenElement("testcase");
  xml.PushAttribute("name", c.name.c_str());
  xml.PushAttribute("classname", c.classname.c_str());
  xml.PushAttribute("time", Seconds(c.time_s).c_str());
  if (c.verdict == JunitVerdict::kFailure || c.verdict == JunitVerdict::kError) {
    xml.OpenElement(c.verdict == JunitVerdict::kFailure ? "failure" : "error");
    xml.PushAttribute("type", c.type.c_str());
    xml.PushAttribute("message", c.message.c_str());
    if (!c.text.empty()) xml.PushText(c.text.c_str());
    xml.CloseElement();
  } else if (c.verdict == JunitVerdict::kSkipped) {
    xml.OpenElement("skipped");
    xml.PushAttribute("message", c.message.c_str());
    xml.CloseElement();
  }
  if (layout == JunitLayout::kSurefire && !c.out.empty()) {
    xml.OpenElement("system-out");
    xml.PushText(c.out.c_str());
    xml.CloseElement();
  }
  xml.CloseElement();
}

std::string SafeName(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    out += keep ? c : '_';
  }
  return out.empty() ? "_" : out;
}

}  // namespace

JunitVerdict JunitVerdictOf(std::string_view outcome) {
  if (outcome == "drifted") return JunitVerdict::kFailure;
  if (outcome == "failed" || outcome == "skipped") return JunitVerdict::kError;
  if (outcome == "pending_reboot" || outcome == "not_applicable" || outcome == "assumed") return JunitVerdict::kSkipped;
  return JunitVerdict::kPass;
}

std::string JunitTimestamp(std::string_view utc) { return std::string(utc.substr(0, 19)); }

std::string JunitSuiteXml(const JunitSuite& s, JunitLayout layout, size_t id) {
  bool surefire = layout == JunitLayout::kSurefire;
  tinyxml2::XMLPrinter xml;
  if (surefire) xml.PushDeclaration("xml version=\"1.0\" encoding=\"UTF-8\"");
  xml.OpenElement("testsuite");
  xml.PushAttribute("name", s.name.c_str());
  if (!surefire) {
    xml.PushAttribute("package", s.package.c_str());
    xml.PushAttribute("id", static_cast<unsigned>(id));
    xml.PushAttribute("timestamp", s.timestamp.c_str());
    xml.PushAttribute("hostname", s.hostname.empty() ? "localhost" : s.hostname.c_str());
  }
  xml.PushAttribute("tests", static_cast<unsigned>(s.cases.size()));
  xml.PushAttribute("failures", static_cast<unsigned>(Count(s, JunitVerdict::kFailure)));
  xml.PushAttribute("errors", static_cast<unsigned>(Count(s, JunitVerdict::kError)));
  xml.PushAttribute("skipped", static_cast<unsigned>(Count(s, JunitVerdict::kSkipped)));
  xml.PushAttribute("time", Seconds(s.time_s).c_str());
  xml.OpenElement("properties");
  for (const auto& [name, value] : s.properties) {
    xml.OpenElement("property");
    xml.PushAttribute("name", name.c_str());
    xml.PushAttribute("value", value.c_str());
    xml.CloseElement();
  }
  xml.CloseElement();
  for (const auto& c : s.cases) PrintCase(xml, c, layout);
  if (!surefire) {
    std::string out;
    for (const auto& c : s.cases)
      if (!c.out.empty()) out += c.classname + "/" + c.name + " " + c.out + "\n";
    xml.OpenElement("system-out");
    if (!out.empty()) xml.PushText(out.c_str());
    xml.CloseElement();
    xml.OpenElement("system-err");
    xml.CloseElement();
  }
  xml.CloseElement();
  // XML 1.0 cannot hold most control characters even as references (exec output has them).
  return Printable(std::string_view(xml.CStr(), static_cast<size_t>(xml.CStrSize() - 1)), "\t\n\r");
}

bool IsJunitFolder(FileSystem& fs, const std::string& path) {
  if (!path.empty() && (path.back() == '/' || path.back() == '\\')) return true;
  auto info = fs.Stat(path);
  return info && info->kind == FileKind::kDirectory;
}

Status JunitFolder::Add(const JunitSuite& suite) {
  if (!ready_) {
    while (dir_.size() > 1 && (dir_.back() == '/' || dir_.back() == '\\')) dir_.pop_back();
    auto info = fs_.Stat(dir_);
    if (!info) return info.error();
    if (info->kind == FileKind::kMissing) {
      if (auto st = fs_.MakeDirectory(dir_, {}); !st) return st;
    } else if (info->kind != FileKind::kDirectory) {
      return Error{ErrorKind::kAlreadyExists, "cannot write JUnit files into '" + dir_ + "': it is a " +
                                                  ToString(info->kind) + ", not a folder"};
    }
    ready_ = true;
  }
  std::string base = "TEST-" + SafeName(suite.name), name = base;
  for (int n = 2; !taken_.insert(name).second; ++n) name = base + "-" + std::to_string(n);
  return fs_.WriteOutput(dir_ + "/" + name + ".xml", JunitSuiteXml(suite, JunitLayout::kSurefire, 0));
}

std::vector<JunitSuite> JunitSuites(const RunReport& report) {
  // Suites in policy order; resources within a suite in execution order.
  std::map<std::string, std::vector<const ResourceResult*>> by_policy;
  for (const auto& r : report.resources) by_policy[r.policy].push_back(&r);
  std::vector<JunitSuite> suites;
  for (const auto& p : report.policies) {
    auto it = by_policy.find(p.id);
    if (it == by_policy.end()) continue;
    JunitSuite& s = suites.emplace_back();
    s.name = p.id;
    s.hostname = s.package = report.facts.Get("hostname");
    s.timestamp = JunitTimestamp(report.started_at);
    s.properties = {{"title", p.title}, {"severity", ToString(p.severity)}, {"path", p.path}};
    if (!report.revision.commit.empty()) s.properties.emplace_back("revision", report.revision.commit);
    for (const auto* r : it->second) {
      JunitCase& c = s.cases.emplace_back();
      c.classname = p.id;
      c.name = r->id;
      c.time_s = r->duration_s;
      s.time_s += r->duration_s;
      std::string lines;
      for (const auto& d : r->drift) lines += (lines.empty() ? "" : "; ") + DescribeDrift(d);
      std::string body = lines + (r->diff.empty() ? "" : "\n" + r->diff);
      c.verdict = JunitVerdictOf(ToString(r->outcome));
      c.type = ToString(r->outcome);
      if (c.verdict == JunitVerdict::kFailure) {
        c.message = lines;
        c.text = body;
      } else if (c.verdict == JunitVerdict::kError) {
        c.message = r->message;
        if (!lines.empty()) c.text = body;
      } else if (c.verdict == JunitVerdict::kSkipped) {
        c.message = std::string(ToString(r->outcome)) + (r->message.empty() ? "" : ": " + r->message);
      } else if (r->outcome == Outcome::kChanged) {
        c.out = "changed: " + (lines.empty() ? r->note : lines);
      }
    }
  }
  return suites;
}

std::string RenderJunit(const RunReport& report) {
  std::string out(kJunitOpen);
  size_t id = 0;
  for (const auto& s : JunitSuites(report)) out += JunitSuiteXml(s, JunitLayout::kAggregate, id++);
  return out.append(kJunitClose);
}

}  // namespace plumb
