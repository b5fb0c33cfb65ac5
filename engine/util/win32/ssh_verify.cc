// SSHSIG arithmetic on Windows with libgcrypt (Debian's libgcrypt-mingw-w64-dev, linked
// statically): ed25519, and RSA with rsa-sha2-256/512. BCrypt has RSA but no ed25519 on the
// Windows versions plumb supports, and one library for both keeps the two checks alike.

#include <gcrypt.h>

#include <mutex>
#include <vector>

#include "engine/util/c_handle.h"
#include "engine/util/ssh_signature.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

using SexpPtr = CHandle<gcry_sexp, gcry_sexp_release>;

// libgcrypt must be initialised once before its first use, from one thread.
void Initialise() {
  static std::once_flag once;
  std::call_once(once, [] {
    gcry_check_version(nullptr);
    gcry_control(GCRYCTL_DISABLE_SECMEM, 0);  // public keys only: nothing secret to lock in memory
    gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
  });
}

Error NotGood() { return Error(ErrorKind::kInvalidInput, "the signature does not match the commit"); }

int Algorithm(const std::string& name) {
  return name == "sha512" ? GCRY_MD_SHA512 : name == "sha256" ? GCRY_MD_SHA256 : 0;
}

std::string Digest(int algorithm, std::string_view data) {
  std::string out(gcry_md_get_algo_dlen(algorithm), '\0');
  gcry_md_hash_buffer(algorithm, out.data(), data.data(), data.size());
  return out;
}

// gcry_sexp_build with "%b" arguments, which it takes as (int length, const void* bytes).
template <class... Args>
SexpPtr Build(const char* format, Args... args) {
  gcry_sexp_t out = nullptr;
  if (gcry_sexp_build(&out, nullptr, format, args...) != 0) return nullptr;
  return SexpPtr(out);
}

int Size(const std::string& s) { return static_cast<int>(s.size()); }

}  // namespace

Result<std::string> SshMessageHash(const SshSignature& sig, std::string_view message) {
  Initialise();
  int algorithm = Algorithm(sig.hash_algorithm);
  if (!algorithm)
    return Error(ErrorKind::kUnsupported,
                 "the signature hashes with " + Quote(sig.hash_algorithm) + "; SSHSIG allows sha256 and sha512");
  return Digest(algorithm, message);
}

Status SshCheckSignature(const SshSignature& sig, std::string_view signed_data) {
  Initialise();
  std::vector<std::string> fields = SshBlobFields(sig.key.blob);
  SexpPtr key, signature, data;
  if (sig.key.type == "ssh-ed25519") {
    if (fields.size() != 2 || fields[1].size() != 32) return Error(ErrorKind::kInvalidInput, "the ed25519 key is malformed");
    if (sig.algorithm != "ssh-ed25519" || sig.signature.size() != 64) return NotGood();
    key = Build("(public-key(ecc(curve Ed25519)(flags eddsa)(q %b)))", 32, fields[1].data());
    signature = Build("(sig-val(eddsa(r %b)(s %b)))", 32, sig.signature.data(), 32, sig.signature.data() + 32);
    data = Build("(data(flags eddsa)(hash-algo sha512)(value %b))", static_cast<int>(signed_data.size()),
                 signed_data.data());
    if (!key) return Error(ErrorKind::kInvalidInput, "the ed25519 key is malformed");
  } else if (sig.key.type == "ssh-rsa") {
    if (fields.size() != 3) return Error(ErrorKind::kInvalidInput, "the RSA key is malformed");
    // SSHSIG never uses SHA-1 ("ssh-rsa" signatures); ssh-keygen makes rsa-sha2-512.
    const char* hash = sig.algorithm == "rsa-sha2-512" ? "sha512" : sig.algorithm == "rsa-sha2-256" ? "sha256" : nullptr;
    if (!hash)
      return Error(ErrorKind::kInvalidInput,
                   "the RSA signature uses " + Quote(sig.algorithm) + "; SSHSIG needs rsa-sha2-256 or rsa-sha2-512");
    // The key's fields are e then n, as SSH mpints (big-endian, a leading zero when the top bit is set).
    key = Build("(public-key(rsa(n %b)(e %b)))", Size(fields[2]), fields[2].data(), Size(fields[1]), fields[1].data());
    if (!key) return Error(ErrorKind::kInvalidInput, "the RSA key is malformed");
    // OpenSSH refuses RSA keys under 1024 bits for signatures (SSH_RSA_MINIMUM_MODULUS_SIZE).
    if (gcry_pk_get_nbits(key.get()) < 1024) return Error(ErrorKind::kInvalidInput, "the RSA key is shorter than 1024 bits");
    std::string digest = Digest(Algorithm(hash), signed_data);
    signature = Build("(sig-val(rsa(s %b)))", Size(sig.signature), sig.signature.data());
    data = Build("(data(flags pkcs1)(hash %s %b))", hash, Size(digest), digest.data());
  } else {
    return Error(ErrorKind::kUnsupported, "plumb checks ssh-ed25519 and ssh-rsa keys, not " + Quote(sig.key.type));
  }
  if (!signature || !data) return NotGood();
  if (gcry_pk_verify(signature.get(), data.get(), key.get()) != 0) return NotGood();
  return OkStatus();
}

}  // namespace plumb
