#pragma once
/// OpenPGP commit signatures (git's default gpg.format), checked by gpgv against the one keyring
/// the node's settings name (`allowed_openpgp_keys`). gpgv is GnuPG's verify-only tool (Debian's
/// gpgv package, which apt itself depends on): it reads no configuration, no trust database and
/// no agent, and accepts exactly the keys of the keyring it is given — what an allowed-signers
/// list means. A key that has expired or was revoked in that keyring is refused.

#include <string>
#include <string_view>

#include "engine/os/filesystem.h"
#include "engine/os/process.h"
#include "engine/util/result.h"
#include "engine/util/ssh_signature.h"

namespace plumb {

/// The signer when gpgv's status lines (--status-fd) say the signature is good (GOODSIG and
/// VALIDSIG, nothing bad, expired or revoked); otherwise why not (kInvalidInput).
Result<Signer> ReadGpgvStatus(std::string_view status);

class OpenPgpVerifier {
 public:
  /// `keyring`: the allowed keys (gpg --export, binary or armored, as gpgv reads them).
  /// `scratch`: a private folder (in the state folder) where the signature and the signed bytes
  /// are written for gpgv, and which is its home folder.
  OpenPgpVerifier(ProcessRunner& processes, FileSystem& fs, std::string keyring, std::string scratch);

  /// Checks that `armored` is a good signature of `signed_data` by a key of the keyring.
  Result<Signer> Verify(const std::string& armored, const std::string& signed_data);

 private:
  ProcessRunner& processes_;
  FileSystem& fs_;
  std::string keyring_, scratch_;
};

}  // namespace plumb
