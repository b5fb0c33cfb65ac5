#include "engine/policy/schema.h"

#include <cctype>

#include "engine/util/strings.h"

namespace plumb {

std::string PathIdentity(std::string_view path) {
  // Most policy paths are already normal POSIX paths: those are their own identity.
  if (!path.empty() && path[0] == '/' && path.find_first_of("\\") == std::string_view::npos &&
      path.find("//") == std::string_view::npos && path.find("/./") == std::string_view::npos &&
      path.find("/../") == std::string_view::npos && !path.ends_with("/.") && !path.ends_with("/..") &&
      (path.size() == 1 || path.back() != '/'))
    return std::string(path);
  bool windows = path.find('\\') != std::string_view::npos ||
                 (path.size() >= 2 && path[1] == ':' && std::isalpha(static_cast<unsigned char>(path[0])));
  char sep = windows ? '\\' : '/';
  std::string prefix;
  size_t start = 0;
  if (windows && path.size() >= 2 && path[1] == ':') {
    prefix = std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(path[0])))) + ":";
    start = 2;
  }
  bool absolute = start < path.size() && (path[start] == '/' || path[start] == '\\');
  std::vector<std::string> parts;
  while (start < path.size()) {
    size_t end = path.find_first_of("/\\", start);
    if (end == std::string_view::npos) end = path.size();
    std::string part(path.substr(start, end - start));
    if (windows)
      for (char& c : part) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") parts.pop_back();
      else if (!absolute) parts.push_back(part);
    } else if (!part.empty() && part != ".") {
      parts.push_back(std::move(part));
    }
    start = end + 1;
  }
  std::string out = prefix + (absolute ? std::string(1, sep) : "");
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(1, sep) : "") + parts[i];
  return out;
}

std::string CheckValue(const PropertySchema& ps, const Value& value, std::string_view shown) {
  if (!ps.allowed.empty() && ps.kind == ValueKind::kString) {
    const auto& s = std::get<std::string>(value);
    for (const auto& a : ps.allowed)
      if (a == s) return ps.check ? ps.check(value) : "";
    std::vector<std::string> quoted;
    for (const auto& a : ps.allowed) quoted.push_back("'" + a + "'");
    return "must be one of " + Join(quoted, ", ") + "; got " + Quote(shown) + DidYouMean(shown, ps.allowed);
  }
  return ps.check ? ps.check(value) : "";
}

const PropertySchema* TypeSchema::Find(std::string_view property) const {
  for (const auto& p : properties)
    if (p.name == property) return &p;
  return nullptr;
}

std::vector<std::string> TypeSchema::PropertyNames() const {
  std::vector<std::string> names;
  for (const auto& p : properties) names.push_back(p.name);
  return names;
}

}  // namespace plumb
