#include "engine/os/sql.h"

namespace plumb {

void EscapeCopyText(std::string_view text, std::string& out) {
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i], e;
    switch (c) {
      case '\\': e = '\\'; break;
      case '\t': e = 't'; break;
      case '\n': e = 'n'; break;
      case '\r': e = 'r'; break;
      default: continue;
    }
    out.append(text.substr(start, i - start));
    out += '\\';
    out += e;
    start = i + 1;
  }
  out.append(text.substr(start));
}

std::string HidePassword(const std::string& url) {
  // scheme://user:password@host...: the password runs from the first ':' after "//" to the last
  // '@' of the authority (a password may itself hold '@' when it is not percent-encoded).
  size_t auth = url.find("//");
  if (auth == std::string::npos) return url;
  auth += 2;
  size_t end = url.find_first_of("/?#", auth);
  std::string_view authority = std::string_view(url).substr(auth, end == std::string::npos ? std::string::npos : end - auth);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return url;
  size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return url;
  return url.substr(0, auth + colon + 1) + "***" + url.substr(auth + at);
}

}  // namespace plumb
