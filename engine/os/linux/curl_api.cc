// dlopen and dlsym for libcurl. The loaded APIs are kept for the process: libcurl's global
// state (curl_global_init) is per process, and unloading it while OpenSSL keeps exit handlers
// into it is unsafe.

#include "engine/os/linux/curl_api.h"

#include <dlfcn.h>

#include <map>
#include <mutex>
#include <type_traits>

namespace plumb {

Result<const CurlApi*> LoadCurlApi(const std::string& soname) {
  static std::mutex mu;
  static std::map<std::string, CurlApi> loaded;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = loaded.find(soname); it != loaded.end()) return &it->second;
  auto fail = [&](const char* why) {
    return Error{ErrorKind::kUnavailable, "cannot load " + soname + ", which plumb needs for HTTP (Debian package libcurl4): " +
                                              std::string(why ? why : "unknown error")};
  };
  void* lib = ::dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!lib) return fail(::dlerror());
  CurlApi api{};
  bool complete = true;
  auto bind = [&](auto& fn, const char* name) {
    void* sym = ::dlsym(lib, name);
    if (!sym) complete = false;
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(sym);
  };
  CURLcode (*global_init)(long) = nullptr;
  bind(global_init, "curl_global_init");
  bind(api.easy_init, "curl_easy_init");
  bind(api.easy_setopt, "curl_easy_setopt");
  bind(api.easy_perform, "curl_easy_perform");
  bind(api.easy_getinfo, "curl_easy_getinfo");
  bind(api.easy_cleanup, "curl_easy_cleanup");
  bind(api.easy_strerror, "curl_easy_strerror");
  bind(api.slist_append, "curl_slist_append");
  bind(api.slist_free_all, "curl_slist_free_all");
  if (!complete) return fail(::dlerror());
  // curl_global_init is not thread-safe: it runs here, under the lock, once per library.
  if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return fail("curl_global_init failed");
  return &loaded.emplace(soname, api).first->second;
}

}  // namespace plumb
