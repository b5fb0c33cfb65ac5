// SSHSIG checks (OpenSSL on Linux, libgcrypt on Windows) against signatures ssh-keygen made (tests/data/sshsig).

#include <gtest/gtest.h>

#include "engine/util/ssh_signature.h"
#include "tests/support/temp_dir.h"

namespace plumb {
namespace {

std::string Fixture(const std::string& name) {
  std::string text = testing::ReadText(std::string(PLUMB_SOURCE_DIR) + "/tests/data/sshsig/" + name);
  EXPECT_FALSE(text.empty()) << name;
  return text;
}

class SshVerify : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = ParseAllowedSigners(Fixture("allowed_signers"), "allowed_signers");
    ASSERT_TRUE(parsed) << parsed.error();
    signers = *parsed;
    message = Fixture("message");
  }
  std::vector<AllowedSigner> signers;
  std::string message;
  static constexpr int64_t kAt = 1700000000;
};

TEST_F(SshVerify, Ed25519AndRsaSignaturesOfAllowedKeysAreGood) {
  auto alice = VerifySshSignature(Fixture("alice.sig"), message, "git", kAt, signers);
  ASSERT_TRUE(alice) << alice.error();
  EXPECT_EQ(alice->fingerprint, "SHA256:FSUGQOWAmMraQZtMvggovwDyQ6GzPZgyzUvI6HBhzak");
  EXPECT_EQ(alice->principals, "alice@example.com");
  auto bob = VerifySshSignature(Fixture("bob.sig"), message, "git", kAt, signers);
  ASSERT_TRUE(bob) << bob.error();
  EXPECT_EQ(bob->principals, "bob@example.com");
}

TEST_F(SshVerify, AChangedMessageIsNotGood) {
  std::string changed = message;
  changed.back() = '!';
  for (const char* sig : {"alice.sig", "bob.sig"}) {
    auto r = VerifySshSignature(Fixture(sig), changed, "git", kAt, signers);
    ASSERT_FALSE(r) << sig;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
    EXPECT_EQ(r.error().message, "the signature does not match the commit");
  }
}

TEST_F(SshVerify, AnUnknownKeyIsRefused) {
  auto r = VerifySshSignature(Fixture("mallory.sig"), message, "git", kAt, signers);
  ASSERT_FALSE(r);
  auto mallory = ParseSshSignature(Fixture("mallory.sig"));
  ASSERT_TRUE(mallory);
  EXPECT_EQ(r.error().message, "the key " + mallory->key.Fingerprint() + " is not in the allowed signers");
}

TEST_F(SshVerify, TheNamespaceMustBeGit) {
  auto r = VerifySshSignature(Fixture("alice-file-namespace.sig"), message, "git", kAt, signers);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "the signature is for the namespace 'file', not 'git'");
  // alice may sign for git only (namespaces="git"), whatever the signature claims.
  auto file = VerifySshSignature(Fixture("alice-file-namespace.sig"), message, "file", kAt, signers);
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().message, "the key SHA256:FSUGQOWAmMraQZtMvggovwDyQ6GzPZgyzUvI6HBhzak is not in the allowed signers");
}

TEST_F(SshVerify, ValidityIsCheckedAtTheCommitTime) {
  signers[0].valid_before = kAt - 1;
  auto r = VerifySshSignature(Fixture("alice.sig"), message, "git", kAt, signers);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "the key SHA256:FSUGQOWAmMraQZtMvggovwDyQ6GzPZgyzUvI6HBhzak is allowed, but not at the commit's time "
            "(valid-after/valid-before)");
  signers[0].valid_before.reset();
  signers[0].valid_after = kAt;
  EXPECT_TRUE(VerifySshSignature(Fixture("alice.sig"), message, "git", kAt, signers));
}

TEST_F(SshVerify, ASignatureByAnotherAllowedKeyDoesNotPassAsAlice) {
  // bob's signature bytes under alice's key: the key in the signature decides, and must match.
  auto sig = ParseSshSignature(Fixture("bob.sig"));
  auto alice = ParseSshSignature(Fixture("alice.sig"));
  ASSERT_TRUE(sig && alice);
  sig->key = alice->key;
  auto hash = SshMessageHash(*sig, message);
  ASSERT_TRUE(hash);
  auto st = SshCheckSignature(*sig, SshSignedData(*sig, *hash));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "the signature does not match the commit");
}

}  // namespace
}  // namespace plumb
