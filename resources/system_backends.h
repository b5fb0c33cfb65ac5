#pragma once
/// The real backends of this platform, implemented in resources/<platform>/ and picked by CMake.

#include <memory>

#include "resources/filesystem.h"
#include "resources/process.h"
#include "resources/windows_cluster.h"
#include "resources/windows_event_log.h"
#include "resources/windows_registry.h"
#include "resources/windows_service.h"

namespace plumb {

std::unique_ptr<FileSystem> MakeSystemFileSystem();
std::unique_ptr<AccountDb> MakeSystemAccountDb();
std::unique_ptr<ProcessRunner> MakeSystemProcessRunner();
/// The Windows registry; null on systems without one.
std::unique_ptr<RegistryStore> MakeSystemRegistry();
/// The Windows service control manager; null on systems without one.
std::unique_ptr<ServiceManager> MakeSystemServices();
/// Failover clustering (ClusAPI); null on systems without it.
std::unique_ptr<ClusterApi> MakeSystemCluster();
/// The Windows event log; null on systems without one.
std::unique_ptr<EventLog> MakeSystemEventLog();

}  // namespace plumb
