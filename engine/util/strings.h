#pragma once
/// Small string helpers shared by the policy loader, selectors and resources.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plumb {

std::string_view Trim(std::string_view s);
std::vector<std::string_view> SplitLines(std::string_view text);
/// The words of `text` between blanks (spaces, tabs, carriage returns), without empty ones.
std::vector<std::string_view> SplitWords(std::string_view text);
bool StartsWith(std::string_view s, std::string_view prefix);
std::string ToLower(std::string_view s);
/// ASCII case-insensitive equality, without allocating (service names, sshd keywords, facts).
bool EqualsIgnoringCase(std::string_view a, std::string_view b);
/// Orders strings without regard to ASCII case, as Windows compares the names of services,
/// features, groups and firewall rules.
struct NoCaseLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
/// "1 policy", "3 policies": a count with the word that fits it.
std::string Plural(size_t n, std::string_view one, std::string_view many);

/// Edit distance counting insertions, deletions, substitutions and adjacent swaps; used for
/// "did you mean" suggestions.
size_t EditDistance(std::string_view a, std::string_view b);

/// The closest candidate to `word` when it is close enough to be a plausible typo
/// (distance <= max(1, len/3)); nullopt otherwise. Ties go to the first candidate.
std::optional<std::string> Suggest(std::string_view word, const std::vector<std::string>& candidates);

/// ", did you mean 'x'?" or "" — ready to append to a message.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

enum class LetterCase { kIgnored, kSignificant };

/// Shell-style glob with '*' and '?'; case-insensitive by default (host names), case-sensitive
/// for file names as glob(3) matches them.
bool GlobMatch(std::string_view pattern, std::string_view text, LetterCase letters = LetterCase::kIgnored);

/// Compares dotted versions numerically component by component ("6.3" < "6.10", "12" == "12.0").
/// Non-numeric components compare as strings. Returns <0, 0 or >0.
int CompareVersions(std::string_view a, std::string_view b);

/// RFC 3986 percent-encoding of a path (every byte but unreserved characters and '/'): file URIs,
/// and values in a page's address fragment.
std::string PercentEncodePath(std::string_view path);

/// Quotes a value for messages: 'text' with control characters escaped.
std::string Quote(std::string_view s);

/// Formats a duration in seconds for humans: "0.02s", "1m05s".
std::string FormatSeconds(double seconds);

/// `text` safe to show on a terminal or put in XML: control characters other than those in
/// `keep` become "\x1b" (C1 controls "\u009b"), malformed UTF-8 bytes become U+FFFD; everything
/// else is kept as it is.
std::string Printable(std::string_view text, std::string_view keep);

}  // namespace plumb
