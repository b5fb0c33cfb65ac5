#pragma once
/// SHA-256 of a byte string, as lower-case hex. Used to fingerprint file content in reports
/// (content itself may be large or sensitive) and to build policy digests.

#include <string>
#include <string_view>

namespace plumb {

std::string Sha256Hex(std::string_view data);

}  // namespace plumb
