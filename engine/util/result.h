#pragma once
/// Errors as values. A Result<T> holds either a T or an Error; Status is a Result with no value.
/// Invariant: exactly one of value() / error() is valid; ok() tells which.
/// Code decides on an error's kind, never on its text: the text is for people and may be reworded.

#include <ostream>
#include <string>
#include <utility>
#include <variant>

namespace plumb {

/// What went wrong, for the code that has to decide what to do about it.
enum class ErrorKind {
  kNotFound,          ///< the file, service, key or node does not exist
  kPermissionDenied,  ///< the OS refused access
  kAlreadyExists,     ///< something is in the way
  kInvalidInput,      ///< the input (policy, property, command line, a file's shape) is wrong
  kCorrupt,           ///< stored state or a report does not read back as written
  kBusy,              ///< another run or process holds it
  kTimedOut,          ///< did not finish in the time allowed
  kUnavailable,       ///< a backend, service or API cannot be reached now; may work later
  kUnsupported,       ///< this platform or version cannot do it
  kInternal,          ///< anything else: an I/O error, a command that failed, a bug
};

/// "not found", "permission denied", ... as tests and logs print kinds.
const char* ToString(ErrorKind kind);

/// A failure with its kind and the exact user-visible text. Messages are lower-case, without a
/// trailing period, and name the object they concern (a path, a resource) so they stand alone in a
/// report.
struct Error {
  Error(ErrorKind k, std::string text) : kind(k), message(std::move(text)) {}
  ErrorKind kind;
  std::string message;

  /// The same kind with more context in front: "cannot copy the report: " + message.
  Error Prefixed(const std::string& context) const { return Error(kind, context + message); }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  /// Whether this failed with `kind`.
  bool Is(ErrorKind kind) const { return !ok() && error().kind == kind; }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

inline const char* ToString(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kNotFound: return "not found";
    case ErrorKind::kPermissionDenied: return "permission denied";
    case ErrorKind::kAlreadyExists: return "already exists";
    case ErrorKind::kInvalidInput: return "invalid input";
    case ErrorKind::kCorrupt: return "corrupt";
    case ErrorKind::kBusy: return "busy";
    case ErrorKind::kTimedOut: return "timed out";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kUnsupported: return "unsupported";
    case ErrorKind::kInternal: return "internal";
  }
  return "internal";
}

/// gtest and logs print an error as "[kind] message".
inline std::ostream& operator<<(std::ostream& out, const Error& e) {
  return out << "[" << ToString(e.kind) << "] " << e.message;
}
template <class T>
void PrintTo(const Result<T>& r, std::ostream* out) {
  if (r.ok()) {
    *out << "ok";
  } else {
    *out << r.error();
  }
}

}  // namespace plumb
