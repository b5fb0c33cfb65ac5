#include "engine/facts/host_facts.h"

#include <map>
#include <utility>

#include "engine/util/strings.h"

namespace plumb {
namespace {

// The words of a line of /etc/hosts or resolv.conf, without its comment.
std::vector<std::string_view> Words(std::string_view line) { return SplitWords(line.substr(0, line.find('#'))); }

bool Contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

}  // namespace

void SetNetworkFacts(Facts& facts, const std::vector<InterfaceAddress>& addresses) {
  std::map<std::string, std::pair<std::string, std::string>> by_interface;  // ipv4, ipv6
  for (const InterfaceAddress& a : addresses) {
    if (a.loopback || a.name.empty() || a.address.empty()) continue;
    if (a.ipv6 && ToLower(a.address).starts_with("fe80:")) continue;
    std::string& list = a.ipv6 ? by_interface[a.name].second : by_interface[a.name].first;
    list += (list.empty() ? "" : ",") + a.address;
  }
  for (const auto& [name, lists] : by_interface) {
    if (!lists.first.empty()) facts.Set("network." + name + ".ipv4", lists.first);
    if (!lists.second.empty()) facts.Set("network." + name + ".ipv6", lists.second);
  }
}

void SetDomainFacts(Facts& facts, std::string_view hostname, std::string_view etc_hosts, std::string_view resolv_conf) {
  if (hostname.empty()) return;
  std::string fqdn;
  if (Contains(hostname, ".")) fqdn = std::string(hostname);
  for (std::string_view line : SplitLines(etc_hosts)) {
    auto w = Words(line);
    if (!fqdn.empty() || w.size() < 2) continue;
    for (size_t i = 1; i < w.size(); ++i)
      if (w[i] == hostname && Contains(w[1], ".")) fqdn = std::string(w[1]);
  }
  if (fqdn.empty()) {
    std::string domain, search;
    for (std::string_view line : SplitLines(resolv_conf)) {
      auto w = Words(line);
      if (w.size() < 2) continue;
      if (w[0] == "domain") domain = std::string(w[1]);
      if (w[0] == "search" && search.empty()) search = std::string(w[1]);
    }
    if (domain.empty()) domain = search;
    while (!domain.empty() && domain.back() == '.') domain.pop_back();
    if (!domain.empty()) fqdn = std::string(hostname) + "." + domain;
  }
  while (!fqdn.empty() && fqdn.back() == '.') fqdn.pop_back();
  size_t dot = fqdn.find('.');
  if (dot == std::string::npos || dot + 1 >= fqdn.size()) return;
  facts.Set("fqdn", fqdn);
  facts.Set("domain", fqdn.substr(dot + 1));
}

std::string HypervisorFromDmi(std::string_view vendor, std::string_view product) {
  std::string v = ToLower(std::string(Trim(vendor))), p = ToLower(std::string(Trim(product)));
  // The order of systemd's detect_vm_dmi_vendor: the first that matches.
  static const std::pair<const char*, const char*> kVendors[] = {
      {"kvm", "kvm"},          {"amazon ec2", "amazon"}, {"qemu", "qemu"},        {"vmware", "vmware"},
      {"vmw", "vmware"},       {"innotek gmbh", "virtualbox"}, {"oracle corporation", "virtualbox"},
      {"xen", "xen"},          {"bochs", "bochs"},       {"parallels", "parallels"}, {"bhyve", "bhyve"},
      {"openstack", "openstack"}, {"google", "google"}};
  for (const auto& [prefix, name] : kVendors)
    if (v.starts_with(prefix) || p.starts_with(prefix)) {
      // VirtualBox's firmware says "innotek GmbH"; Oracle's other products are not VMs.
      if (std::string_view(prefix) == "oracle corporation" && !Contains(p, "virtualbox")) continue;
      // Google's own cloud; other Google hardware is not a VM.
      if (std::string_view(prefix) == "google" && !Contains(p, "compute engine")) continue;
      return name;
    }
  if (v.starts_with("microsoft corporation") && Contains(p, "virtual machine")) return "hyperv";
  return "";
}

std::string HypervisorFromCpuid(std::string_view signature) {
  static const std::pair<const char*, const char*> kSignatures[] = {
      {"KVMKVMKVM", "kvm"},          {"Microsoft Hv", "hyperv"},  {"VMwareVMware", "vmware"},
      {"XenVMMXenVMM", "xen"},       {"VBoxVBoxVBox", "virtualbox"}, {"TCGTCGTCGTCG", "qemu"},
      {" lrpepyh  vr", "parallels"}, {"bhyve bhyve ", "bhyve"}};
  for (const auto& [prefix, name] : kSignatures)
    if (signature.starts_with(prefix)) return name;
  return "";
}


void SetVirtualFacts(Facts& facts, std::string_view container, std::string_view hypervisor, bool cpu_hypervisor_flag) {
  std::string what = !container.empty()         ? std::string(container)
                     : !hypervisor.empty()       ? std::string(hypervisor)
                     : cpu_hypervisor_flag       ? "virtual"
                                                 : "physical";
  facts.Set("virtual", what);
  facts.Set("is_virtual", what != "physical");
}

}  // namespace plumb
