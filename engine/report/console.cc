#include <algorithm>

#include "engine/report/formats.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

// Console excerpts stay short; the JSON report has the whole diff excerpt.
constexpr size_t kConsoleDiffLines = 12;

const char* Label(const ResourceResult& r, RunKind kind) {
  if (r.outcome == Outcome::kDrifted && kind == RunKind::kDryRun && r.note == kWouldChangeNote) return "would change";
  switch (r.outcome) {
    case Outcome::kPendingReboot: return "pending reboot";
    case Outcome::kNotApplicable: return "not applicable";
    default: return ToString(r.outcome);
  }
}

}  // namespace

std::string SummaryLine(const RunReport& report) {
  std::string verb = report.kind == RunKind::kDryRun ? "apply --dry-run" : ToString(report.kind);
  auto counts = report.Counts();
  std::vector<std::string> parts;
  size_t would_change = 0;
  if (report.kind == RunKind::kDryRun)
    for (const auto& r : report.resources) would_change += r.outcome == Outcome::kDrifted && r.note == kWouldChangeNote;
  for (Outcome o : kAllOutcomes) {
    size_t n = counts[o];
    if (o == Outcome::kDrifted) n -= would_change;
    if (n == 0) continue;
    std::string name = ToString(o);
    std::replace(name.begin(), name.end(), '_', ' ');
    parts.push_back(std::to_string(n) + " " + name);
  }
  if (would_change) parts.push_back(std::to_string(would_change) + " would change");
  std::string line = "plumb " + verb + ": " + std::to_string(report.resources.size()) + " resource" +
                     (report.resources.size() == 1 ? "" : "s");
  if (!parts.empty()) line += ": " + Join(parts, ", ");
  line += " (" + FormatSeconds(report.duration_s) + ")";
  if (report.interruption == Interruption::kInterrupted) line += "; interrupted";
  return line;
}

std::string RenderConsole(const RunReport& report, ConsoleDetail detail) {
  std::vector<const ResourceResult*> rows;
  for (const auto& r : report.resources) {
    bool interesting = r.outcome != Outcome::kCompliant && r.outcome != Outcome::kNotApplicable;
    if (interesting || detail == ConsoleDetail::kAll) rows.push_back(&r);
  }
  size_t label_width = 0, id_width = 0;
  for (const auto* r : rows) {
    label_width = std::max(label_width, std::string(Label(*r, report.kind)).size());
    id_width = std::max(id_width, r->QualifiedId().size());
  }
  std::string out;
  for (const auto* r : rows) {
    std::vector<std::string> details;
    for (const auto& d : r->drift) details.push_back(DescribeDrift(d));
    if (!r->message.empty()) details.push_back(r->message);
    if (r->outcome == Outcome::kChanged && r->drift.empty() && !r->note.empty()) details.push_back(r->note);
    if (details.empty() && !r->note.empty()) details.push_back(r->note);
    std::string label = Label(*r, report.kind);
    std::string id = r->QualifiedId();
    std::string head = label + std::string(label_width - label.size() + 2, ' ') + id +
                       std::string(id_width - id.size() + 2, ' ');
    std::string indent(head.size(), ' ');
    if (details.empty()) details.push_back("");
    for (size_t i = 0; i < details.size(); ++i) {
      std::string line = (i == 0 ? head : indent) + details[i];
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    if (!r->diff.empty() && r->outcome != Outcome::kCompliant) {
      auto lines = SplitLines(r->diff);
      size_t shown = std::min(lines.size(), kConsoleDiffLines);
      for (size_t i = 0; i < shown; ++i) out += indent + std::string(lines[i]) + "\n";
      if (shown < lines.size()) out += indent + "... (" + std::to_string(lines.size() - shown) + " more lines in the JSON report)\n";
    }
  }
  return out + SummaryLine(report) + "\n";
}

}  // namespace plumb
