#include "engine/util/sha256.h"

// clang-format off
#include <windows.h>
#include <bcrypt.h>
// clang-format on

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace plumb {
namespace {

// The provider and the hash object, closed in reverse order. BCryptHash and the pseudo-handles
// need Windows 10; Server 2012 R2 has the open/create/hash/finish sequence only.
struct Provider {
  BCRYPT_ALG_HANDLE alg = nullptr;
  BCRYPT_HASH_HANDLE hash = nullptr;
  ~Provider() {
    if (hash) BCryptDestroyHash(hash);
    if (alg) BCryptCloseAlgorithmProvider(alg, 0);
  }
};

}  // namespace

std::string Sha256Hex(std::string_view data) {
  Provider p;
  unsigned char digest[32];
  bool ok = BCRYPT_SUCCESS(BCryptOpenAlgorithmProvider(&p.alg, BCRYPT_SHA256_ALGORITHM, nullptr, 0)) &&
            BCRYPT_SUCCESS(BCryptCreateHash(p.alg, &p.hash, nullptr, 0, nullptr, 0, 0));
  auto* bytes = reinterpret_cast<PUCHAR>(const_cast<char*>(data.data()));
  for (size_t done = 0; ok && done < data.size();) {
    ULONG chunk = static_cast<ULONG>(std::min<size_t>(data.size() - done, std::numeric_limits<ULONG>::max()));
    ok = BCRYPT_SUCCESS(BCryptHashData(p.hash, bytes + done, chunk, 0));
    done += chunk;
  }
  ok = ok && BCRYPT_SUCCESS(BCryptFinishHash(p.hash, digest, sizeof digest, 0));
  // SHA-256 is part of every supported Windows: a failure here is a broken system, and a wrong
  // digest would be worse than stopping.
  if (!ok) std::abort();
  return HexDigest(digest);
}

}  // namespace plumb
