// The windows.firewall_rule resource: one named rule of Windows Firewall with Advanced Security,
// present with the given direction, action, protocol, ports, addresses, profiles and state, or
// absent. Lists are compared in the form Windows reports them, so a policy that writes
// "10.0.0.0/8" is not drifted against the "10.0.0.0/255.0.0.0" Windows gives back.

#include "resources/windows_firewall.h"

#include <algorithm>
#include <set>

#include "resources/properties.h"
#include "resources/registry.h"

namespace plumb {
namespace {

std::vector<std::string> Tokens(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string token(Trim(std::string_view(list).substr(start, comma - start)));
    if (!token.empty()) out.push_back(token);
    start = comma + 1;
  }
  return out;
}

std::string Canonical(std::vector<std::string> tokens) {
  if (tokens.empty() || std::find(tokens.begin(), tokens.end(), "*") != tokens.end()) return "*";
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  return Join(tokens, ",");
}

bool IsIpv4(std::string_view s) {
  int dots = 0, digits = 0;
  for (char c : s) {
    if (c == '.') {
      if (digits == 0) return false;
      ++dots;
      digits = 0;
    } else if (c >= '0' && c <= '9' && digits < 3) {
      ++digits;
    } else {
      return false;
    }
  }
  return dots == 3 && digits > 0;
}

std::string Mask(int bits) {
  uint32_t m = bits == 0 ? 0 : 0xffffffffu << (32 - bits);
  return std::to_string(m >> 24) + "." + std::to_string((m >> 16) & 255) + "." + std::to_string((m >> 8) & 255) + "." +
         std::to_string(m & 255);
}

std::string CanonicalAddress(std::string a) {
  size_t slash = a.find('/');
  std::string host = a.substr(0, slash);
  if (!IsIpv4(host)) return ToLower(a);  // keywords, IPv6, ranges: compared without case
  if (slash == std::string::npos) return host;
  std::string len = a.substr(slash + 1);
  if (!len.empty() && len.size() <= 2 && len.find_first_not_of("0123456789") == std::string::npos && std::stoi(len) <= 32)
    len = Mask(std::stoi(len));
  return len == "255.255.255.255" ? host : host + "/" + len;
}

}  // namespace

std::string CanonicalPorts(const std::string& ports) { return Canonical(Tokens(ports)); }

std::string CanonicalAddresses(const std::string& addresses) {
  std::vector<std::string> tokens;
  for (std::string& t : Tokens(addresses)) tokens.push_back(t == "*" ? t : CanonicalAddress(t));
  return Canonical(std::move(tokens));
}

Result<std::vector<FirewallRule>> FirewallRulesCache::Rules() {
  if (!rules_) {
    auto rules = inner_.Rules();
    if (!rules) return rules.error();
    rules_ = std::move(*rules);
  }
  return *rules_;
}

Status FirewallRulesCache::Put(const FirewallRule& rule) {
  rules_.reset();
  return inner_.Put(rule);
}

Status FirewallRulesCache::Remove(const std::string& name) {
  rules_.reset();
  return inner_.Remove(name);
}

