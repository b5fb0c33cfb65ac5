#include "engine/util/sha256.h"

#include <openssl/sha.h>

namespace plumb {

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  static_assert(SHA256_DIGEST_LENGTH == 32);
  ::SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return HexDigest(digest);
}

}  // namespace plumb
