// SSHSIG arithmetic with OpenSSL's libcrypto: ed25519 and RSA (rsa-sha2-256/512) keys.

#include <memory>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "engine/util/c_handle.h"
#include "engine/util/ssh_signature.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

using PkeyPtr = CHandle<EVP_PKEY, EVP_PKEY_free>;
using MdCtxPtr = CHandle<EVP_MD_CTX, EVP_MD_CTX_free>;
using PkeyCtxPtr = CHandle<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using BnPtr = CHandle<BIGNUM, BN_free>;
using ParamBldPtr = CHandle<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamsPtr = CHandle<OSSL_PARAM, OSSL_PARAM_free>;

Error Unsupported(const std::string& what) { return Error(ErrorKind::kUnsupported, what); }
Error NotGood() { return Error(ErrorKind::kInvalidInput, "the signature does not match the commit"); }

Result<PkeyPtr> RsaKey(const std::string& e, const std::string& n) {
  auto bn = [](const std::string& s) {
    return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()), nullptr));
  };
  BnPtr bn_n = bn(n), bn_e = bn(e);
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
    return Error(ErrorKind::kInternal, "cannot build the RSA key");
  ParamsPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
    return Error(ErrorKind::kInvalidInput, "the RSA key is malformed");
  PkeyPtr owned(key);
  // OpenSSH refuses RSA keys under 1024 bits for signatures (SSH_RSA_MINIMUM_MODULUS_SIZE).
  if (EVP_PKEY_get_bits(key) < 1024) return Error(ErrorKind::kInvalidInput, "the RSA key is shorter than 1024 bits");
  return owned;
}

}  // namespace

Result<std::string> SshMessageHash(const SshSignature& sig, std::string_view message) {
  const EVP_MD* md = sig.hash_algorithm == "sha512" ? EVP_sha512() : sig.hash_algorithm == "sha256" ? EVP_sha256() : nullptr;
  if (!md) return Unsupported("the signature hashes with " + Quote(sig.hash_algorithm) + "; SSHSIG allows sha256 and sha512");
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!EVP_Digest(message.data(), message.size(), out, &size, md, nullptr))
    return Error(ErrorKind::kInternal, "cannot hash the signed message");
  return std::string(reinterpret_cast<char*>(out), size);
}

Status SshCheckSignature(const SshSignature& sig, std::string_view signed_data) {
  std::vector<std::string> fields = SshBlobFields(sig.key.blob);
  PkeyPtr key;
  const EVP_MD* md = nullptr;
  std::string signature = sig.signature;
  if (sig.key.type == "ssh-ed25519") {
    if (fields.size() != 2 || fields[1].size() != 32) return Error(ErrorKind::kInvalidInput, "the ed25519 key is malformed");
    if (sig.algorithm != "ssh-ed25519") return NotGood();
    key.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                          reinterpret_cast<const unsigned char*>(fields[1].data()), 32));
    if (!key) return Error(ErrorKind::kInvalidInput, "the ed25519 key is malformed");
  } else if (sig.key.type == "ssh-rsa") {
    if (fields.size() != 3) return Error(ErrorKind::kInvalidInput, "the RSA key is malformed");
    // SSHSIG never uses SHA-1 ("ssh-rsa" signatures); ssh-keygen makes rsa-sha2-512.
    if (sig.algorithm == "rsa-sha2-512") md = EVP_sha512();
    else if (sig.algorithm == "rsa-sha2-256") md = EVP_sha256();
    else return Error(ErrorKind::kInvalidInput, "the RSA signature uses " + Quote(sig.algorithm) + "; SSHSIG needs rsa-sha2-256 or rsa-sha2-512");
    auto rsa = RsaKey(fields[1], fields[2]);
    if (!rsa) return rsa.error();
    key = std::move(*rsa);
    // A signature shorter than the modulus has lost leading zero bytes; OpenSSL wants its full size.
    size_t size = static_cast<size_t>(EVP_PKEY_get_size(key.get()));
    if (signature.size() < size) signature.insert(0, size - signature.size(), '\0');
  } else {
    return Unsupported("plumb checks ssh-ed25519 and ssh-rsa keys, not " + Quote(sig.key.type));
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key.get()) <= 0)
    return Error(ErrorKind::kInternal, "cannot set up the signature check");
  int good = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                              reinterpret_cast<const unsigned char*>(signed_data.data()), signed_data.size());
  if (good != 1) return NotGood();
  return OkStatus();
}

}  // namespace plumb
