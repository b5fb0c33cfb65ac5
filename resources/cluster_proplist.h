#pragma once
/// The ClusAPI property list wire format (MS-CMRP 2.2.3.10), in portable code so its encoding is
/// tested everywhere: a DWORD count, then per property a CLUSPROP_SYNTAX_NAME entry, one or more
/// value entries and an ENDMARK. Every entry is syntax DWORD, length DWORD, data padded to 4 bytes;
/// names and strings are NUL-terminated UTF-16LE.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/util/result.h"
#include "resources/windows_cluster.h"

namespace plumb {

/// CLUSPROP_SYNTAX values (type << 16 | format).
inline constexpr uint32_t kClusPropEndmark = 0;
inline constexpr uint32_t kClusPropName = 0x00040003;
inline constexpr uint32_t kClusPropDword = 0x00010002;
inline constexpr uint32_t kClusPropSz = 0x00010003;

/// Properties as SET_COMMON_PROPERTIES takes them: DWORDs as LIST_VALUE_DWORD, strings as
/// LIST_VALUE_SZ.
std::vector<uint8_t> EncodePropertyList(const std::vector<ClusterProperty>& properties);

/// Reads a GET_COMMON_PROPERTIES answer. The first value entry of each property counts: DWORD and
/// LONG as numbers; SZ, EXPAND_SZ and EXPANDED_SZ as strings; MULTI_SZ joined with ","; 64-bit
/// integers as decimal text; anything else as hex text. A truncated or malformed list is an error
/// naming the byte offset.
Result<std::vector<ClusterProperty>> DecodePropertyList(const std::vector<uint8_t>& bytes);

/// NUL-terminated UTF-16LE bytes of UTF-8 text, and back (stops at the first NUL).
std::vector<uint8_t> ToUtf16Le(const std::string& text);
std::string FromUtf16Le(const uint8_t* data, size_t size);

}  // namespace plumb
