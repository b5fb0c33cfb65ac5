#include "resources/windows_registry.h"

#include <cstdio>

#include "engine/util/strings.h"
#include "resources/registry.h"

namespace plumb {

const char* ToString(RegType t) {
  switch (t) {
    case RegType::kString: return "REG_SZ";
    case RegType::kExpandString: return "REG_EXPAND_SZ";
    case RegType::kMultiString: return "REG_MULTI_SZ";
    case RegType::kDword: return "REG_DWORD";
    case RegType::kQword: return "REG_QWORD";
    case RegType::kBinary: return "REG_BINARY";
  }
  return "REG_NONE";
}

std::string Describe(const RegValue& v) {
  std::string out = std::string(ToString(v.type)) + " ";
  switch (v.type) {
    case RegType::kString:
    case RegType::kExpandString: return out + Quote(v.text);
    case RegType::kMultiString: {
      std::vector<std::string> quoted;
      for (const auto& s : v.list) quoted.push_back(Quote(s));
      return out + "[" + Join(quoted, ", ") + "]";
    }
    case RegType::kDword:
    case RegType::kQword: {
      char buf[48];
      std::snprintf(buf, sizeof buf, "0x%llx (%llu)", static_cast<unsigned long long>(v.number),
                    static_cast<unsigned long long>(v.number));
      return out + buf;
    }
    case RegType::kBinary: {
      std::string hex;
      char buf[4];
      for (unsigned char c : v.bytes) {
        std::snprintf(buf, sizeof buf, "%02x", c);
        hex += buf;
      }
      return out + (hex.empty() ? "(empty)" : hex);
    }
  }
  return out;
}

std::string CheckRegistryKey(const std::string& key) {
  static const char* kRoots[] = {"HKLM\\", "HKEY_LOCAL_MACHINE\\", "HKU\\", "HKEY_USERS\\", "HKCU\\",
                                 "HKEY_CURRENT_USER\\", "HKCR\\", "HKEY_CLASSES_ROOT\\"};
  for (const char* root : kRoots)
    if (StartsWith(key, root) && key.size() > std::string(root).size()) return "";
  return "must be a registry key like 'HKLM\\SOFTWARE\\Vendor' (roots: HKLM, HKU, HKCU, HKCR), got " + Quote(key);
}

namespace {

constexpr std::pair<const char*, RegType> kTypes[] = {
    {"string", RegType::kString}, {"expand_string", RegType::kExpandString}, {"multi_string", RegType::kMultiString},
    {"dword", RegType::kDword},   {"qword", RegType::kQword},                {"binary", RegType::kBinary}};

std::optional<std::string> FromHex(const std::string& hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    auto nib = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
    int hi = nib(hex[i]), lo = nib(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

class RegistryResource : public Resource {
 public:
  RegistryResource(std::string key, std::string name, std::optional<RegValue> want, RegistryStore& store)
      : key_(std::move(key)), name_(std::move(name)), want_(std::move(want)), store_(store) {}

  Result<Observation> Test() override {
    auto have = store_.Get(key_, name_);
    if (!have) return have.error();
    Observation obs;
    if (!want_) {
      if (*have) obs.drift.push_back({"ensure", "absent", "present (" + Describe(**have) + ")"});
      return obs;
    }
    if (!*have) {
      obs.drift.push_back({"ensure", "present", "absent"});
    } else if (!(**have == *want_)) {
      obs.drift.push_back({"value", Describe(*want_), Describe(**have)});
    }
    return obs;
  }

  Status Set(const Observation&) override {
    return want_ ? store_.Set(key_, name_, *want_) : store_.Delete(key_, name_);
  }

 private:
  std::string key_;
  std::string name_;
  std::optional<RegValue> want_;
  RegistryStore& store_;
};

}  // namespace

TypeInfo WindowsRegistryType() {
  TypeSchema s;
  s.name = "windows.registry";
  s.description =
      "One registry value (64-bit view): present with a value_type and data, or absent. The data property matches "
      "the value_type: string for string / expand_string, strings for multi_string, number for dword / qword, hex for binary.";
  s.platforms = Platforms::kWindows;
  auto key_check = [](const Value& v) { return CheckRegistryKey(std::get<std::string>(v)); };
  auto hex_check = [](const Value& v) -> std::string {
    return FromHex(std::get<std::string>(v)) ? "" : "must be hex bytes like \"01ab\", got " + Quote(std::get<std::string>(v));
  };
  std::vector<std::string> type_names;
  for (const auto& [name, t] : kTypes) type_names.push_back(name);
  s.properties = {
      {"key", ValueKind::kString, Requirement::kRequired, "registry key, e.g. 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer'", {}, key_check},
      {"name", ValueKind::kString, Requirement::kRequired, "value name (\"\" for the key's default value)"},
      {"value_type", ValueKind::kString, Requirement::kOptional, "string, expand_string, multi_string, dword, qword or binary", type_names},
      {"string", ValueKind::kString, Requirement::kOptional, "data of a string / expand_string value"},
      {"strings", ValueKind::kStringList, Requirement::kOptional, "data of a multi_string value"},
      {"number", ValueKind::kInteger, Requirement::kOptional, "data of a dword / qword value"},
      {"hex", ValueKind::kString, Requirement::kOptional, "data of a binary value as hex", {}, hex_check},
      {"ensure", ValueKind::kString, Requirement::kOptional, "present (default) or absent", {"present", "absent"}},
  };
  s.cross_check = [](const std::vector<std::pair<std::string, Value>>& props) {
    std::vector<std::pair<std::string, std::string>> problems;
    std::string type;
    bool absent = false;
    std::vector<std::string> data;
    std::optional<int64_t> number;
    for (const auto& [name, v] : props) {
      if (name == "value_type") type = std::get<std::string>(v);
      if (name == "ensure") absent = std::get<std::string>(v) == "absent";
      if (name == "string" || name == "strings" || name == "number" || name == "hex") data.push_back(name);
      if (name == "number") number = std::get<int64_t>(v);
    }
    if (absent) {
      if (!type.empty() || !data.empty()) problems.emplace_back(type.empty() ? data[0] : "value_type", "a registry value with ensure = \"absent\" has no value_type or data");
      return problems;
    }
    if (type.empty()) {
      problems.emplace_back("key", "windows.registry needs 'value_type' (or ensure = \"absent\")");
      return problems;
    }
    std::string expected = type == "string" || type == "expand_string" ? "string"
                           : type == "multi_string"                     ? "strings"
                           : type == "binary"                           ? "hex"
                                                                        : "number";
    if (data.size() != 1 || data[0] != expected)
      problems.emplace_back("value_type", "a " + type + " value needs '" + expected + "' (and no other data property)");
    if (number && (*number < 0 || (type == "dword" && *number > 0xffffffffLL)))
      problems.emplace_back("number", type == "dword" ? "a dword is 0 to 4294967295" : "a qword is not negative");
    return problems;
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            if (!b.registry) return Error{ErrorKind::kUnavailable, "no registry backend on this system"};
            std::optional<RegValue> want;
            if (auto t = spec.Find("value_type")) {
              RegValue v;
              for (const auto& [name, rt] : kTypes)
                if (std::get<std::string>(t->value) == name) v.type = rt;
              if (auto p = spec.Find("string")) v.text = std::get<std::string>(p->value);
              if (auto p = spec.Find("strings")) v.list = std::get<StringList>(p->value);
              if (auto p = spec.Find("number")) v.number = static_cast<uint64_t>(std::get<int64_t>(p->value));
              if (auto p = spec.Find("hex")) v.bytes = *FromHex(std::get<std::string>(p->value));
              want = v;
            }
            return std::unique_ptr<Resource>(new RegistryResource(std::get<std::string>(spec.Find("key")->value),
                                                                  std::get<std::string>(spec.Find("name")->value),
                                                                  std::move(want), *b.registry));
          }};
}

}  // namespace plumb
