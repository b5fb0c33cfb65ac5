#pragma once
/// Values that interpolation substitutes: a policy's [vars] defaults, the data layers' keys and
/// the node's facts, as one tree that keeps TOML's types. Floats and dates are not data: no
/// property takes them.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/util/diagnostic.h"

namespace plumb {

enum class DatumKind { kString, kInteger, kBool, kList, kTable, kSecret };

/// One value. Invariant: only the members of `kind` are meaningful (`text` for kString and for
/// kSecret, which holds a secret reference like "file:/etc/plumb/secrets/db" written as
/// `{ secret = "..." }`); `line` and `column` are where it is written in its file (0 for a fact).
struct Datum {
  DatumKind kind = DatumKind::kString;
  std::string text;
  int64_t integer = 0;
  bool boolean = false;
  std::vector<Datum> list;
  std::map<std::string, Datum> table;
  uint32_t line = 0, column = 0;

  static Datum String(std::string s) {
    Datum d;
    d.text = std::move(s);
    return d;
  }
  bool IsScalar() const { return kind == DatumKind::kString || kind == DatumKind::kInteger || kind == DatumKind::kBool; }
  /// Whether it is a secret reference or holds one.
  bool HoldsSecret() const;
  bool operator==(const Datum& o) const;
};

/// "a string", "an integer", "a boolean", "a list", "a table", "a secret reference".
const char* KindName(DatumKind kind);

/// A scalar as text ("8080", "true"); lists and tables as TOML inline values for messages.
std::string DatumText(const Datum& d);

/// A value as TOML writes it (strings quoted), secret references as "<redacted>" unless
/// `secrets` is kShow: what plan --values and explain print.
enum class SecretDisplay { kRedact, kShow };
std::string DatumToml(const Datum& d, SecretDisplay secrets = SecretDisplay::kRedact);

/// Splits "a.b.c" into its parts; an empty part (as in "a..b") gives an empty list.
std::vector<std::string> SplitKey(const std::string& dotted);

}  // namespace plumb
