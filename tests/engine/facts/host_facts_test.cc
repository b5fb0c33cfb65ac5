// The rules the platforms' fact collectors share (engine/facts/host_facts.h), with what real
// systems give them: /etc/hosts and resolv.conf as Debian's installer and DHCP write them, the
// DMI strings of common hypervisors' firmware, CPUID signatures.

#include "engine/facts/host_facts.h"

#include <gtest/gtest.h>

namespace plumb {
namespace {

std::string Dump(const Facts& f) { return f.ToToml(); }

TEST(HostFacts, AddressesPerInterfaceWithoutLoopbackOrLinkLocal) {
  Facts f;
  SetNetworkFacts(f, {{"lo", "127.0.0.1", false, true},
                      {"eth0", "10.0.0.5", false, false},
                      {"lo", "::1", true, true},
                      {"eth0", "fe80::5054:ff:fe12:3456", true, false},
                      {"eth0", "2001:db8::5", true, false},
                      {"eth0", "10.0.0.6", false, false},
                      {"vEthernet (External)", "192.168.1.20", false, false}});
  EXPECT_EQ(Dump(f),
            "[network.eth0]\n"
            "ipv4 = '10.0.0.5,10.0.0.6'\n"
            "ipv6 = '2001:db8::5'\n"
            "\n"
            "[network.\"vEthernet (External)\"]\n"
            "ipv4 = '192.168.1.20'\n");
  // What the TOML says reads back as the same facts (a facts file can be made from it).
  Facts back;
  ASSERT_TRUE(back.MergeToml(Dump(f), "facts.toml"));
  EXPECT_EQ(back.Get("network.vEthernet (External).ipv4"), "192.168.1.20");
}

TEST(HostFacts, TheDomainComesFromTheNameThenHostsThenResolvConf) {
  auto domain = [](std::string_view host, std::string_view hosts, std::string_view resolv) {
    Facts f;
    SetDomainFacts(f, host, hosts, resolv);
    return f.Get("fqdn") + "|" + f.Get("domain");
  };
  EXPECT_EQ(domain("web1.example.com", "", ""), "web1.example.com|example.com");
  // Debian's installer: "127.0.1.1 web1.example.com web1".
  EXPECT_EQ(domain("web1", "127.0.0.1\tlocalhost\n127.0.1.1\tweb1.example.com\tweb1\n\n# IPv6\n::1 localhost ip6-localhost\n",
                   "domain other.org\n"),
            "web1.example.com|example.com");
  EXPECT_EQ(domain("web1", "127.0.0.1 localhost\n", "# from DHCP\nsearch corp.example.net lab.example.net\nnameserver 10.0.0.2\n"),
            "web1.corp.example.net|corp.example.net");
  EXPECT_EQ(domain("web1", "", "search a.example\ndomain b.example.\n"), "web1.b.example|b.example");
  EXPECT_EQ(domain("web1", "10.0.0.5 web1 # no domain here\n", "nameserver 10.0.0.2\n"), "|");
  EXPECT_EQ(domain("", "127.0.1.1 x.example.com\n", "domain example.com\n"), "|");
}

TEST(HostFacts, HypervisorsFromFirmwareAndCpuid) {
  EXPECT_EQ(HypervisorFromDmi("QEMU", "Standard PC (i440FX + PIIX, 1996)"), "qemu");
  EXPECT_EQ(HypervisorFromDmi("Red Hat", "KVM"), "kvm");
  EXPECT_EQ(HypervisorFromDmi("VMware, Inc.", "VMware Virtual Platform"), "vmware");
  EXPECT_EQ(HypervisorFromDmi("Microsoft Corporation", "Virtual Machine"), "hyperv");
  EXPECT_EQ(HypervisorFromDmi("Microsoft Corporation", "Surface Laptop 5"), "");
  EXPECT_EQ(HypervisorFromDmi("innotek GmbH", "VirtualBox"), "virtualbox");
  EXPECT_EQ(HypervisorFromDmi("Oracle Corporation", "SUN FIRE X4170 M2 SERVER"), "");
  EXPECT_EQ(HypervisorFromDmi("Xen", "HVM domU"), "xen");
  EXPECT_EQ(HypervisorFromDmi("Amazon EC2", "m5.large"), "amazon");
  EXPECT_EQ(HypervisorFromDmi("Google", "Google Compute Engine"), "google");
  EXPECT_EQ(HypervisorFromDmi("Dell Inc.", "PowerEdge R740"), "");
  EXPECT_EQ(HypervisorFromCpuid("KVMKVMKVM\0\0\0"), "kvm");
  EXPECT_EQ(HypervisorFromCpuid("Microsoft Hv"), "hyperv");
  EXPECT_EQ(HypervisorFromCpuid("VMwareVMware"), "vmware");
  EXPECT_EQ(HypervisorFromCpuid("GenuineIntel"), "");
}

TEST(HostFacts, AContainerWinsOverItsHypervisor) {
  auto virt = [](std::string_view container, std::string_view hypervisor, bool flag) {
    Facts f;
    SetVirtualFacts(f, container, hypervisor, flag);
    return f.Get("virtual") + "|" + f.Get("is_virtual");
  };
  EXPECT_EQ(virt("docker", "kvm", true), "docker|true");
  EXPECT_EQ(virt("", "kvm", true), "kvm|true");
  EXPECT_EQ(virt("", "", true), "virtual|true");
  EXPECT_EQ(virt("", "", false), "physical|false");
}

}  // namespace
}  // namespace plumb
