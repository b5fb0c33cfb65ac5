#pragma once
/// The windows.registry resource and the registry backend it acts through. Keys are written
/// "HKLM\\SOFTWARE\\Vendor" (HKLM, HKU, HKCU, HKCR or their long names); values are read and
/// written in the 64-bit view. Invariant: a RegValue's payload is the member its type names.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/result.h"

namespace plumb {

enum class RegType { kString, kExpandString, kMultiString, kDword, kQword, kBinary };
const char* ToString(RegType t);  ///< "REG_SZ", "REG_DWORD", ...

struct RegValue {
  RegType type = RegType::kString;
  std::string text;                 ///< kString, kExpandString
  std::vector<std::string> list;    ///< kMultiString
  uint64_t number = 0;              ///< kDword, kQword
  std::string bytes;                ///< kBinary
  bool operator==(const RegValue&) const = default;
};

/// "REG_DWORD 0x10 (16)", "REG_MULTI_SZ ['a', 'b']", "REG_BINARY 01ab": how drift shows a value.
std::string Describe(const RegValue& v);

class RegistryStore {
 public:
  virtual ~RegistryStore() = default;
  /// The value, nullopt when it (or its key) does not exist.
  virtual Result<std::optional<RegValue>> Get(const std::string& key, const std::string& name) = 0;
  /// Creates the key as needed.
  virtual Status Set(const std::string& key, const std::string& name, const RegValue& value) = 0;
  /// Removing what does not exist is not an error.
  virtual Status Delete(const std::string& key, const std::string& name) = 0;
  /// The names of the key's values ("" for its default value), in the registry's order; kNotFound
  /// when the key does not exist.
  virtual Result<std::vector<std::string>> ValueNames(const std::string& key) = 0;
};

/// "" when `key` starts with a known root and has a path below it, else the problem.
std::string CheckRegistryKey(const std::string& key);

}  // namespace plumb
