#pragma once
/// Diagnostics for policy input: a location, a message, and rendering with the source line and a
/// caret. Invariant: line and column are 1-based; 0 means "whole file" (no caret is drawn).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace plumb {

struct SourceLocation {
  std::string path;
  uint32_t line = 0;
  uint32_t column = 0;
};

enum class DiagnosticSeverity { kError, kWarning };

/// The kind of problem, one SARIF rule each (engine/report/sarif.cc describes them).
enum class DiagnosticRule {
  kSchema,                 ///< a value, key or table that does not fit the policy language
  kTomlSyntax,             ///< not TOML (or not text)
  kUnreadable,             ///< a file or folder that cannot be read, or is refused
  kUnknownType,            ///< a resource type plumb does not have
  kUnknownProperty,        ///< a property the type does not have
  kMissingProperty,        ///< a required property or key is not given
  kDuplicateId,            ///< two policies or two resources of a policy with one id
  kUnknownReference,       ///< depends_on, after or notify names no resource
  kDependencyCycle,        ///< resources that wait for each other
  kManagedTwice,           ///< two resources manage the same thing
  kUnpreparable,           ///< a valid resource that cannot be prepared on this node
  kNoEffect,               ///< warning: a setting that changes nothing
  kNoNode,                 ///< warning: a policy that applies to no node of the inventory
  kInapplicableReference,  ///< warning: a reference to a resource that does not apply to the node
};

struct Diagnostic {
  DiagnosticSeverity severity = DiagnosticSeverity::kError;
  SourceLocation where;
  std::string message;
  DiagnosticRule rule = DiagnosticRule::kSchema;
};

/// The text of every loaded file, kept so diagnostics can quote the offending line.
class SourceFiles {
 public:
  void Add(const std::string& path, std::shared_ptr<const std::string> text);
  void Merge(SourceFiles&& other);
  bool Has(const std::string& path) const { return files_.count(path) > 0; }
  /// The 1-based line of `path`, without its newline; empty when unknown.
  std::string Line(const std::string& path, uint32_t line) const;

 private:
  std::map<std::string, std::shared_ptr<const std::string>> files_;
};

/// A stretch of a file whose text is never shown: a sensitive property's value. Lines and columns
/// are 1-based like SourceLocation; the end column is exclusive.
struct Span {
  std::string path;
  uint32_t line = 0, column = 0, end_line = 0, end_column = 0;
};

/// Collects every diagnostic of a run so that all problems are reported, not only the first.
class Diagnostics {
 public:
  void Error(SourceLocation where, std::string message, DiagnosticRule rule = DiagnosticRule::kSchema);
  void Warning(SourceLocation where, std::string message, DiagnosticRule rule = DiagnosticRule::kNoEffect);
  /// Adds every diagnostic of `other`, keeping their order.
  void Append(const Diagnostics& other);
  bool HasErrors() const { return errors_ > 0; }
  size_t ErrorCount() const { return errors_; }
  size_t WarningCount() const { return list_.size() - errors_; }
  /// Sorted by path, line, column; stable for equal locations.
  std::vector<Diagnostic> Sorted() const;
  const std::vector<Diagnostic>& All() const { return list_; }
  /// Marks text that Render must show as "<redacted>" when it quotes a line.
  void Redact(Span span) { redacted_.push_back(std::move(span)); }
  const std::vector<Span>& redacted() const { return redacted_; }

 private:
  std::vector<Diagnostic> list_;
  std::vector<Span> redacted_;
  size_t errors_ = 0;
};

/// "path:line:col: message\n  line | source\n       | ^\n" — the form editors and CI annotate.
/// Text inside a `redacted` span is replaced by "<redacted>" in the quoted line.
std::string Render(const Diagnostic& d, const SourceFiles& sources, const std::vector<Span>& redacted = {});

}  // namespace plumb
