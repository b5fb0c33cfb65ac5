#pragma once
/// The windows.firewall_rule resource and the Windows Firewall backend it acts through
/// (resources/win32/: INetFwPolicy2 over COM; none elsewhere).

#include <optional>
#include <string>
#include <vector>

#include "engine/util/result.h"

namespace plumb {

/// One rule, in the units INetFwRule speaks.
struct FirewallRule {
  std::string name;
  bool inbound = true;         ///< NET_FW_RULE_DIR_IN, else OUT
  bool allow = true;           ///< NET_FW_ACTION_ALLOW, else BLOCK
  int protocol = 256;          ///< IANA number; 256 is any
  std::string local_ports;     ///< "80,443,5985-5986"; "*" or "" is any
  std::string remote_addresses;  ///< "10.0.0.0/255.0.0.0,LocalSubnet"; "*" or "" is any
  long profiles = 0x7fffffff;  ///< NET_FW_PROFILE2_* bits; 0x7fffffff is all
  bool enabled = true;
};

/// The canonical form of a port list or an address list, for comparing what the policy says
/// with what Windows reports: tokens sorted, "*" and "" both "*", keywords in lower case, an
/// IPv4 prefix length written as the mask Windows reports ("10.0.0.0/8" is
/// "10.0.0.0/255.0.0.0"), and a single address without "/255.255.255.255".
std::string CanonicalPorts(const std::string& ports);
std::string CanonicalAddresses(const std::string& addresses);

class Firewall {
 public:
  virtual ~Firewall() = default;
  /// Every rule (one enumeration of INetFwPolicy2::Rules).
  virtual Result<std::vector<FirewallRule>> Rules() = 0;
  /// Makes the rule of `rule.name` exactly `rule`: changed in place, or added when there is none.
  virtual Status Put(const FirewallRule& rule) = 0;
  virtual Status Remove(const std::string& name) = 0;
  /// Drops what was read. Default: nothing kept.
  virtual void Forget() {}
};

/// The run's rules: one enumeration, kept until a change made through it or Forget.
class FirewallRulesCache : public Firewall {
 public:
  explicit FirewallRulesCache(Firewall& inner) : inner_(inner) {}
  Result<std::vector<FirewallRule>> Rules() override;
  Status Put(const FirewallRule& rule) override;
  Status Remove(const std::string& name) override;
  void Forget() override { rules_.reset(); }

 private:
  Firewall& inner_;
  std::optional<std::vector<FirewallRule>> rules_;
};

}  // namespace plumb
