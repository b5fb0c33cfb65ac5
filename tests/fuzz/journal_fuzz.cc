// libFuzzer: the journal parser on arbitrary bytes, both as they are and, when they are a JSON
// object, with a valid checksum added so the fuzzer reaches every field read. Invariants: no
// crash or sanitizer report; an accepted journal serialises and parses back to the same text.

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/run/journal.h"
#include "engine/util/sha256.h"

using namespace plumb;

namespace {

void Check(const std::string& text) {
  auto j = ParseJournal(text);
  if (!j) return;
  std::string again = SerializeJournal(*j);
  auto back = ParseJournal(again);
  if (!back || SerializeJournal(*back) != again) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  Check(text);
  // The same document with a correct checksum (bounded depth first, as the parser does).
  auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return 0;
  size_t depth = 0, max_depth = 0;
  for (char c : text) {
    if (c == '[' || c == '{') max_depth = std::max(max_depth, ++depth);
    if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  if (max_depth > 64) return 0;
  doc.erase("checksum");
  doc["checksum"] = Sha256Hex(doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  Check(doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  return 0;
}
