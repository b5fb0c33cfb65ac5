#include "engine/util/ssh_signature.h"

#include <algorithm>
#include <cctype>

#include "engine/util/civil_time.h"
#include "engine/util/sha256.h"
#include "engine/util/strings.h"

namespace plumb {
namespace {

constexpr std::string_view kArmorBegin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view kArmorEnd = "-----END SSH SIGNATURE-----";
constexpr std::string_view kMagic = "SSHSIG";

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Reads SSH wire-format fields (RFC 4251 §5) from a byte string; any read past the end fails.
class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}
  std::optional<uint32_t> U32() {
    if (data_.size() < 4) return std::nullopt;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(data_[i]);
    data_.remove_prefix(4);
    return v;
  }
  std::optional<std::string> String() {
    auto n = U32();
    if (!n || *n > data_.size()) return std::nullopt;
    std::string s(data_.substr(0, *n));
    data_.remove_prefix(*n);
    return s;
  }
  std::optional<std::string> Raw(size_t n) {
    if (n > data_.size()) return std::nullopt;
    std::string s(data_.substr(0, n));
    data_.remove_prefix(n);
    return s;
  }
  bool empty() const { return data_.empty(); }

 private:
  std::string_view data_;
};

std::string WireString(std::string_view s) {
  std::string out;
  uint32_t n = static_cast<uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  out.append(s);
  return out;
}

Error Bad(const std::string& what) { return Error(ErrorKind::kInvalidInput, what); }

Result<SshPublicKey> KeyFromBlob(std::string blob) {
  WireReader r(blob);
  auto type = r.String();
  if (!type || type->empty()) return Bad("the key is not in SSH format");
  return SshPublicKey{*type, std::move(blob)};
}

// valid-after/valid-before: YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, optionally ending in Z.
// plumb reads them as UTC (ssh-keygen reads a time without Z as the local time).
std::optional<int64_t> ParseSignerTime(std::string_view s) {
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) s.remove_suffix(1);
  if (s.size() != 8 && s.size() != 12 && s.size() != 14) return std::nullopt;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  auto num = [&](size_t at, size_t n) { return std::stoi(std::string(s.substr(at, n))); };
  CivilTime c;
  c.year = num(0, 4);
  c.month = static_cast<unsigned>(num(4, 2));
  c.day = static_cast<unsigned>(num(6, 2));
  if (s.size() >= 12) c.hour = num(8, 2), c.minute = num(10, 2);
  if (s.size() == 14) c.second = num(12, 2);
  if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > 31 || c.hour > 23 || c.minute > 59 || c.second > 59)
    return std::nullopt;
  return FromCivil(c);
}

// One whitespace-separated field of an allowed-signers line; double quotes group, and a field
// of options may hold quoted values (namespaces="git,file").
std::string_view NextField(std::string_view& rest) {
  size_t i = 0;
  while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
  rest.remove_prefix(i);
  bool quoted = false;
  size_t end = 0;
  for (; end < rest.size(); ++end) {
    if (rest[end] == '"') quoted = !quoted;
    else if (!quoted && (rest[end] == ' ' || rest[end] == '\t')) break;
  }
  std::string_view field = rest.substr(0, end);
  rest.remove_prefix(end);
  return field;
}

std::string Unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return std::string(s);
}

