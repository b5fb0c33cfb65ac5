#pragma once
/// The augeas type's change sets and the libaugeas backend that applies them (resources/linux/;
/// none on Windows). Augeas is used as a pure function of a file's text: plumb reads the file,
/// Augeas parses it with a lens into a tree, the changes edit the tree, and the lens writes it
/// back to text, which plumb writes like every other file edit (atomically, journaled, under
/// --root). Augeas itself never reads or writes a file.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.h"
#include "resources/resource.h"

namespace plumb {

/// One change as augtool and Puppet write it:
///   set PATH VALUE             (VALUE may be quoted with ' or ")
///   clear PATH                 (the node exists, without a value)
///   rm PATH
///   ins LABEL before|after PATH
/// A PATH not starting with '/' is relative to the context (by default the file's tree,
/// "/files" followed by the file's path).
struct AugeasChange {
  enum class Op { kSet, kClear, kRm, kIns };
  enum class Side { kBefore, kAfter };
  Op op = Op::kSet;
  std::string path;   ///< absolute: the context joined to a relative path
  std::string value;  ///< set: the value; ins: the new node's label
  Side side = Side::kAfter;
  std::string text;   ///< the change as the policy wrote it, for messages
};

/// The tree of `file` ("/etc/fstab" is "/files/etc/fstab"), with the characters that path
/// expressions give a meaning escaped by a backslash.
std::string AugeasTreeOf(std::string_view file);

/// Parses one change; the message tail when it is not one of the four forms, or its absolute
/// path leads out of `context`.
Result<AugeasChange> ParseAugeasChange(std::string_view text, std::string_view context);

/// `onlyif`: the change set applies only while this holds, in Puppet's words:
///   match PATH size OP N      (OP one of == != < <= > >=)
///   get PATH == VALUE, get PATH != VALUE
/// A `get` of a path that matches no node finds no value, which no VALUE equals.
struct AugeasCondition {
  enum class Kind { kSize, kGet };
  Kind kind = Kind::kSize;
  std::string path;  ///< absolute, as for a change
  std::string op;
  std::string value;  ///< get: the value compared
  long long count = 0;  ///< size: the number compared
  std::string text;
};
Result<AugeasCondition> ParseAugeasCondition(std::string_view text, std::string_view context);
/// Whether `size` (a match's node count) or `value` (a get's) fulfils the condition.
bool AugeasConditionHolds(const AugeasCondition& c, long long size, const std::optional<std::string>& value);

/// Applying a change set to a text.
struct AugeasEdit {
  std::string text;  ///< what the lens writes back: the input itself when nothing changed
  /// One item per change that changed the tree: property is its absolute path, expected what
  /// the change makes of it, actual what the tree held.
  std::vector<PropertyDrift> drift;
};

/// Invariant of every change set: applied to its own result, it changes nothing. `set`, `clear`
/// and `rm` are idempotent as they are; `ins` is skipped when the node beside PATH on that side
/// already has the label, so "ins alias after 1/canonical" followed by a `set` of that alias
/// converges instead of adding one alias per run.
class Augeas {
 public:
  virtual ~Augeas() = default;
  /// Parses `text` as `file` with `lens` ("Fstab.lns"; empty: the lens Augeas's autoload picks
  /// for `file`), applies `changes` in order unless `onlyif` (when given) does not hold, and
  /// writes the tree back. kInvalidInput when the
  /// text does not parse, a path matches several nodes where one is needed, or the tree no
  /// longer fits the lens; kNotFound when there is no such lens, or none for the file.
  virtual Result<AugeasEdit> Edit(const std::string& file, const std::string& lens, std::string_view text,
                                  const AugeasCondition* onlyif, const std::vector<AugeasChange>& changes) = 0;
};

}  // namespace plumb
