#pragma once
/// Line-oriented `key = value` editing for the kv resource (sysctl.d, sshd_config,
/// /etc/default/grub, INI files). Pure text functions, so every rule is unit-tested.
///
/// Rules: a line is active unless blank or starting (after indentation) with a comment character.
/// Without a section, only lines before the first "[section]" header are in scope; with one,
/// only the lines of that section. The first active line for the key is the one that counts;
/// later duplicates are removed when the setting is converged. Every other line is kept byte for
/// byte.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plumb {

struct KvFormat {
  std::string separator = " = ";  ///< written between key and value; matched trimmed ("=")
  std::string comment = "#";      ///< characters that start a comment line
  std::string section;            ///< INI section, "" for none
};

struct KvScan {
  std::vector<std::string> values;  ///< value of every active line of the key, in file order
  bool section_found = false;
};

KvScan ScanKv(std::string_view text, const std::string& key, const KvFormat& format);

/// The text with the key set to `value` (or every line of it removed when nullopt).
std::string EditKv(std::string_view text, const std::string& key, const std::optional<std::string>& value,
                   const KvFormat& format);

}  // namespace plumb