bool LooksLikeKeyType(std::string_view s) {
  return StartsWith(s, "ssh-") || StartsWith(s, "ecdsa-") || StartsWith(s, "sk-") || StartsWith(s, "rsa-");
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(v >> shift) & 63]);
  }
  if (size_t left = bytes.size() - i) {
    uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (left == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(left == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t padding = 0;
  for (char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos || padding) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (padding > 2 || bits >= 6) return std::nullopt;
  return out;
}

std::string SshPublicKey::Fingerprint() const {
  std::string hex = Sha256Hex(blob);
  std::string raw;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  std::string b64 = Base64Encode(raw);
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "SHA256:" + b64;
}

Result<SshPublicKey> ParseSshPublicKey(std::string_view type, std::string_view base64) {
  auto blob = Base64Decode(base64);
  if (!blob) return Bad("the key is not valid base64");
  auto key = KeyFromBlob(std::move(*blob));
  if (!key) return key;
  if (key->type != type) return Bad("the key says it is " + Quote(key->type) + ", not " + Quote(std::string(type)));
  return key;
}

Result<SshSignature> ParseSshSignature(std::string_view armored) {
  size_t begin = armored.find(kArmorBegin);
  size_t end = armored.find(kArmorEnd);
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin)
    return Bad("not an SSH signature (no -----BEGIN SSH SIGNATURE----- block)");
  std::string body;
  for (char c : armored.substr(begin + kArmorBegin.size(), end - begin - kArmorBegin.size()))
    if (!std::isspace(static_cast<unsigned char>(c))) body.push_back(c);
  auto blob = Base64Decode(body);
  if (!blob) return Bad("the SSH signature is not valid base64");
  WireReader r(*blob);
  auto magic = r.Raw(kMagic.size());
  auto version = r.U32();
  if (!magic || *magic != kMagic || !version) return Bad("the SSH signature does not start with SSHSIG");
  if (*version != 1) return Bad("the SSH signature has version " + std::to_string(*version) + "; plumb reads version 1");
  SshSignature sig;
  auto key = r.String();
  auto ns = r.String();
  auto reserved = r.String();
  auto hash = r.String();
  auto wrapped = r.String();
  if (!key || !ns || !reserved || !hash || !wrapped || !r.empty()) return Bad("the SSH signature is truncated or malformed");
  auto parsed = KeyFromBlob(std::move(*key));
  if (!parsed) return parsed.error();
  sig.key = std::move(*parsed);
  sig.name_space = std::move(*ns);
  sig.hash_algorithm = std::move(*hash);
  WireReader inner(*wrapped);
  auto algorithm = inner.String();
  auto bytes = inner.String();
  if (!algorithm || !bytes || !inner.empty()) return Bad("the SSH signature's signature field is malformed");
  sig.algorithm = std::move(*algorithm);
  sig.signature = std::move(*bytes);
  return sig;
}

std::string SshSignedData(const SshSignature& sig, std::string_view message_hash) {
  return std::string(kMagic) + WireString(sig.name_space) + WireString("") + WireString(sig.hash_algorithm) +
         WireString(message_hash);
}

Result<std::vector<AllowedSigner>> ParseAllowedSigners(std::string_view text, const std::string& path) {
  std::vector<AllowedSigner> signers;
  int line_no = 0;
  for (std::string_view line : SplitLines(text)) {
    ++line_no;
    std::string_view rest = line;
    auto at = [&](std::string_view field, const std::string& message) {
      size_t column = static_cast<size_t>(field.data() - line.data()) + 1;
      return Error(ErrorKind::kInvalidInput,
                   path + ":" + std::to_string(line_no) + ":" + std::to_string(column) + ": " + message);
    };
    std::string_view principals = NextField(rest);
    if (principals.empty() || principals.front() == '#') continue;
    AllowedSigner signer;
    signer.line = line_no;
    signer.principals = Unquote(principals);
    std::string_view field = NextField(rest);
    if (!field.empty() && !LooksLikeKeyType(field)) {
      // Options: comma-separated, values in double quotes.
      std::string_view options = field;
      while (!options.empty()) {
        size_t end = 0;
        for (bool quoted = false; end < options.size(); ++end) {
          if (options[end] == '"') quoted = !quoted;
          else if (!quoted && options[end] == ',') break;
        }
        std::string_view option = options.substr(0, end);
        options.remove_prefix(std::min(end + 1, options.size()));
        size_t eq = option.find('=');
        std::string name = ToLower(option.substr(0, eq));
        std::string value = eq == std::string_view::npos ? std::string() : Unquote(option.substr(eq + 1));
        if (name == "namespaces") {
          for (size_t from = 0; from <= value.size();) {
            size_t comma = std::min(value.find(',', from), value.size());
            std::string_view ns = Trim(std::string_view(value).substr(from, comma - from));
            if (!ns.empty()) signer.namespaces.emplace_back(ns);
            from = comma + 1;
          }
        } else if (name == "valid-after" || name == "valid-before") {
          auto t = ParseSignerTime(value);
          if (!t) return at(option, Quote(name) + " must be a time like \"20260101\" or \"202601011200Z\"");
          (name == "valid-after" ? signer.valid_after : signer.valid_before) = *t;
        } else if (name == "cert-authority") {
          return at(option, "cert-authority lines are not supported: list each signer's own key");
        } else {
          return at(option, "unknown option " + Quote(name) + " (plumb reads namespaces, valid-after, valid-before)");
        }
      }
      field = NextField(rest);
    }
    if (field.empty()) return at(line.substr(line.size()), "expected a key type (ssh-ed25519, ssh-rsa) and the key");
    std::string_view key_text = NextField(rest);
    if (key_text.empty()) return at(line.substr(line.size()), "expected the base64 key after " + Quote(std::string(field)));
    auto key = ParseSshPublicKey(field, key_text);
    if (!key) return at(key_text, key.error().message);
    signer.key = std::move(*key);
    signers.push_back(std::move(signer));
  }
  return signers;
}

Result<Signer> VerifySshSignature(std::string_view armored, std::string_view message, std::string_view name_space,
                                     int64_t signed_at, const std::vector<AllowedSigner>& signers) {
  auto sig = ParseSshSignature(armored);
  if (!sig) return sig.error();
  if (sig->name_space != name_space)
    return Bad("the signature is for the namespace " + Quote(sig->name_space) + ", not " + Quote(std::string(name_space)));
  const AllowedSigner* match = nullptr;
  bool expired = false;
  for (const AllowedSigner& s : signers) {
    if (!(s.key == sig->key)) continue;
    if (!s.namespaces.empty() &&
        std::find(s.namespaces.begin(), s.namespaces.end(), name_space) == s.namespaces.end())
      continue;
    if ((s.valid_after && signed_at < *s.valid_after) || (s.valid_before && signed_at > *s.valid_before)) {
      expired = true;
      continue;
    }
    match = &s;
    break;
  }
  std::string fingerprint = sig->key.Fingerprint();
  if (!match && expired)
    return Bad("the key " + fingerprint + " is allowed, but not at the commit's time (valid-after/valid-before)");
  if (!match) return Bad("the key " + fingerprint + " is not in the allowed signers");
  auto hash = SshMessageHash(*sig, message);
  if (!hash) return hash.error();
  if (auto st = SshCheckSignature(*sig, SshSignedData(*sig, *hash)); !st) return st.error();
  return Signer{fingerprint, match->principals};
}

std::vector<std::string> SshBlobFields(std::string_view blob) {
  std::vector<std::string> fields;
  while (blob.size() >= 4) {
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(blob[i]);
    blob.remove_prefix(4);
    if (n > blob.size()) return {};
    fields.emplace_back(blob.substr(0, n));
    blob.remove_prefix(n);
  }
  if (!blob.empty()) return {};
  return fields;
}

}  // namespace plumb
