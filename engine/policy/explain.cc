#include "engine/policy/explain.h"

#include "engine/util/strings.h"

namespace plumb {
namespace {

std::string At(const std::string& path, Position p) {
  return path + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

}  // namespace

const ResourceSpec* FindResourceById(const Repository& repo, const std::string& id, const Policy** policy,
                                 std::vector<std::string>& candidates) {
  for (const Policy& p : repo.policies)
    for (const ResourceSpec& r : p.resources) {
      std::string full = p.id + "/" + r.id;
      if (full == id) {
        *policy = &p;
        return &r;
      }
      candidates.push_back(std::move(full));
    }
  return nullptr;
}

std::string RenderExplanation(const Policy& policy, const ResourceSpec& resource, const Facts& facts,
                              const std::string& node, const std::vector<ResolvedProperty>& trace,
                              const std::vector<ResolvedVar>& vars) {
  std::string out = policy.id + "/" + resource.id + " (" + resource.type + ", " +
                    At(resource.where.path, {resource.where.line, resource.where.column}) + ") on " + node;
  SelectorResult applies = ResourceApplies(policy, resource, facts);
  if (!applies.matches) return out + ": not applicable: " + applies.reason + "\n";
  out += "\n";
  for (const Property& p : resource.properties) {
    const ResolvedProperty* resolved = nullptr;
    for (const ResolvedProperty& t : trace)
      if (t.policy == policy.id && t.resource == resource.id && t.property == p.name) resolved = &t;
    std::string value = resource.IsSensitive(p.name) || !p.secret.empty() ? "<redacted>" : DatumToml(ValueDatum(p.value));
    std::string from;
    if (resolved) {
      std::vector<std::string> origins;
      for (const ValueOrigin& o : resolved->origins)
        origins.push_back(o.placeholder.empty() ? o.from : "${" + o.placeholder + "} " + o.from);
      from = Join(origins, ", ");
    } else {
      from = (p.secret.empty() ? "written at " : "secret reference at ") + At(policy.path, p.at);
    }
    out += "  " + p.name + " = " + value + "  (" + from + ")\n";
  }
  // The variables the resource can name: its policy's, as this node sees them.
  std::string lines;
  for (const ResolvedVar& v : vars)
    if (v.policy == policy.id)
      lines += "  var " + v.name + " = " + (v.sensitive ? "<redacted>" : DatumToml(v.value)) + "  (" + v.from + ")\n";
  return out + lines;
}

}  // namespace plumb
