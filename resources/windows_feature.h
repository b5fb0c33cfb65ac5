#pragma once
/// The windows.feature resource and the DISM backend it acts through (resources/win32/: the DISM
/// API of dismapi.dll, loaded at run time; none elsewhere).

#include <map>
#include <optional>
#include <string>

#include "engine/util/result.h"
#include "engine/util/strings.h"

namespace plumb {

/// DismPackageFeatureState, in DISM's order.
enum class FeatureState {
  kNotPresent,
  kUninstallPending,
  kStaged,
  kRemoved,
  kInstalled,
  kInstallPending,
  kSuperseded,
  kPartiallyInstalled,
};
/// "installed", "install pending", ... as drift and messages print it.
const char* ToString(FeatureState state);

/// Whether DISM says the change needs a restart to finish (DismRestartType, or the HRESULT
/// ERROR_SUCCESS_REBOOT_REQUIRED of DismEnableFeature / DismDisableFeature).
enum class RestartNeed { kNo, kPossible, kRequired };

/// Feature names compare without case, as DISM's do.
using FeatureStates = std::map<std::string, FeatureState, NoCaseLess>;

class WindowsFeatures {
 public:
  virtual ~WindowsFeatures() = default;
  /// Every feature of the running image with its state (DismGetFeatures). kUnsupported where
  /// DISM cannot be loaded.
  virtual Result<FeatureStates> List() = 0;
  /// DismEnableFeature; `with_parents` is DISM's EnableAll (/All).
  virtual Result<RestartNeed> Enable(const std::string& name, bool with_parents) = 0;
  /// DismDisableFeature, keeping the payload.
  virtual Result<RestartNeed> Disable(const std::string& name) = 0;
  /// Drops what was read, when something else may have changed the features. Default: nothing kept.
  virtual void Forget() {}
};

/// The run's features: one listing (a DismGetFeatures takes seconds), kept until a change made
/// through it or Forget. Invariant: List answers what `inner` would answer now, as far as
/// changes go through this object or are followed by Forget.
class FeatureListCache : public WindowsFeatures {
 public:
  explicit FeatureListCache(WindowsFeatures& inner) : inner_(inner) {}
  Result<FeatureStates> List() override;
  Result<RestartNeed> Enable(const std::string& name, bool with_parents) override;
  Result<RestartNeed> Disable(const std::string& name) override;
  void Forget() override { list_.reset(); }

 private:
  WindowsFeatures& inner_;
  std::optional<FeatureStates> list_;
};

/// Facts start with this: "features.NAME" for each feature DISM lists, by DISM's name.
inline constexpr std::string_view kFeatureFactPrefix = "features.";

class Facts;
/// features.NAME = true for each feature that is installed (or whose install waits for a
/// reboot), false for every other feature DISM lists; a fact already set (by a --facts file) is
/// kept. Nothing is added when DISM cannot be read;
/// the error says why. A listing takes seconds: collected only when a policy names such a fact.
Status AddFeatureFacts(WindowsFeatures& features, Facts& facts);

}  // namespace plumb