namespace {

struct FirewallSettings {
  std::string name;
  Ensure ensure = Ensure::kPresent;
  std::string direction = "in";
  std::string action = "allow";
  std::string protocol = "any";
  std::optional<StringList> local_ports;
  std::optional<StringList> remote_addresses;
  std::optional<StringList> profiles;
  bool enabled = true;
};

constexpr std::pair<const char*, int> kProtocols[] = {{"any", 256}, {"tcp", 6}, {"udp", 17}, {"icmpv4", 1}, {"icmpv6", 58}};
constexpr std::pair<const char*, long> kProfiles[] = {{"domain", 1}, {"private", 2}, {"public", 4}};

std::string ProtocolName(int number) {
  for (const auto& [name, n] : kProtocols)
    if (n == number) return name;
  return std::to_string(number);
}

std::string ProfileNames(long bits) {
  std::vector<std::string> out;
  for (const auto& [name, bit] : kProfiles)
    if (bits & bit) out.push_back(name);
  return out.size() == 3 ? "all" : out.empty() ? "none" : Join(out, ",");
}

const PropertyTable<FirewallSettings>& FirewallProperties() {
  static const PropertyTable<FirewallSettings> table = [] {
    PropertyTable<FirewallSettings> t;
    t.Add(&FirewallSettings::name, {"name", {}, Requirement::kRequired, "the rule's name, which no other rule may have", {},
                                    [](const Value& v) { return std::get<std::string>(v).empty() ? std::string("must not be empty") : ""; }});
    t.AddEnsure(&FirewallSettings::ensure, "present (default) or absent");
    t.Add(&FirewallSettings::direction, {"direction", {}, Requirement::kOptional, "in (default) or out", {"in", "out"}});
    t.Add(&FirewallSettings::action, {"action", {}, Requirement::kOptional, "allow (default) or block", {"allow", "block"}});
    t.Add(&FirewallSettings::protocol,
          {"protocol", {}, Requirement::kOptional, "any (default), tcp, udp, icmpv4 or icmpv6", {"any", "tcp", "udp", "icmpv4", "icmpv6"}});
    t.Add(&FirewallSettings::local_ports,
          {"local_ports", {}, Requirement::kOptional, "ports or ranges (\"445\", \"5985-5986\"); tcp and udp only; default any", {},
           [](const Value& v) -> std::string {
             for (const std::string& p : std::get<StringList>(v))
               if (p.empty() || p.find_first_not_of("0123456789-") != std::string::npos)
                 return "must hold ports or ranges like \"445\" or \"5985-5986\", got '" + p + "'";
             return "";
           }});
    t.Add(&FirewallSettings::remote_addresses,
          {"remote_addresses", {}, Requirement::kOptional,
           "addresses, subnets (\"10.0.0.0/8\"), ranges or keywords (LocalSubnet); default any"});
    t.Add(&FirewallSettings::profiles,
          {"profiles", {}, Requirement::kOptional, "domain, private, public (default: all three)", {},
           [](const Value& v) -> std::string {
             for (const std::string& p : std::get<StringList>(v))
               if (p != "domain" && p != "private" && p != "public") return "must hold domain, private or public, got '" + p + "'";
             return "";
           }});
    t.Add(&FirewallSettings::enabled, {"enabled", {}, Requirement::kOptional, "whether the rule is in effect (default true)"});
    return t;
  }();
  return table;
}

FirewallRule WantedRule(const FirewallSettings& s) {
  FirewallRule r;
  r.name = s.name;
  r.inbound = s.direction == "in";
  r.allow = s.action == "allow";
  for (const auto& [name, n] : kProtocols)
    if (s.protocol == name) r.protocol = n;
  r.local_ports = s.local_ports ? Join(*s.local_ports, ",") : "*";
  r.remote_addresses = s.remote_addresses ? Join(*s.remote_addresses, ",") : "*";
  if (s.profiles) {
    r.profiles = 0;
    for (const std::string& p : *s.profiles)
      for (const auto& [name, bit] : kProfiles)
        if (p == name) r.profiles |= bit;
    if (r.profiles == 7) r.profiles = 0x7fffffff;
  }
  r.enabled = s.enabled;
  return r;
}

class FirewallResource : public Resource {
 public:
  FirewallResource(FirewallSettings s, Firewall& firewall) : s_(std::move(s)), want_(WantedRule(s_)), firewall_(firewall) {}

