#pragma once
/// The cached minimal Debian 12 root that scripts/fetch-test-image.sh builds (as root, with
/// mmdebstrap) for the tests that install packages into a real Debian system.

#include <cstdlib>
#include <string>

namespace plumb::testing {

/// The image tarball: $PLUMB_TEST_IMAGE_CACHE (or /var/cache/plumb-test)/debian-12-apt-5.tar.
inline std::string DebianImage() {
  const char* cache = std::getenv("PLUMB_TEST_IMAGE_CACHE");
  return std::string(cache ? cache : "/var/cache/plumb-test") + "/debian-12-apt-5.tar";
}

}  // namespace plumb::testing
