#include "resources/windows_registry.h"

#include <cstdint>
#include <cstdio>

#include "engine/util/strings.h"
#include "resources/properties.h"
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

namespace {

std::string ToHex(std::string_view bytes) {
  std::string hex;
  char buf[4];
  for (unsigned char c : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    hex += buf;
  }
  return hex;
}

}  // namespace

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
    case RegType::kBinary: return out + (v.bytes.empty() ? "(empty)" : ToHex(v.bytes));
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

struct RegistrySettings {
  std::string key;
  std::string name;
  std::optional<RegType> type;  ///< unset with ensure = "absent"
  std::string string;
  StringList strings;
  int64_t number = 0;
  std::string hex;
  Ensure ensure = Ensure::kPresent;
};

const PropertyTable<RegistrySettings>& RegistryProperties() {
  static const PropertyTable<RegistrySettings> table = [] {
    auto key_check = [](const Value& v) { return CheckRegistryKey(std::get<std::string>(v)); };
    auto hex_check = [](const Value& v) -> std::string {
      return FromHex(std::get<std::string>(v)) ? "" : "must be hex bytes like \"01ab\", got " + Quote(std::get<std::string>(v));
    };
    std::vector<std::pair<std::string, std::optional<RegType>>> types;
    for (const auto& [name, t] : kTypes) types.emplace_back(name, t);
    PropertyTable<RegistrySettings> t;
    t.Add(&RegistrySettings::key, {"key", {}, Requirement::kRequired,
                                   "registry key, e.g. 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer'", {}, key_check});
    t.Add(&RegistrySettings::name, {"name", {}, Requirement::kRequired, "value name (\"\" for the key's default value)"});
    t.AddEnum(&RegistrySettings::type,
              {"value_type", {}, Requirement::kOptional, "string, expand_string, multi_string, dword, qword or binary"},
              types);
    t.Add(&RegistrySettings::string, {"string", {}, Requirement::kOptional, "data of a string / expand_string value"});
    // An empty string ends a REG_MULTI_SZ, so one inside the list could never be read back.
    auto no_empty = [](const Value& v) -> std::string {
      for (const auto& s : std::get<StringList>(v))
        if (s.empty())
          return "has an empty string, which a multi_string value cannot hold (Windows reads an empty string as the end "
                 "of the list, so the value would never match); remove it";
      return "";
    };
    t.Add(&RegistrySettings::strings, {"strings", {}, Requirement::kOptional, "data of a multi_string value", {}, no_empty});
    t.Add(&RegistrySettings::number, {"number", {}, Requirement::kOptional, "data of a dword / qword value"});
    t.Add(&RegistrySettings::hex, {"hex", {}, Requirement::kOptional, "data of a binary value as hex", {}, hex_check});
    t.AddEnsure(&RegistrySettings::ensure, "present (default) or absent");
    return t;
  }();
  return table;
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
      if (*have) obs.drift.push_back(RegistryProperties().Drift(&RegistrySettings::ensure, "absent", "present (" + Describe(**have) + ")"));
      return obs;
    }
    if (!*have) {
      obs.drift.push_back(RegistryProperties().Drift(&RegistrySettings::ensure, "present", "absent"));
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
  s.properties = RegistryProperties().Schema();
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    RegistrySettings r = RegistryProperties().Read(spec);
    // Names are case-insensitive and the long root names are the short ones.
    std::string key = ToLower(r.key);
    for (auto [long_name, short_name] : {std::pair{"hkey_local_machine\\", "hklm\\"}, {"hkey_users\\", "hku\\"},
                                         {"hkey_current_user\\", "hkcu\\"}, {"hkey_classes_root\\", "hkcr\\"}})
      if (StartsWith(key, long_name)) key = short_name + key.substr(std::string(long_name).size());
    while (!key.empty() && key.back() == '\\') key.pop_back();
    std::string what = text == ClaimText::kKeys ? "" : "registry value '" + r.key + "\\" + r.name + "'";
    return std::vector<Claim>{{"registry\n" + key + "\n" + ToLower(r.name), std::move(what)}};
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
  TypeInfo info{std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            if (!b.registry) return Error{ErrorKind::kUnavailable, "no registry backend on this system"};
            RegistrySettings settings = RegistryProperties().Read(spec);
            std::optional<RegValue> want;
            if (settings.type) {
              RegValue v;
              v.type = *settings.type;
              v.text = settings.string;
              v.list = settings.strings;
              v.number = static_cast<uint64_t>(settings.number);
              if (!settings.hex.empty()) v.bytes = *FromHex(settings.hex);
              want = v;
            }
            return std::unique_ptr<Resource>(
                new RegistryResource(std::move(settings.key), std::move(settings.name), std::move(want), *b.registry));
          }};
  // A key exports as one resource per value; subkeys are not followed.
  info.exporter = [](const std::string& name, Backends& b) -> Result<std::vector<Exported>> {
    std::string key = name;
    while (key.size() > 1 && key.back() == '\\') key.pop_back();
    if (std::string bad = CheckRegistryKey(key); !bad.empty()) return Error{ErrorKind::kInvalidInput, "it " + bad};
    if (!b.registry) return Error{ErrorKind::kUnavailable, "no registry backend on this system"};
    auto names = b.registry->ValueNames(key);
    if (!names) return names.error();
    if (names->empty()) return Error{ErrorKind::kNotFound, "the key has no values (plumb manages values, not keys)"};
    std::string leaf = key.substr(key.rfind('\\') + 1);
    std::vector<Exported> out;
    for (const std::string& value_name : *names) {
      auto value = b.registry->Get(key, value_name);
      if (!value) return value.error();
      if (!*value) continue;  // deleted while being listed
      const RegValue& v = **value;
      Exported e{{{"key", key}, {"name", value_name}}, {}, leaf + "-" + (value_name.empty() ? "default" : value_name)};
      for (const auto& [type_name, type] : kTypes)
        if (type == v.type) e.properties.push_back({"value_type", std::string(type_name)});
      switch (v.type) {
        case RegType::kString:
        case RegType::kExpandString: e.properties.push_back({"string", v.text}); break;
        case RegType::kMultiString: e.properties.push_back({"strings", v.list}); break;
        case RegType::kDword:
        case RegType::kQword:
          if (v.number > static_cast<uint64_t>(INT64_MAX))
            return Error{ErrorKind::kUnsupported, "value " + Quote(value_name) + " is a qword above 9223372036854775807, "
                                                  "which a TOML integer cannot hold"};
          e.properties.push_back({"number", static_cast<int64_t>(v.number)});
          break;
        case RegType::kBinary: e.properties.push_back({"hex", ToHex(v.bytes)}); break;
      }
      out.push_back(std::move(e));
    }
    return out;
  };
  return info;
}

}  // namespace plumb
