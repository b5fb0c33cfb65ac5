#pragma once
/// libcurl, loaded when plumb first speaks HTTP rather than when it starts. Linked at start,
/// libcurl and the libraries only it needs (OpenLDAP, GnuTLS, nghttp2, libpsl, ...) cost every
/// plumb run about 4 ms of loading and symbol binding, while only the reboot lock (FleetLock,
/// etcd) uses HTTP.
///
/// Invariant: a loaded CurlApi stays valid for the life of the process (the library is opened
/// with RTLD_NODELETE and never closed) and curl_global_init has run once through it.

#include <curl/curl.h>

#include <string>

#include "engine/util/result.h"

namespace plumb {

/// The libcurl functions plumb calls, with libcurl's own signatures.
struct CurlApi {
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  void (*easy_cleanup)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

/// The libcurl ABI plumb is built against (libcurl4 on Debian).
inline constexpr char kLibcurlSoname[] = "libcurl.so.4";

/// Loads `soname` and binds CurlApi from it; loading the same name again returns the same API.
/// kUnavailable when it cannot be loaded or lacks a function: "cannot load libcurl.so.4, which
/// plumb needs for HTTP (Debian package libcurl4): DLERROR".
Result<const CurlApi*> LoadCurlApi(const std::string& soname = kLibcurlSoname);

}  // namespace plumb
