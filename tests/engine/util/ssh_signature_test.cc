#include "engine/util/ssh_signature.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>


namespace plumb {
namespace {

std::string Fixture(const std::string& name) {
  std::string text = testing::ReadText(std::string(PLUMB_SOURCE_DIR) + "/tests/data/sshsig/" + name);
  EXPECT_FALSE(text.empty()) << name;
  return text;
}

TEST(Base64, RoundTripsEveryLength) {
  std::string bytes;
  for (int n = 0; n < 40; ++n) {
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes) << n;
    bytes.push_back(static_cast<char>(n * 37));
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Decode("Zm8"), "fo");  // fingerprints drop the padding
  EXPECT_FALSE(Base64Decode("Zm9v!"));
  EXPECT_FALSE(Base64Decode("Zm=9"));
}

TEST(SshSignature, ParsesWhatSshKeygenWrites) {
  auto sig = ParseSshSignature(Fixture("alice.sig"));
  ASSERT_TRUE(sig) << sig.error();
  EXPECT_EQ(sig->name_space, "git");
  EXPECT_EQ(sig->hash_algorithm, "sha512");
  EXPECT_EQ(sig->algorithm, "ssh-ed25519");
  EXPECT_EQ(sig->key.type, "ssh-ed25519");
  EXPECT_EQ(sig->signature.size(), 64u);
  // The fingerprint `ssh-keygen -lf alice.pub` prints.
  EXPECT_EQ(sig->key.Fingerprint(), "SHA256:FSUGQOWAmMraQZtMvggovwDyQ6GzPZgyzUvI6HBhzak");
  auto rsa = ParseSshSignature(Fixture("bob.sig"));
  ASSERT_TRUE(rsa) << rsa.error();
  EXPECT_EQ(rsa->key.type, "ssh-rsa");
  EXPECT_EQ(rsa->algorithm, "rsa-sha2-512");
}

TEST(SshSignature, RefusesWhatIsNotOne) {
  EXPECT_EQ(ParseSshSignature("-----BEGIN PGP SIGNATURE-----\n").error().message,
            "not an SSH signature (no -----BEGIN SSH SIGNATURE----- block)");
  EXPECT_EQ(ParseSshSignature("-----BEGIN SSH SIGNATURE-----\n%%%\n-----END SSH SIGNATURE-----\n").error().message,
            "the SSH signature is not valid base64");
  EXPECT_EQ(ParseSshSignature("-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQAAADM=\n-----END SSH SIGNATURE-----\n")
                .error()
                .message,
            "the SSH signature is truncated or malformed");
  EXPECT_EQ(ParseSshSignature("-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAg==\n-----END SSH SIGNATURE-----\n")
                .error()
                .message,
            "the SSH signature has version 2; plumb reads version 1");
}

TEST(AllowedSigners, ReadsPrincipalsOptionsAndKeys) {
  auto signers = ParseAllowedSigners(Fixture("allowed_signers"), "allowed_signers");
  ASSERT_TRUE(signers) << signers.error();
  ASSERT_EQ(signers->size(), 2u);
  EXPECT_EQ((*signers)[0].principals, "alice@example.com");
  EXPECT_EQ((*signers)[0].namespaces, std::vector<std::string>{"git"});
  EXPECT_EQ((*signers)[0].key.type, "ssh-ed25519");
  EXPECT_EQ((*signers)[1].principals, "bob@example.com");
  EXPECT_TRUE((*signers)[1].namespaces.empty());
  EXPECT_EQ((*signers)[1].line, 2);

  auto full = ParseAllowedSigners(
      "# admins\n\n\"a@x,b@y\" namespaces=\"git,file\",valid-after=\"20260101\",valid-before=\"202612312359Z\" "
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC5nOOkQgYXTa+QvRacYJusnj70G+dNYjGvl/MMEw2le comment\n",
      "f");
  ASSERT_TRUE(full) << full.error();
  ASSERT_EQ(full->size(), 1u);
  EXPECT_EQ((*full)[0].principals, "a@x,b@y");
  EXPECT_EQ((*full)[0].namespaces, (std::vector<std::string>{"git", "file"}));
  EXPECT_EQ((*full)[0].valid_after, 1767225600);
  EXPECT_EQ((*full)[0].valid_before, 1798761540);  // 2026-12-31 23:59 UTC
  EXPECT_EQ((*full)[0].line, 3);
}

TEST(AllowedSigners, SaysWhereALineIsWrong) {
  const std::string key = "AAAAC3NzaC1lZDI1NTE5AAAAIC5nOOkQgYXTa+QvRacYJusnj70G+dNYjGvl/MMEw2le";
  EXPECT_EQ(ParseAllowedSigners("a@x cert-authority ssh-ed25519 " + key + "\n", "f").error().message,
            "f:1:5: cert-authority lines are not supported: list each signer's own key");
  EXPECT_EQ(ParseAllowedSigners("\na@x valid-after=\"yesterday\" ssh-ed25519 " + key + "\n", "f").error().message,
            "f:2:5: 'valid-after' must be a time like \"20260101\" or \"202601011200Z\"");
  EXPECT_EQ(ParseAllowedSigners("a@x principal=\"x\" ssh-ed25519 " + key + "\n", "f").error().message,
            "f:1:5: unknown option 'principal' (plumb reads namespaces, valid-after, valid-before)");
  EXPECT_EQ(ParseAllowedSigners("a@x\n", "f").error().message,
            "f:1:4: expected a key type (ssh-ed25519, ssh-rsa) and the key");
  EXPECT_EQ(ParseAllowedSigners("a@x ssh-ed25519\n", "f").error().message,
            "f:1:16: expected the base64 key after 'ssh-ed25519'");
  EXPECT_EQ(ParseAllowedSigners("a@x ssh-rsa " + key + "\n", "f").error().message,
            "f:1:13: the key says it is 'ssh-ed25519', not 'ssh-rsa'");
  EXPECT_EQ(ParseAllowedSigners("a@x ssh-ed25519 !!\n", "f").error().message, "f:1:17: the key is not valid base64");
}

}  // namespace
}  // namespace plumb
