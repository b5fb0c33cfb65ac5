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

struct Diagnostic {
  DiagnosticSeverity severity = DiagnosticSeverity::kError;
  SourceLocation where;
  std::string message;
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

/// Collects every diagnostic of a run so that all problems are reported, not only the first.
class Diagnostics {
 public:
  void Error(SourceLocation where, std::string message);
  void Warning(SourceLocation where, std::string message);
  /// Adds every diagnostic of `other`, keeping their order.
  void Append(const Diagnostics& other);
  bool HasErrors() const { return errors_ > 0; }
  size_t ErrorCount() const { return errors_; }
  size_t WarningCount() const { return list_.size() - errors_; }
  /// Sorted by path, line, column; stable for equal locations.
  std::vector<Diagnostic> Sorted() const;
  const std::vector<Diagnostic>& All() const { return list_; }

 private:
  std::vector<Diagnostic> list_;
  size_t errors_ = 0;
};

/// "path:line:col: message\n  line | source\n       | ^\n" — the form editors and CI annotate.
std::string Render(const Diagnostic& d, const SourceFiles& sources);

}  // namespace plumb
