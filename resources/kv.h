#pragma once
/// Line-oriented `key = value` editing for the kv resource (sysctl.d, sshd_config,
/// /etc/default/grub, INI files). Pure text functions, so every rule is unit-tested.
///
/// Rules: a line is active unless blank or starting (after indentation) with a comment character.
/// Without a section, only lines before the first "[section]" header are in scope; with one,
/// only the lines of that section. Converging leaves one line for the key (the first, later
/// duplicates removed). Every other line is kept byte for byte, with its own line ending.
///
/// A dialect makes a line mean what the program that reads the file reads (KvDialect). Which
/// files the program reads besides this one is the business of kv_sources.h.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace plumb {

/// The program whose reading a kv file follows (the `format` property).
enum class KvDialect {
  kGeneric,  ///< "key<separator>value"; the first line counts
  kSshd,     ///< sshd_config: case-insensitive keywords, "Key value" or "Key=value", the first value
             ///< wins, lines from the first "Match" on are not global (they are never in scope)
  kSysctl,   ///< sysctl.d: "a.b.c = v" equal to "a/b/c = v", '#' and ';' comments, a leading '-'
             ///< ignored, the last assignment wins
  kShell,    ///< /etc/default: "KEY=value" with shell quoting (the value is the word the shell
             ///< reads), optional "export ", the last assignment wins
  kIni,      ///< "[section]" headers, '#' and ';' comments, "key = value"; the first line counts
};

struct KvFormat {
  KvDialect dialect = KvDialect::kGeneric;
  std::string separator = " = ";  ///< written between key and value; matched trimmed ("=")
  std::string comment = "#";      ///< characters that start a comment line
  std::string section;            ///< INI section, "" for none
};

/// The defaults of a dialect (separator, comment characters); section stays empty.
KvFormat DialectFormat(KvDialect dialect);

struct KvScan {
  std::vector<std::string> values;  ///< value of every active line of the key, in file order (for
                                    ///< kShell the word the shell reads)
  std::vector<size_t> lines;        ///< 1-based line number of each value
  bool section_found = false;
  /// The index in `values` of the value the program uses: the first, or for kSysctl and kShell the
  /// last. Only meaningful when `values` is not empty.
  size_t effective = 0;
};

/// Every active line of a text filed under the key it assigns, so that any number of keys are
/// looked up without reading the text again: building is linear in the text, a lookup in the
/// lines of that key. Built for a dialect, comment characters and separator (what makes a line
/// an assignment); the section is matched per lookup. Holds views into the text, which must
/// outlive it.
class KvIndex {
 public:
  /// A key with what it is filed under in indexes of one format: made once, looked up in many.
  struct Key {
    Key(const std::string& key, const KvFormat& format);
    const std::string& key;
    size_t filed;  ///< hash of the key as the dialect compares it
  };

  KvIndex(std::string_view text, const KvFormat& format);
  /// The key's assignments in the scope of `format`'s section. `format` must have the dialect,
  /// comment and separator the index was built with (and `key` was made with).
  KvScan Scan(const Key& key, const KvFormat& format) const;
  KvScan Scan(const std::string& key, const KvFormat& format) const { return Scan(Key(key, format), format); }

 private:
  struct Entry {
    uint32_t line;          ///< 1-based
    std::string_view text;  ///< trimmed
    int section;            ///< index in sections_; -1 before the first header
  };
  std::vector<std::string_view> sections_;  ///< header names in file order
  /// Every active line under the hash of its key, sorted by hash and then line: one allocation
  /// for a file rather than a node and a list per key, since a run keeps thousands of small files
  /// indexed. Lines of another key with the same hash are told apart by Scan, which parses each.
  std::vector<std::pair<size_t, Entry>> by_key_;
};

/// The key's assignments in `text` (KvIndex's Scan of a one-off index).
KvScan ScanKv(std::string_view text, const std::string& key, const KvFormat& format);

/// systemd's sysctl_normalize: when a dot comes before any slash, dots and slashes swap, so
/// "net.ipv4.conf.eth0/1.rp_filter" and "net/ipv4/conf/eth0.1/rp_filter" are the same key, whose
/// path under /proc/sys is the result.
std::string SysctlNormal(std::string_view key);

/// True when the file's key `a` is the policy's key `b` in this dialect (case, sysctl's "/").
bool SameKvKey(KvDialect dialect, std::string_view a, std::string_view b);

/// The text with the key set to `value` (or every line of it removed when nullopt).
std::string EditKv(std::string_view text, const std::string& key, const std::optional<std::string>& value,
                   const KvFormat& format);

}  // namespace plumb
