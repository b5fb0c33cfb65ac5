// HttpClient with libcurl (Debian's libcurl4-openssl-dev), loaded at the first request
// (curl_api.h): TLS with the system's CAs or a CA file, and a client certificate.

#include <memory>

#include "engine/os/http.h"
#include "engine/os/linux/curl_api.h"

namespace plumb {
namespace {

size_t Collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

class CurlClient : public HttpClient {
 public:
  Result<HttpResponse> Post(const HttpRequest& request) override {
    auto loaded = LoadCurlApi();
    if (!loaded) return loaded.error();
    const CurlApi& api = **loaded;
    std::unique_ptr<CURL, void (*)(CURL*)> curl(api.easy_init(), api.easy_cleanup);
    if (!curl) return Error(ErrorKind::kInternal, "cannot start an HTTP request");
    curl_slist* list = api.slist_append(nullptr, "Content-Type: application/json");
    for (const auto& [name, value] : request.headers) list = api.slist_append(list, (name + ": " + value).c_str());
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(list, api.slist_free_all);
    HttpResponse response;
    char why[CURL_ERROR_SIZE] = "";
    CURL* c = curl.get();
    api.easy_setopt(c, CURLOPT_URL, request.url.c_str());
    api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    api.easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    api.easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
    api.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    api.easy_setopt(c, CURLOPT_TIMEOUT, request.timeout_s);
    api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(c, CURLOPT_ERRORBUFFER, why);
    api.easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
    api.easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
    if (!request.ca_file.empty()) api.easy_setopt(c, CURLOPT_CAINFO, request.ca_file.c_str());
    if (!request.client_cert.empty()) {
      api.easy_setopt(c, CURLOPT_SSLCERT, request.client_cert.c_str());
      api.easy_setopt(c, CURLOPT_SSLKEY, request.client_key.c_str());
    }
    if (CURLcode rc = api.easy_perform(c); rc != CURLE_OK)
      return Error(ErrorKind::kUnavailable, why[0] ? std::string(why) : std::string(api.easy_strerror(rc)));
    api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }
};

}  // namespace

std::unique_ptr<HttpClient> MakeHttpClient() { return std::make_unique<CurlClient>(); }

}  // namespace plumb
