// HttpClient with libcurl (Debian's libcurl4-openssl-dev): TLS with the system's CAs or a CA file, and
// a client certificate.

#include <curl/curl.h>

#include <mutex>

#include "engine/os/http.h"
#include "engine/util/c_handle.h"

namespace plumb {
namespace {

using EasyPtr = CHandle<CURL, curl_easy_cleanup>;
using ListPtr = CHandle<curl_slist, curl_slist_free_all>;

size_t Collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

class CurlClient : public HttpClient {
 public:
  CurlClient() {
    // curl_global_init is not thread-safe; one call per process, before the first handle.
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  Result<HttpResponse> Post(const HttpRequest& request) override {
    EasyPtr curl(curl_easy_init());
    if (!curl) return Error(ErrorKind::kInternal, "cannot start an HTTP request");
    curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
    for (const auto& [name, value] : request.headers) list = curl_slist_append(list, (name + ": " + value).c_str());
    ListPtr headers(list);
    HttpResponse response;
    char why[CURL_ERROR_SIZE] = "";
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT, request.timeout_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, why);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
    if (!request.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, request.ca_file.c_str());
    if (!request.client_cert.empty()) {
      curl_easy_setopt(c, CURLOPT_SSLCERT, request.client_cert.c_str());
      curl_easy_setopt(c, CURLOPT_SSLKEY, request.client_key.c_str());
    }
    if (CURLcode rc = curl_easy_perform(c); rc != CURLE_OK)
      return Error(ErrorKind::kUnavailable, why[0] ? std::string(why) : std::string(curl_easy_strerror(rc)));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }
};

}  // namespace

std::unique_ptr<HttpClient> MakeHttpClient() { return std::make_unique<CurlClient>(); }

}  // namespace plumb
