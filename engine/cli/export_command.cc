// export: from a node that is already right to a policy. Each type's exporter reads one object;
// this file writes them as one TOML policy (and the files their `source` names beside it).

#include <cstdio>
#include <filesystem>
#include <set>

#include "engine/cli/session.h"
#include "engine/util/strings.h"
#include "engine/util/toml_write.h"

namespace plumb {
namespace {

std::string TomlValue(const Value& v) {
  if (auto* s = std::get_if<std::string>(&v)) return TomlString(*s);
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto* list = std::get_if<StringList>(&v)) {
    std::vector<std::string> items;
    for (const auto& item : *list) items.push_back(TomlString(item));
    return "[" + Join(items, ", ") + "]";
  }
  std::vector<std::string> items;
  for (const auto& [k, val] : std::get<StringMap>(v)) items.push_back(TomlKey(k) + " = " + TomlString(val));
  return "{ " + Join(items, ", ") + " }";
}

// A resource id from what was exported: "/etc/ssh/sshd_config" -> "etc-ssh-sshd_config".
std::string IdOf(const std::string& name, std::set<std::string>& taken) {
  std::string id;
  for (char c : name) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (keep) id += c;
    else if (!id.empty() && id.back() != '-') id += '-';
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  if (id.empty()) id = "object";
  std::string unique = id;
  for (int n = 2; !taken.insert(unique).second; ++n) unique = id + "-" + std::to_string(n);
  return unique;
}

std::vector<std::string> Exportable(const TypeRegistry& types) {
  std::vector<std::string> names;
  for (const std::string& t : types.TypeNames())
    if (types.Find(t)->exporter) names.push_back(t);
  return names;
}

}  // namespace

int ExportCommand(Session& s, const std::vector<std::string>& names) {
  const std::string& type = s.opt().type;
  const TypeInfo* info = s.types().Find(type);
  if (!info || !info->exporter) {
    std::string what = info ? "type " + Quote(type) + " cannot be exported" : "unknown type " + Quote(type);
    if (auto closest = info ? std::nullopt : Suggest(type, Exportable(s.types()))) what += " (did you mean " + Quote(*closest) + "?)";
    std::fprintf(stderr, "plumb: error: %s; these can be exported: %s\n", what.c_str(), Join(Exportable(s.types()), ", ").c_str());
    return ToInt(ExitCode::kUsage);
  }
  Backends& backends = s.MakeBackends();
  std::set<std::string> ids, policy_id;
  std::string text = "[policy]\nid = " + TomlString("exported-" + IdOf(type, policy_id)) +
                     "\ntitle = " + TomlString("Exported by plumb export " + type) + "\n";
  std::vector<std::pair<std::string, std::string>> files;
  bool failed = false;
  size_t count = 0;
  for (const std::string& name : names) {
    auto exported = info->exporter(name, backends);
    if (!exported) {
      std::fprintf(stderr, "plumb: error: cannot export %s %s: %s\n", type.c_str(), Quote(name).c_str(),
                   exported.error().message.c_str());
      failed = true;
      continue;
    }
    for (Exported& resource : *exported) {
      text += "\n[[resource]]\nid = " + TomlString(IdOf(resource.id.empty() ? name : resource.id, ids)) +
              "\ntype = " + TomlString(type) + "\n";
      for (const auto& [key, value] : resource.properties) text += key + " = " + TomlValue(value) + "\n";
      for (auto& f : resource.files) files.push_back(std::move(f));
      ++count;
    }
  }
  if (failed) return ToInt(ExitCode::kFailed);
  if (s.opt().output.empty()) {
    if (!files.empty()) {
      std::fprintf(stderr, "plumb: error: the export has files to write beside the policy; name the policy file with -o\n");
      return ToInt(ExitCode::kUsage);
    }
    std::fputs(text.c_str(), stdout);
    return ToInt(ExitCode::kCompliant);
  }
  namespace fs = std::filesystem;
  fs::path out = fs::absolute(s.opt().output);
  for (const auto& [rel, bytes] : files) {
    fs::path path = out.parent_path() / rel;
    if (auto st = s.fs().MakeDirectories(path.parent_path().string(), {}); !st) {
      std::fprintf(stderr, "plumb: error: %s\n", st.error().message.c_str());
      return ToInt(ExitCode::kFailed);
    }
    if (auto st = s.fs().WriteOutput(path.string(), bytes); !st) {
      std::fprintf(stderr, "plumb: error: %s\n", st.error().message.c_str());
      return ToInt(ExitCode::kFailed);
    }
  }
  if (auto st = s.fs().MakeDirectories(out.parent_path().string(), {}); !st) {
    std::fprintf(stderr, "plumb: error: %s\n", st.error().message.c_str());
    return ToInt(ExitCode::kFailed);
  }
  if (auto st = s.fs().WriteOutput(out.string(), text); !st) {
    std::fprintf(stderr, "plumb: error: %s\n", st.error().message.c_str());
    return ToInt(ExitCode::kFailed);
  }
  std::printf("plumb export: %zu %s written to %s\n", count, count == 1 ? "resource" : "resources",
              s.opt().output.c_str());
  return ToInt(ExitCode::kCompliant);
}

}  // namespace plumb
