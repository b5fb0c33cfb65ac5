#pragma once
/// Ownership of an object a C library allocates and frees with its own function (OpenSSL,
/// libgit2): CHandle<EVP_PKEY, EVP_PKEY_free> frees it exactly once, when the handle goes.

#include <memory>

namespace plumb {

template <class T, void (*Free)(T*)>
struct CFree {
  void operator()(T* p) const { Free(p); }
};

template <class T, void (*Free)(T*)>
using CHandle = std::unique_ptr<T, CFree<T, Free>>;

}  // namespace plumb
