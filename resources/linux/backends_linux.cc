// Linux has none of the Windows backends: the windows.* types say "not supported on linux".

#include "resources/system_backends.h"

namespace plumb {

std::unique_ptr<RegistryStore> MakeSystemRegistry() { return nullptr; }    // Linux has no registry
std::unique_ptr<ServiceManager> MakeSystemServices() { return nullptr; }  // nor a service control manager
std::unique_ptr<ClusterApi> MakeSystemCluster() { return nullptr; }        // nor ClusAPI
std::unique_ptr<EventLog> MakeSystemEventLog() { return nullptr; }         // nor an event log
std::unique_ptr<WindowsFeatures> MakeSystemFeatures() { return nullptr; }  // nor DISM
std::unique_ptr<LocalGroups> MakeSystemLocalGroups() { return nullptr; }   // nor Windows local groups
std::unique_ptr<Firewall> MakeSystemFirewall() { return nullptr; }         // nor Windows Firewall

}  // namespace plumb
