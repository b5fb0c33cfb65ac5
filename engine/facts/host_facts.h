#pragma once
/// What the platforms' fact collectors (engine/platform/<platform>) make of what they read, kept
/// here so that the rules are the same on every platform and tested with real inputs:
///   fqdn, domain               the node's DNS name and its domain ("" parts are not set)
///   memory_mb                  physical memory, MiB
///   cpus                       logical processors online
///   virtual, is_virtual        "physical", or the hypervisor or container the node runs in
///   network.<interface>.ipv4   the interface's IPv4 addresses, comma-separated, in the order
///   network.<interface>.ipv6   the system lists them; loopback interfaces and IPv6 link-local
///                              addresses are left out
/// Facts are scalars (facts.h), so lists are comma-separated as cluster.nodes is.

#include <string>
#include <string_view>
#include <vector>

#include "engine/facts/facts.h"

namespace plumb {

/// One address of one interface, as getifaddrs or GetAdaptersAddresses list it.
struct InterfaceAddress {
  std::string name;  ///< of the interface (Windows: its friendly name)
  std::string address;  ///< numeric, as inet_ntop writes it
  bool ipv6 = false;
  bool loopback = false;
};

/// network.<interface>.ipv4 / .ipv6 from the addresses.
void SetNetworkFacts(Facts& facts, const std::vector<InterfaceAddress>& addresses);

/// fqdn and domain: the host name when it holds a dot; else the name that /etc/hosts gives first
/// on the line that lists the host name, when it holds a dot; else the host name with the
/// `domain` (or the first `search`) of resolv.conf. No lookup over the network: facts are
/// collected on every run, and a slow resolver must not slow runs. Nothing is set when no domain
/// is known.
void SetDomainFacts(Facts& facts, std::string_view hostname, std::string_view etc_hosts, std::string_view resolv_conf);

/// The hypervisor a node's firmware names (Linux: /sys/class/dmi/id/sys_vendor and
/// product_name): "kvm", "qemu", "vmware", "hyperv", "xen", "virtualbox", "parallels", "bochs",
/// "amazon", "google", "openstack"; "" when the strings name none.
std::string HypervisorFromDmi(std::string_view vendor, std::string_view product);

/// The hypervisor of a CPUID vendor signature (leaf 0x40000000: "KVMKVMKVM", "Microsoft Hv",
/// "VMwareVMware", "XenVMMXenVMM", "VBoxVBoxVBox", "TCGTCGTCGTCG", " lrpepyh  vr"); "" otherwise.
std::string HypervisorFromCpuid(std::string_view signature);

/// virtual and is_virtual: a container wins over a hypervisor (a container in a VM is managed as
/// a container); a CPU that says it runs under a hypervisor none of the above names is
/// "virtual"; else "physical".
void SetVirtualFacts(Facts& facts, std::string_view container, std::string_view hypervisor, bool cpu_hypervisor_flag);

}  // namespace plumb
