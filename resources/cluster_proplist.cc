#include "resources/cluster_proplist.h"

#include <cstring>

namespace plumb {
namespace {

constexpr uint32_t kFormatDword = 2, kFormatSz = 3, kFormatExpandSz = 4, kFormatMultiSz = 5,
                   kFormatUlarge = 6, kFormatLong = 7, kFormatExpandedSz = 8, kFormatLarge = 10;  // CLUSPROP_FORMAT_LARGE_INTEGER (11 is WORD)

size_t Align4(size_t n) { return (n + 3) & ~size_t{3}; }

void Put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void PutEntry(std::vector<uint8_t>& out, uint32_t syntax, const std::vector<uint8_t>& data) {
  Put32(out, syntax);
  Put32(out, static_cast<uint32_t>(data.size()));  // the length excludes the padding
  out.insert(out.end(), data.begin(), data.end());
  out.resize(Align4(out.size()), 0);
}

uint32_t Get32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::vector<uint8_t> ToUtf16Le(const std::string& text) {
  std::vector<uint8_t> out;
  auto unit = [&](uint32_t u) {
    out.push_back(static_cast<uint8_t>(u));
    out.push_back(static_cast<uint8_t>(u >> 8));
  };
  for (size_t i = 0; i < text.size();) {
    unsigned char c = text[i];
    uint32_t cp = 0xFFFD;
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + len <= text.size()) {
      cp = len == 1 ? (c < 0x80 ? c : 0xFFFD) : c & (0x7F >> len);
      for (int k = 1; k < len; ++k) cp = cp << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xD800 | cp >> 10);
      unit(0xDC00 | (cp & 0x3FF));
    } else {
      unit(cp);
    }
  }
  unit(0);
  return out;
}

std::string FromUtf16Le(const uint8_t* data, size_t size) {
  std::string out;
  for (size_t i = 0; i + 1 < size; i += 2) {
    uint32_t u = data[i] | data[i + 1] << 8;
    if (u == 0) break;
    if (u >= 0xD800 && u < 0xDC00 && i + 3 < size) {
      uint32_t low = data[i + 2] | data[i + 3] << 8;
      if (low >= 0xDC00 && low < 0xE000) {
        AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        i += 2;
        continue;
      }
    }
    AppendUtf8(out, u);
  }
  return out;
}

std::vector<uint8_t> EncodePropertyList(const std::vector<ClusterProperty>& properties) {
  std::vector<uint8_t> out;
  Put32(out, static_cast<uint32_t>(properties.size()));
  for (const auto& p : properties) {
    PutEntry(out, kClusPropName, ToUtf16Le(p.name));
    if (const uint32_t* n = std::get_if<uint32_t>(&p.value)) {
      std::vector<uint8_t> data;
      Put32(data, *n);
      PutEntry(out, kClusPropDword, data);
    } else {
      PutEntry(out, kClusPropSz, ToUtf16Le(std::get<std::string>(p.value)));
    }
    Put32(out, kClusPropEndmark);
  }
  return out;
}

Result<std::vector<ClusterProperty>> DecodePropertyList(const std::vector<uint8_t>& bytes) {
  const uint8_t* p = bytes.data();
  size_t size = bytes.size(), at = 0;
  auto bad = [&](const std::string& what) {
    return Error{ErrorKind::kCorrupt, "malformed cluster property list at byte " + std::to_string(at) + ": " + what};
  };
  if (size < 4) return bad("shorter than its count");
  uint32_t count = Get32(p);
  at = 4;
  std::vector<ClusterProperty> out;
  for (uint32_t i = 0; i < count; ++i) {
    if (at + 8 > size) return bad("truncated before property " + std::to_string(i + 1) + " of " + std::to_string(count));
    if (Get32(p + at) != kClusPropName) return bad("expected a property name entry");
    size_t len = Get32(p + at + 4);
    if (at + 8 + len > size) return bad("name runs past the end");
    ClusterProperty prop{FromUtf16Le(p + at + 8, len), std::string()};
    at += 8 + Align4(len);
    bool have_value = false;
    for (;;) {
      if (at + 4 > size) return bad("property '" + prop.name + "' has no end mark");
      uint32_t syntax = Get32(p + at);
      if (syntax == kClusPropEndmark) {
        at += 4;
        break;
      }
      if (at + 8 > size) return bad("truncated value of '" + prop.name + "'");
      len = Get32(p + at + 4);
      const uint8_t* data = p + at + 8;
      if (at + 8 + len > size) return bad("value of '" + prop.name + "' runs past the end");
      if (!have_value) {
        have_value = true;
        uint32_t format = syntax & 0xFFFF;
        if ((format == kFormatDword || format == kFormatLong) && len >= 4) {
          prop.value = Get32(data);
        } else if (format == kFormatSz || format == kFormatExpandSz || format == kFormatExpandedSz) {
          prop.value = FromUtf16Le(data, len);
        } else if (format == kFormatMultiSz) {
          std::string joined;
          for (size_t off = 0; off + 1 < len;) {
            std::string s = FromUtf16Le(data + off, len - off);
            if (s.empty()) break;
            joined += (joined.empty() ? "" : ",") + s;
            off += ToUtf16Le(s).size();
          }
          prop.value = joined;
        } else if ((format == kFormatUlarge || format == kFormatLarge) && len >= 8) {
          uint64_t v = Get32(data) | static_cast<uint64_t>(Get32(data + 4)) << 32;
          prop.value = format == kFormatLarge ? std::to_string(static_cast<int64_t>(v)) : std::to_string(v);
        } else {
          static const char* kHex = "0123456789abcdef";
          std::string hex;
          for (size_t k = 0; k < len; ++k) {
            hex += kHex[data[k] >> 4];
            hex += kHex[data[k] & 15];
          }
          prop.value = hex;
        }
      }
      at += 8 + Align4(len);
    }
    out.push_back(std::move(prop));
  }
  return out;
}

}  // namespace plumb
