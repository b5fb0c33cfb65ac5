#include "engine/util/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace plumb {

void SourceFiles::Add(const std::string& path, std::shared_ptr<const std::string> text) {
  files_[path] = std::move(text);
}

void SourceFiles::Merge(SourceFiles&& other) { files_.merge(other.files_); }

std::string SourceFiles::Line(const std::string& path, uint32_t line) const {
  auto it = files_.find(path);
  if (it == files_.end() || line == 0) return "";
  const std::string& text = *it->second;
  size_t pos = 0;
  for (uint32_t n = 1; n < line; ++n) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return "";
    ++pos;
  }
  size_t end = text.find('\n', pos);
  std::string out = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return out;
}

void Diagnostics::Error(SourceLocation where, std::string message, DiagnosticRule rule) {
  list_.push_back({DiagnosticSeverity::kError, std::move(where), std::move(message), rule});
  ++errors_;
}

void Diagnostics::Warning(SourceLocation where, std::string message, DiagnosticRule rule) {
  list_.push_back({DiagnosticSeverity::kWarning, std::move(where), std::move(message), rule});
}

void Diagnostics::Append(const Diagnostics& other) {
  list_.insert(list_.end(), other.list_.begin(), other.list_.end());
  redacted_.insert(redacted_.end(), other.redacted_.begin(), other.redacted_.end());
  errors_ += other.errors_;
}

std::vector<Diagnostic> Diagnostics::Sorted() const {
  std::vector<Diagnostic> out = list_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.path, a.where.line, a.where.column) <
           std::tie(b.where.path, b.where.line, b.where.column);
  });
  return out;
}

namespace {

// The byte offset of 1-based code point column `column` in `line` (its size when beyond).
size_t ByteOf(const std::string& line, uint32_t column) {
  size_t byte = 0;
  for (uint32_t i = 1; i < column && byte < line.size(); ++i) {
    ++byte;
    while (byte < line.size() && (static_cast<unsigned char>(line[byte]) & 0xC0) == 0x80) ++byte;
  }
  return byte;
}

std::string RedactLine(std::string line, const std::string& path, uint32_t n, const std::vector<Span>& redacted) {
  std::vector<std::pair<size_t, size_t>> cuts;  // byte ranges of this line, in its original text
  for (const auto& s : redacted) {
    if (s.path != path || n < s.line || n > s.end_line) continue;
    size_t begin = n == s.line ? ByteOf(line, s.column) : 0;
    size_t end = n == s.end_line ? ByteOf(line, s.end_column) : line.size();
    if (end > begin) cuts.emplace_back(begin, end);
  }
  // Right to left, so earlier offsets stay valid; overlapping cuts are merged.
  std::sort(cuts.begin(), cuts.end(), [](auto a, auto b) { return a.first > b.first; });
  size_t limit = line.size();
  for (auto [begin, end] : cuts) {
    end = std::min(end, limit);
    if (begin >= end) continue;
    line.replace(begin, end - begin, "<redacted>");
    limit = begin;
  }
  return line;
}

}  // namespace

std::string Render(const Diagnostic& d, const SourceFiles& sources, const std::vector<Span>& redacted) {
  std::string out = d.where.path;
  if (d.where.line > 0) {
    out += ":" + std::to_string(d.where.line) + ":" + std::to_string(std::max<uint32_t>(d.where.column, 1));
  }
  out += d.severity == DiagnosticSeverity::kWarning ? ": warning: " : ": ";
  out += d.message + "\n";
  std::string line = sources.Line(d.where.path, d.where.line);
  if (d.where.line == 0 || line.empty()) return out;
  if (!redacted.empty()) line = RedactLine(std::move(line), d.where.path, d.where.line, redacted);
  // Columns count characters (UTF-8 code points), not bytes; one pad character per code point,
  // and tabs are kept, so the caret lands under the right character in a terminal.
  std::string gutter = std::to_string(d.where.line);
  out += " " + gutter + " | " + line + "\n";
  std::string pad;
  size_t byte = 0;
  for (uint32_t i = 1; i < d.where.column && byte < line.size(); ++i) {
    pad += line[byte] == '\t' ? '\t' : ' ';
    ++byte;
    while (byte < line.size() && (static_cast<unsigned char>(line[byte]) & 0xC0) == 0x80) ++byte;
  }
  out += " " + std::string(gutter.size(), ' ') + " | " + pad + "^\n";
  return out;
}

}  // namespace plumb
