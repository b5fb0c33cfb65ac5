// SSHSIG arithmetic on Windows. BCrypt has RSA but no ed25519 on the Windows versions plumb
// supports, and Debian has no mingw-w64 build of OpenSSL, so plumb.exe checks no SSH signature
// yet: every check fails as unsupported, and `plumb pull` refuses what it cannot verify.

#include "engine/util/ssh_signature.h"

namespace plumb {

Result<std::string> SshMessageHash(const SshSignature&, std::string_view) {
  return Error(ErrorKind::kUnsupported, "this build of plumb.exe cannot check SSH signatures");
}

Status SshCheckSignature(const SshSignature&, std::string_view) {
  return Error(ErrorKind::kUnsupported, "this build of plumb.exe cannot check SSH signatures");
}

}  // namespace plumb
