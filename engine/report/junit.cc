#include <cstdio>
#include <map>
#include <tinyxml2.h>

#include "engine/report/formats.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

struct Tally {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  double time = 0;
};

void Count(Tally& t, const ResourceResult& r) {
  ++t.tests;
  t.time += r.duration_s;
  JunitVerdict v = JunitVerdictOf(ToString(r.outcome));
  t.failures += v == JunitVerdict::kFailure;
  t.errors += v == JunitVerdict::kError;
  t.skipped += v == JunitVerdict::kSkipped;
}

void SetTally(tinyxml2::XMLElement* e, const Tally& t) {
  e->SetAttribute("tests", static_cast<int64_t>(t.tests));
  e->SetAttribute("failures", static_cast<int64_t>(t.failures));
  e->SetAttribute("errors", static_cast<int64_t>(t.errors));
  e->SetAttribute("skipped", static_cast<int64_t>(t.skipped));
  e->SetAttribute("time", Seconds(t.time).c_str());
}

}  // namespace

JunitVerdict JunitVerdictOf(std::string_view outcome) {
  if (outcome == "drifted") return JunitVerdict::kFailure;
  if (outcome == "failed" || outcome == "skipped") return JunitVerdict::kError;
  if (outcome == "pending_reboot" || outcome == "not_applicable" || outcome == "assumed") return JunitVerdict::kSkipped;
  return JunitVerdict::kPass;
}

std::string RenderJunit(const RunReport& report) {
  tinyxml2::XMLDocument doc;
  doc.InsertEndChild(doc.NewDeclaration());
  auto* suites = doc.NewElement("testsuites");
  doc.InsertEndChild(suites);
  suites->SetAttribute("name", (std::string("plumb ") + ToString(report.kind)).c_str());

  // Suites in policy order; resources within a suite in execution order.
  std::map<std::string, std::vector<const ResourceResult*>> by_policy;
  for (const auto& r : report.resources) by_policy[r.policy].push_back(&r);
  Tally total;
  for (const auto& p : report.policies) {
    auto it = by_policy.find(p.id);
    if (it == by_policy.end()) continue;
    auto* suite = suites->InsertNewChildElement("testsuite");
    suite->SetAttribute("name", p.id.c_str());
    suite->SetAttribute("timestamp", report.started_at.c_str());
    suite->SetAttribute("hostname", report.facts.Get("hostname").c_str());
    Tally t;
    for (const auto* r : it->second) Count(t, *r);
    SetTally(suite, t);
    auto* props = suite->InsertNewChildElement("properties");
    auto prop = [&](const char* name, const std::string& value) {
      auto* e = props->InsertNewChildElement("property");
      e->SetAttribute("name", name);
      e->SetAttribute("value", value.c_str());
    };
    prop("title", p.title);
    prop("severity", ToString(p.severity));
    prop("path", p.path);
    if (!report.revision.commit.empty()) prop("revision", report.revision.commit);
    for (const auto* r : it->second) {
      auto* tc = suite->InsertNewChildElement("testcase");
      tc->SetAttribute("name", r->id.c_str());
      tc->SetAttribute("classname", p.id.c_str());
      tc->SetAttribute("time", Seconds(r->duration_s).c_str());
      std::string lines;
      for (const auto& d : r->drift) lines += (lines.empty() ? "" : "; ") + DescribeDrift(d);
      std::string body = lines + (r->diff.empty() ? "" : "\n" + r->diff);
      JunitVerdict verdict = JunitVerdictOf(ToString(r->outcome));
      if (verdict == JunitVerdict::kFailure) {
        auto* f = tc->InsertNewChildElement("failure");
        f->SetAttribute("type", "drifted");
        f->SetAttribute("message", lines.c_str());
        f->SetText(body.c_str());
      } else if (verdict == JunitVerdict::kError) {
        auto* e = tc->InsertNewChildElement("error");
        e->SetAttribute("type", ToString(r->outcome));
        e->SetAttribute("message", r->message.c_str());
        if (!lines.empty()) e->SetText(body.c_str());
      } else if (verdict == JunitVerdict::kSkipped) {
        auto* s = tc->InsertNewChildElement("skipped");
        s->SetAttribute("message", (std::string(ToString(r->outcome)) + (r->message.empty() ? "" : ": " + r->message)).c_str());
      } else if (r->outcome == Outcome::kChanged) {
        auto* out = tc->InsertNewChildElement("system-out");
        out->SetText(("changed: " + (lines.empty() ? r->note : lines)).c_str());
      }
    }
    total.tests += t.tests;
    total.failures += t.failures;
    total.errors += t.errors;
    total.skipped += t.skipped;
    total.time += t.time;
  }
  SetTally(suites, total);
  tinyxml2::XMLPrinter printer;
  doc.Print(&printer);
  // XML 1.0 cannot hold most control characters even as references (exec output has them).
  return Printable(printer.CStr(), "\t\n\r");
}

}  // namespace plumb
