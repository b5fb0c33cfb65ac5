#pragma once
/// The real backends of this platform (Windows APIs, Linux's /proc/sys), implemented in resources/<platform>/ and picked by
/// CMake; null where the platform has none. The file system and processes are engine/os/system.h.

#include <memory>

#include "engine/os/system.h"
#include "resources/augeas.h"
#include "resources/sysctl.h"
#include "resources/systemd.h"
#include "resources/windows_cluster.h"
#include "resources/windows_event_log.h"
#include "resources/windows_feature.h"
#include "resources/windows_firewall.h"
#include "resources/windows_local_group.h"
#include "resources/windows_registry.h"
#include "resources/windows_service.h"

namespace plumb {

/// The Windows registry; null on systems without one.
std::unique_ptr<RegistryStore> MakeSystemRegistry();
/// The Windows service control manager; null on systems without one.
std::unique_ptr<ServiceManager> MakeSystemServices();
/// Failover clustering (ClusAPI); null on systems without it.
std::unique_ptr<ClusterApi> MakeSystemCluster();
/// The Windows event log; null on systems without one.
std::unique_ptr<EventLog> MakeSystemEventLog();
/// Windows features through DISM; null on systems without it.
std::unique_ptr<WindowsFeatures> MakeSystemFeatures();
/// Windows local groups (netapi32); null on systems without them.
std::unique_ptr<LocalGroups> MakeSystemLocalGroups();
/// Windows Firewall (INetFwPolicy2); null on systems without it.
std::unique_ptr<Firewall> MakeSystemFirewall();
/// The running kernel's parameters (/proc/sys); null on systems without sysctl.
std::unique_ptr<KernelParameters> MakeSystemKernelParameters();
/// systemd of the running system over D-Bus; null on systems without it.
std::unique_ptr<Systemd> MakeSystemSystemd();
/// Augeas (libaugeas, with the system's lenses); null on systems without it.
std::unique_ptr<Augeas> MakeSystemAugeas();

}  // namespace plumb
