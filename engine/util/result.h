#pragma once
/// Errors as values. A Result<T> holds either a T or an Error; Status is a Result with no value.
/// Invariant: exactly one of value() / error() is valid; ok() tells which.

#include <string>
#include <utility>
#include <variant>

namespace plumb {

/// A failure with the exact user-visible text. Messages are lower-case, without a trailing period,
/// and name the object they concern (a path, a resource) so they stand alone in a report.
struct Error {
  std::string message;
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

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace plumb
