#pragma once
/// A small HTTP client for the fleet's coordination services (the reboot semaphore on a FleetLock
/// server or in etcd): one POST of a JSON body, with TLS. libcurl on Linux (engine/os/linux/http_curl.cc), WinHTTP
/// on Windows (engine/os/win32/http_winhttp.cc).

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/util/result.h"

namespace plumb {

struct HttpRequest {
  std::string url;                                           ///< http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;  ///< sent as given
  std::string body;                                          ///< sent as application/json
  std::string ca_file;  ///< PEM CA certificates that https:// servers must chain to; empty: the system's
  std::string client_cert;  ///< PEM certificate shown to servers that ask for one; empty: none
  std::string client_key;   ///< its private key (PEM); set exactly when client_cert is
  long timeout_s = 30;  ///< for the whole exchange
};

/// What the server answered. A status other than 2xx is an answer, not an error.
struct HttpResponse {
  long status = 0;
  std::string body;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// POSTs `request`. Errors (kUnavailable) are the exchanges that got no answer: the name does
  /// not resolve, the connection is refused or times out, TLS fails; the message says which.
  virtual Result<HttpResponse> Post(const HttpRequest& request) = 0;
};

/// The platform's client.
std::unique_ptr<HttpClient> MakeHttpClient();

}  // namespace plumb
