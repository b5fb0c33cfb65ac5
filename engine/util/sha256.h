#pragma once
/// SHA-256 of a byte string, as lower-case hex. Used to fingerprint what reports show of file
/// content (content itself may be large or sensitive) and to build policy digests; never to
/// decide whether a file holds the expected bytes (that is a byte comparison).
///
/// The platform's implementation does the work: OpenSSL's libcrypto on Linux (SHA-NI and AVX2
/// where the CPU has them), BCrypt on Windows (engine/util/<platform>/sha256.cc).

#include <string>
#include <string_view>

namespace plumb {

std::string Sha256Hex(std::string_view data);

/// The 32 bytes of a digest as 64 lower-case hex digits.
std::string HexDigest(const unsigned char (&digest)[32]);

}  // namespace plumb
