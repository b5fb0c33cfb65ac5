#pragma once
/// The running kernel's parameters, for the sysctl type: /proc/sys on Linux (resources/linux/),
/// none elsewhere and never under --root (an image has no running kernel).

#include <string>
#include <string_view>

#include "engine/util/result.h"

namespace plumb {

class KernelParameters {
 public:
  virtual ~KernelParameters() = default;
  /// The value as the kernel prints it, without its final newline. kNotFound when the kernel has
  /// no such parameter. `key` passed CheckSysctlKey.
  virtual Result<std::string> Read(const std::string& key) = 0;
  virtual Status Write(const std::string& key, const std::string& value) = 0;
};

/// Whether the kernel's value `a` is the policy's `b`: the same words, however many blanks are
/// between them ("4096 87380 6291456" is what /proc prints as "4096\t87380\t6291456").
bool SameSysctlValue(std::string_view a, std::string_view b);

/// Property check: "" for a parameter name ("net.ipv4.ip_forward", "net/ipv4/conf/eth0.1/rp_filter"),
/// else the message tail. No empty, "." or ".." component can lead out of /proc/sys.
std::string CheckSysctlKey(std::string_view key);

}  // namespace plumb
