#include "engine/source/openpgp.h"

#include <vector>

#include "engine/util/strings.h"

namespace plumb {
namespace {

// What follows the first `n` words of a status line (a user id may hold blanks).
std::string_view After(std::string_view line, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    size_t blank = line.find(' ');
    if (blank == std::string_view::npos) return {};
    line.remove_prefix(blank + 1);
  }
  return line;
}

Error Refused(std::string message) { return Error(ErrorKind::kInvalidInput, std::move(message)); }

}  // namespace

Result<Signer> ReadGpgvStatus(std::string_view status) {
  Signer signer;
  bool good = false, valid = false;
  for (std::string_view line : SplitLines(status)) {
    constexpr std::string_view kPrefix = "[GNUPG:] ";
    if (!line.starts_with(kPrefix)) continue;
    line.remove_prefix(kPrefix.size());
    auto w = SplitWords(line);
    if (w.empty()) continue;
    std::string key = w.size() > 1 ? std::string(w[1]) : "?";
    std::string who = std::string(After(line, 2));
    std::string named = "OpenPGP key " + key + (who.empty() ? "" : " (" + who + ")");
    if (w[0] == "BADSIG")
      return Refused("the OpenPGP signature by " + named + " is bad: the commit is not what was signed");
    // ERRSIG <keyid> <algo> <hash> <class> <time> <rc> <fpr>; rc 9: no such key in the keyring
    if (w[0] == "ERRSIG" && w.size() > 6 && w[6] == "9")
      return Refused("it is signed by OpenPGP key " + std::string(w.size() > 7 ? w[7] : w[1]) +
                     ", which is not an allowed key");
    if (w[0] == "ERRSIG") return Refused("the OpenPGP signature by key " + key + " cannot be checked");
    if (w[0] == "EXPKEYSIG") return Refused("it is signed by " + named + ", which has expired");
    if (w[0] == "REVKEYSIG") return Refused("it is signed by " + named + ", which has been revoked");
    if (w[0] == "EXPSIG") return Refused("the OpenPGP signature by " + named + " has expired");
    if (w[0] == "GOODSIG" && w.size() > 1) {
      good = true;
      signer.principals = who;
    }
    // VALIDSIG <fpr> <date> <timestamp> <expire> <version> <reserved> <algo> <hash> <class> <primary fpr>
    if (w[0] == "VALIDSIG" && w.size() >= 11) {
      valid = true;
      signer.fingerprint = std::string(w[10]);
    }
  }
  if (!good || !valid) return Refused("gpgv did not report a good OpenPGP signature");
  return signer;
}

OpenPgpVerifier::OpenPgpVerifier(ProcessRunner& processes, FileSystem& fs, std::string keyring, std::string scratch)
    : processes_(processes), fs_(fs), keyring_(std::move(keyring)), scratch_(std::move(scratch)) {}

Result<Signer> OpenPgpVerifier::Verify(const std::string& armored, const std::string& signed_data) {
  FileAttributes mine{0600, {}, {}};
  if (auto st = fs_.MakeDirectories(scratch_, FileAttributes{0700, {}, {}}); !st) return st.error();
  std::string sig = scratch_ + "/commit.sig", data = scratch_ + "/commit";
  if (auto st = fs_.WriteAtomic(sig, armored, mine); !st) return st.error();
  if (auto st = fs_.WriteAtomic(data, signed_data, mine); !st) return st.error();
  ProcessRequest request;
  request.command = "gpgv --homedir " + QuoteForShell(scratch_) + " --status-fd 1 --keyring " +
                    QuoteForShell(keyring_) + " " + QuoteForShell(sig) + " " + QuoteForShell(data);
  request.env = {{"LC_ALL", "C"}};
  request.timeout = std::chrono::seconds(60);
  auto run = processes_.Run(request);
  (void)fs_.RemoveFile(sig);
  (void)fs_.RemoveFile(data);
  if (!run) return run.error();
  if (run->end == ProcessEnd::kExited && run->code == 127)
    return Error(ErrorKind::kUnsupported,
                 "gpgv, which checks OpenPGP signatures, is not installed (Debian and Ubuntu: package gpgv; RHEL: "
                 "gnupg2)");
  auto signer = ReadGpgvStatus(run->output);
  // A good status with a failed exit is not a good signature.
  if (signer && !(run->end == ProcessEnd::kExited && run->code == 0))
    return Refused("gpgv reported a good signature but failed: " + std::string(Trim(run->output)));
  return signer;
}

}  // namespace plumb
