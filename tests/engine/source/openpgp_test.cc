// What gpgv's status lines say of a commit's OpenPGP signature. The statuses are gpgv 2.2's own
// (--status-fd 1), for a good signature, a key not in the keyring, a changed commit, and keys
// that have expired or were revoked: for the last two gpgv exits 0 and prints VALIDSIG, so only
// GOODSIG may count.

#include "engine/source/openpgp.h"

#include <gtest/gtest.h>

namespace plumb {
namespace {

constexpr char kGood[] =
    "[GNUPG:] NEWSIG carol@example.com\n"
    "[GNUPG:] KEY_CONSIDERED D54D354A079704E2814C5E455BF9D2375AF73954 0\n"
    "[GNUPG:] SIG_ID OnksN0QnrClI/xKRODs2VLLxQtM 2026-12-01 1796114306\n"
    "gpgv: Signature made Tue Dec  1 08:38:26 2026 UTC\n"
    "[GNUPG:] KEY_CONSIDERED D54D354A079704E2814C5E455BF9D2375AF73954 0\n"
    "[GNUPG:] GOODSIG 5BF9D2375AF73954 Carol <carol@example.com>\n"
    "[GNUPG:] VALIDSIG D54D354A079704E2814C5E455BF9D2375AF73954 2026-12-01 1796114306 0 4 0 22 8 00 "
    "D54D354A079704E2814C5E455BF9D2375AF73954\n";

TEST(GpgvStatus, AGoodSignatureNamesThePrimaryKeyAndTheUserId) {
  auto signer = ReadGpgvStatus(kGood);
  ASSERT_TRUE(signer) << signer.error().message;
  EXPECT_EQ(signer->fingerprint, "D54D354A079704E2814C5E455BF9D2375AF73954");
  EXPECT_EQ(signer->principals, "Carol <carol@example.com>");
}

TEST(GpgvStatus, WhatIsNotAGoodSignatureIsRefusedWithWhy) {
  auto message = [](const char* status) {
    auto r = ReadGpgvStatus(status);
    return r ? std::string("accepted") : r.error().message;
  };
  EXPECT_EQ(message("[GNUPG:] NEWSIG mallory@example.com\n"
                    "[GNUPG:] ERRSIG BD9253E9FF77D6DC 22 8 00 1796114306 9 C6BDA7F37B9F7D41F33BB8EEBD9253E9FF77D6DC\n"
                    "[GNUPG:] NO_PUBKEY BD9253E9FF77D6DC\n"),
            "it is signed by OpenPGP key C6BDA7F37B9F7D41F33BB8EEBD9253E9FF77D6DC, which is not an allowed key");
  EXPECT_EQ(message("[GNUPG:] NEWSIG carol@example.com\n"
                    "[GNUPG:] KEY_CONSIDERED D54D354A079704E2814C5E455BF9D2375AF73954 0\n"
                    "[GNUPG:] BADSIG 5BF9D2375AF73954 Carol <carol@example.com>\n"),
            "the OpenPGP signature by OpenPGP key 5BF9D2375AF73954 (Carol <carol@example.com>) is bad: the commit is "
            "not what was signed");
  EXPECT_EQ(message("[GNUPG:] NEWSIG old@example.com\n"
                    "[GNUPG:] KEYEXPIRED 1577923200\n"
                    "[GNUPG:] EXPKEYSIG EF9F2451C6C223C0 Old <old@example.com>\n"
                    "[GNUPG:] VALIDSIG 655D55489DDA1F334BC4D40EEF9F2451C6C223C0 2020-01-01 1577840400 0 4 0 22 8 00 "
                    "655D55489DDA1F334BC4D40EEF9F2451C6C223C0\n"),
            "it is signed by OpenPGP key EF9F2451C6C223C0 (Old <old@example.com>), which has expired");
  EXPECT_EQ(message("[GNUPG:] NEWSIG rev@example.com\n"
                    "[GNUPG:] REVKEYSIG C0137FD575ED2313 Rev <rev@example.com>\n"
                    "[GNUPG:] VALIDSIG 71454877B44157193A8A8309C0137FD575ED2313 2026-12-01 1796114318 0 4 0 22 8 00 "
                    "71454877B44157193A8A8309C0137FD575ED2313\n"),
            "it is signed by OpenPGP key C0137FD575ED2313 (Rev <rev@example.com>), which has been revoked");
  EXPECT_EQ(message("gpgv: keyblock resource '/etc/plumb/keys.gpg': No such file or directory\n"),
            "gpgv did not report a good OpenPGP signature");
  // A second signature that is bad spoils a good first one.
  EXPECT_EQ(message((std::string(kGood) + "[GNUPG:] NEWSIG\n[GNUPG:] BADSIG 1111111111111111 Eve\n").c_str()),
            "the OpenPGP signature by OpenPGP key 1111111111111111 (Eve) is bad: the commit is not what was signed");
}

}  // namespace
}  // namespace plumb
