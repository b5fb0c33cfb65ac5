#include "engine/util/sha256.h"

#include <memory>
#include <openssl/evp.h>
#include <openssl/sha.h>

namespace plumb {
namespace {

// OpenSSL 3 looks the algorithm up by name on every one-shot SHA256() call, which costs more
// than hashing a small file; the looked-up algorithm is immutable and shared by all threads.
const EVP_MD* Sha256Algorithm() {
  static const std::unique_ptr<EVP_MD, void (*)(EVP_MD*)> md(EVP_MD_fetch(nullptr, "SHA256", nullptr), EVP_MD_free);
  return md.get();
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  static_assert(SHA256_DIGEST_LENGTH == 32);
  const EVP_MD* md = Sha256Algorithm();
  unsigned int size = 0;
  if (!md || !EVP_Digest(data.data(), data.size(), digest, &size, md, nullptr) || size != sizeof digest)
    ::SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return HexDigest(digest);
}

}  // namespace plumb
