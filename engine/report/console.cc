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
  for (const auto& p : report.part_policies) verb += " --policy " + p;
  for (const auto& t : report.part_tags) verb += " --tags " + t;
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

std::string RebootLine(const RunReport& report) {
  const RebootSummary& rb = report.reboot;
  auto describe = [](const std::vector<const RebootNeed*>& needs) {
    std::vector<std::string> parts;
    for (const auto* n : needs) parts.push_back(n->resource == "os" ? n->cause : n->resource + " (" + n->cause + ")");
    return Join(parts, ", ");
  };
  // "1 resource waits for it (p/r)": names the waiting resources, up to five.
  auto waiting = [](const std::vector<const RebootNeed*>& needs, const char* one, const char* many) {
    std::vector<std::string> names;
    for (const auto* need : needs) names.insert(names.end(), need->behind.begin(), need->behind.end());
    std::string out = std::to_string(names.size()) + (names.size() == 1 ? one : many) + " for it";
    if (names.empty()) return out;
    size_t more = names.size() > 5 ? names.size() - 5 : 0;
    names.resize(names.size() - more);
    return out + " (" + Join(names, ", ") + (more ? " and " + std::to_string(more) + " more" : "") + ")";
  };
  std::vector<const RebootNeed*> required, would, not_cleared;
  for (const auto& n : rb.needs) {
    if (n.state == NeedState::kArmed || n.state == NeedState::kPending) required.push_back(&n);
    if (n.state == NeedState::kWouldArm) would.push_back(&n);
    if (n.state == NeedState::kNotCleared) not_cleared.push_back(&n);
  }
  std::vector<std::string> parts;
  if (!required.empty()) {
    std::string part = "required by " + describe(required) + "; " +
                       waiting(required, " resource waits", " resources wait") + "; ";
    switch (rb.state) {
      case RebootState::kScheduled: part += "scheduled for " + rb.scheduled_local + " (" + rb.reason + ")"; break;
      case RebootState::kPostponed: part += "postponed to " + rb.scheduled_local + " (" + rb.reason + ")"; break;
      case RebootState::kRebooting: part += "rebooting"; break;
      case RebootState::kCancelled: part += "not scheduled: " + rb.reason; break;
      case RebootState::kNotAllowed: part += "not scheduled: " + rb.reason; break;
      case RebootState::kInImage: part += "needed in the image: " + rb.reason; break;
      case RebootState::kNone: part += "not scheduled (plumb apply schedules it)"; break;
    }
    parts.push_back(part);
  }
  if (!would.empty()) {
    parts.push_back("would be required by " + describe(would) + "; " +
                    waiting(would, " resource would wait", " resources would wait"));
  }
  if (!not_cleared.empty())
    parts.push_back("did not clear " + describe(not_cleared) + "; plumb will not reboot again for it");
  if (parts.empty() && !rb.os_pending.empty()) parts.push_back("pending in the OS (" + Join(rb.os_pending, ", ") + ")");
  return parts.empty() ? "" : "reboot: " + Join(parts, "; ");
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
  std::string reboot = RebootLine(report);
  for (const auto& w : report.warnings) out += "warning: " + w + "\n";
  // What commands printed is shown, never acted on by the terminal.
  return Printable(out + SummaryLine(report) + "\n" + (reboot.empty() ? "" : reboot + "\n"), "\t\n");
}

}  // namespace plumb
