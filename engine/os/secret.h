#pragma once
/// Secret references: where a sensitive value lives outside the policy repository, so that the
/// repository, the policy snapshot and every report hold only the reference.
///   file:/abs/path   the file's content without one final newline. The file and the folders
///                    above it must pass CheckTrusted (engine/os/trust.h).
///   env:NAME         the variable in plumb's own environment (set by the scheduled task's unit).
///   dpapi:C:\path    Windows: a file protected with DPAPI for this machine (CryptProtectData with
///                    CRYPTPROTECT_LOCAL_MACHINE), decrypted with CryptUnprotectData.
/// Errors name the reference, never the value.

#include <memory>
#include <string>
#include <string_view>

#include "engine/os/filesystem.h"
#include "engine/util/result.h"

namespace plumb {

/// "" when `ref` is well formed; otherwise what is wrong with it, for a diagnostic.
std::string CheckSecretReference(std::string_view ref);

class SecretStore {
 public:
  virtual ~SecretStore() = default;
  /// The value `ref` names. kNotFound when it names nothing.
  virtual Result<std::string> Read(const std::string& ref) = 0;
};

/// Reads references from this process's environment and from `fs` (which outlives the store).
std::unique_ptr<SecretStore> MakeSecretStore(FileSystem& fs);

/// DPAPI decryption of `blob`; kUnsupported where there is no DPAPI. In engine/os/<platform>/.
Result<std::string> UnprotectSecret(const std::string& blob);

}  // namespace plumb