  Result<Observation> Test() override {
    auto rules = firewall_.Rules();
    if (!rules) return rules.error().Prefixed("Windows Firewall: ");
    std::vector<const FirewallRule*> named;
    for (const FirewallRule& r : *rules)
      if (EqualsIgnoringCase(r.name, s_.name)) named.push_back(&r);
    if (named.size() > 1)
      return Error{ErrorKind::kInvalidInput, std::to_string(named.size()) + " firewall rules are named '" + s_.name +
                                                 "'; plumb manages a rule by a name no other rule has, so rename or remove the others"};
    Observation obs;
    const auto& t = FirewallProperties();
    bool present = s_.ensure == Ensure::kPresent;
    if (named.empty() != !present) {
      obs.drift.push_back(t.Drift(&FirewallSettings::ensure, present ? "present" : "absent", present ? "absent" : "present"));
      return obs;
    }
    if (!present) return obs;
    const FirewallRule& have = *named[0];
    auto check = [&](auto member, const std::string& want, const std::string& actual) {
      if (want != actual) obs.drift.push_back(t.Drift(member, want, actual));
    };
    check(&FirewallSettings::direction, want_.inbound ? "in" : "out", have.inbound ? "in" : "out");
    check(&FirewallSettings::action, want_.allow ? "allow" : "block", have.allow ? "allow" : "block");
    check(&FirewallSettings::protocol, ProtocolName(want_.protocol), ProtocolName(have.protocol));
    check(&FirewallSettings::local_ports, CanonicalPorts(want_.local_ports), CanonicalPorts(have.local_ports));
    check(&FirewallSettings::remote_addresses, CanonicalAddresses(want_.remote_addresses), CanonicalAddresses(have.remote_addresses));
    long have_profiles = (have.profiles & 7) == 7 ? 0x7fffffff : have.profiles;
    check(&FirewallSettings::profiles, ProfileNames(want_.profiles), ProfileNames(have_profiles));
    check(&FirewallSettings::enabled, want_.enabled ? "true" : "false", have.enabled ? "true" : "false");
    return obs;
  }

  Status Set(const Observation&) override {
    Status st = s_.ensure == Ensure::kPresent ? firewall_.Put(want_) : firewall_.Remove(s_.name);
    if (!st) return st.error().Prefixed("firewall rule '" + s_.name + "': ");
    return OkStatus();
  }

 private:
  FirewallSettings s_;
  FirewallRule want_;
  Firewall& firewall_;
};

}  // namespace

TypeInfo WindowsFirewallRuleType() {
  TypeSchema s;
  s.name = "windows.firewall_rule";
  s.description =
      "One named Windows Firewall rule: direction, action, protocol, local ports, remote addresses, profiles and "
      "whether it is enabled, or absent (INetFwPolicy2 over COM; the rules are enumerated once per run). Ports and "
      "addresses compare in the form Windows reports them (10.0.0.0/8 is 10.0.0.0/255.0.0.0).";
  s.platforms = Platforms::kWindows;
  s.properties = FirewallProperties().Schema();
  s.cross_check = [](const std::vector<std::pair<std::string, Value>>& props) {
    std::vector<std::pair<std::string, std::string>> problems;
    std::string protocol = "any";
    bool ports = false, absent = false, other = false;
    for (const auto& [name, v] : props) {
      if (name == "protocol") protocol = std::get<std::string>(v);
      ports = ports || name == "local_ports";
      absent = absent || (name == "ensure" && std::get<std::string>(v) == "absent");
      other = other || (name != "name" && name != "ensure");
    }
    if (ports && protocol != "tcp" && protocol != "udp")
      problems.emplace_back("local_ports", "'local_ports' needs protocol = \"tcp\" or \"udp\"");
    if (absent && other) problems.emplace_back("ensure", "a rule with ensure = \"absent\" takes no other property than 'name'");
    return problems;
  };
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    const auto& name = std::get<std::string>(spec.Find("name")->value);
    return std::vector<Claim>{{"windows.firewall_rule\n" + ToLower(name), text == ClaimText::kKeys ? "" : "firewall rule '" + name + "'"}};
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            if (!b.firewall) return Error{ErrorKind::kUnsupported, "no Windows Firewall on this system"};
            return std::unique_ptr<Resource>(new FirewallResource(FirewallProperties().Read(spec), *b.firewall));
          }};
}

}  // namespace plumb
