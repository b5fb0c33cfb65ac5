#pragma once
/// SSH signatures as git writes them with `gpg.format = ssh` (OpenSSH's PROTOCOL.sshsig), and the
/// allowed-signers file that says whose keys a node trusts (ssh-keygen(1), "ALLOWED SIGNERS").
/// Parsing is portable; the arithmetic is the platform's (engine/util/<platform>/ssh_verify.cc:
/// OpenSSL's libcrypto on Linux, libgcrypt on Windows).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.h"

namespace plumb {

/// A public key in SSH wire format. Invariant: `blob` starts with the SSH string `type`.
struct SshPublicKey {
  std::string type;  ///< "ssh-ed25519", "ssh-rsa", ...
  std::string blob;  ///< the whole key as SSH encodes it (what the fingerprint hashes)
  /// "SHA256:" and the unpadded base64 of SHA-256(blob), as `ssh-keygen -l` prints it.
  std::string Fingerprint() const;
  bool operator==(const SshPublicKey& o) const { return blob == o.blob; }
};

/// One SSHSIG signature. Invariant after ParseSshSignature: version 1, and `key` parsed.
struct SshSignature {
  SshPublicKey key;
  std::string name_space;      ///< "git" for commits
  std::string hash_algorithm;  ///< "sha256" or "sha512": what hashes the message
  std::string algorithm;       ///< of the signature: "ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"
  std::string signature;       ///< the signature bytes
};

/// Parses the armored form ("-----BEGIN SSH SIGNATURE-----" ... "-----END SSH SIGNATURE-----").
Result<SshSignature> ParseSshSignature(std::string_view armored);

/// Parses a key written as "TYPE BASE64" (the base64 part of an authorized_keys line).
Result<SshPublicKey> ParseSshPublicKey(std::string_view type, std::string_view base64);

/// One line of an allowed-signers file: principals, options, key.
struct AllowedSigner {
  std::string principals;               ///< as written: comma-separated names or patterns
  std::vector<std::string> namespaces;  ///< namespaces="..."; empty: every namespace
  std::optional<int64_t> valid_after;   ///< valid-after="...", seconds since the epoch (UTC)
  std::optional<int64_t> valid_before;  ///< valid-before="..."
  SshPublicKey key;
  int line = 0;
};

/// Parses an allowed-signers file. The first problem is an error that starts with
/// "PATH:LINE:COLUMN: ". Lines that are empty or start with '#' are skipped; `cert-authority`
/// lines are refused (plumb checks plain keys only).
Result<std::vector<AllowedSigner>> ParseAllowedSigners(std::string_view text, const std::string& path);

/// Who made a signature that verified (an SSH signature here, an OpenPGP one in engine/source).
struct Signer {
  std::string fingerprint;  ///< SSH: of the key, "SHA256:..."; OpenPGP: of the primary key, 40 hex digits
  std::string principals;   ///< SSH: of the allowed-signers line that holds the key; OpenPGP: the user id
};

/// Checks that `armored` is a valid signature of `message` in `name_space`, made at `signed_at`
/// (seconds since the epoch, for valid-after/valid-before) by a key of `signers`. The error
/// says what failed (kInvalidInput for a signature that is not good; kUnsupported for a key type
/// plumb cannot check).
Result<Signer> VerifySshSignature(std::string_view armored, std::string_view message, std::string_view name_space,
                                     int64_t signed_at, const std::vector<AllowedSigner>& signers);

/// What SSHSIG signs for a message whose hash is `message_hash`: the magic preamble, the
/// namespace, the reserved field, the hash algorithm and the hash.
std::string SshSignedData(const SshSignature& sig, std::string_view message_hash);

/// The length-prefixed fields (SSH strings and mpints) of a key blob, its type first; empty when
/// the blob is not a whole number of such fields.
std::vector<std::string> SshBlobFields(std::string_view blob);

/// The platform's arithmetic: `message`'s hash as `sig.hash_algorithm` says (sha256, sha512);
/// and whether `sig.signature` is `sig.key`'s signature of `signed_data`. Errors: kUnsupported
/// for a key type or algorithm it cannot check, kInvalidInput for a bad signature.
Result<std::string> SshMessageHash(const SshSignature& sig, std::string_view message);
Status SshCheckSignature(const SshSignature& sig, std::string_view signed_data);

/// Base64 (RFC 4648, with padding) of `bytes`, and back; nullopt for text that is not base64.
std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace plumb
