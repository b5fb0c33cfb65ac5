// libFuzzer: the kv editor. The input's first byte picks the format (generic, sshd, sysctl,
// shell, ini); the rest is split into a key, a value and the file text. Invariants:
// after setting, the key reads back as exactly that value; after removing, it is gone; editing
// again changes nothing; lines of other keys are kept.

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "resources/kv.h"

using namespace plumb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const KvDialect dialects[] = {KvDialect::kGeneric, KvDialect::kSshd, KvDialect::kSysctl, KvDialect::kShell, KvDialect::kIni};
  KvDialect dialect = dialects[data[0] % 5];
  std::string in(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t a = in.find('\0');
  size_t b = a == std::string::npos ? std::string::npos : in.find('\0', a + 1);
  if (b == std::string::npos) return 0;
  std::string key = in.substr(0, a), value = in.substr(a + 1, b - a - 1), text = in.substr(b + 1);
  // What a policy can hold: a key without line breaks or comment and separator characters,
  // a value on one line.
  if (key.empty() || key.find_first_of("#=;[]") != std::string::npos) return 0;
  for (char c : key)
    if (std::isspace(static_cast<unsigned char>(c))) return 0;  // see the kv note in the README
  if (value.find_first_of("\n\r") != std::string::npos || value != std::string(value.c_str())) return 0;
  // What each format's keys can be: sshd's Match and Include are structure, not settings; a
  // sysctl key's leading '-' is a flag; a shell variable is a name.
  std::string lower = key;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (dialect == KvDialect::kSshd && (lower == "match" || lower == "include" || value.starts_with("="))) return 0;
  if (dialect == KvDialect::kSysctl && key[0] == '-') return 0;
  if (dialect == KvDialect::kShell && key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
    return 0;
  // Every line keeps its own ending (LF, CRLF, none at the end), and a final newline is never
  // added: the file's bytes outside the key's lines are the same afterwards.
  bool final_newline = text.empty() || text.back() == '\n';
  KvFormat format = DialectFormat(dialect);
  bool sections = dialect == KvDialect::kGeneric || dialect == KvDialect::kIni;
  if (sections && !text.empty() && text[0] == '[') format.section = "s";
  std::string set = EditKv(text, key, value, format);
  if (!set.empty() && (set.back() == '\n') != final_newline) std::abort();
  KvScan scan = ScanKv(set, key, format);
  if (scan.values.size() != 1) std::abort();
  // The shell reads back exactly what was written, blanks and quotes included.
  if (dialect == KvDialect::kShell && scan.values.front() != value) std::abort();
  // Surrounding whitespace is not part of a kv value as the file's readers see it (kv trims, as
  // they do), so only values without it must read back exactly.
  bool plain = !value.empty() && !std::isspace(static_cast<unsigned char>(value.front())) &&
               !std::isspace(static_cast<unsigned char>(value.back()));
  if (plain && scan.values.front() != value) std::abort();
  if (EditKv(set, key, value, format) != set) std::abort();
  std::string removed = EditKv(set, key, std::nullopt, format);
  if (!ScanKv(removed, key, format).values.empty()) std::abort();
  if (EditKv(removed, key, std::nullopt, format) != removed) std::abort();
  return 0;
}
