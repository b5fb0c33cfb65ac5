// HttpClient with WinHTTP: TLS with the Windows certificate store (a CA file is refused: import
// the CA into the machine's store instead), the system's proxy settings.

#include <windows.h>
#include <winhttp.h>

#include "engine/os/http.h"
#include "engine/os/win32/wide.h"

namespace plumb {
namespace {

using win32::Wide;

struct InternetHandle {
  HINTERNET h = nullptr;
  explicit InternetHandle(HINTERNET handle) : h(handle) {}
  InternetHandle(const InternetHandle&) = delete;
  InternetHandle& operator=(const InternetHandle&) = delete;
  ~InternetHandle() {
    if (h) ::WinHttpCloseHandle(h);
  }
};

// WinHTTP's errors are not in the system's message table; these are the ones a node meets.
Error Failed(const std::string& doing) {
  DWORD code = ::GetLastError();
  const char* what = code == ERROR_WINHTTP_CANNOT_CONNECT       ? "cannot connect"
                     : code == ERROR_WINHTTP_TIMEOUT            ? "timed out"
                     : code == ERROR_WINHTTP_NAME_NOT_RESOLVED  ? "the name does not resolve"
                     : code == ERROR_WINHTTP_SECURE_FAILURE     ? "the server's certificate is not trusted"
                     : code == ERROR_WINHTTP_CONNECTION_ERROR   ? "the connection was reset"
                     : code == ERROR_WINHTTP_INVALID_URL        ? "the URL is invalid"
                     : code == ERROR_WINHTTP_UNRECOGNIZED_SCHEME ? "the URL's scheme is not http or https"
                                                                 : "error";
  return Error(ErrorKind::kUnavailable, doing + ": " + what + " (WinHTTP " + std::to_string(code) + ")");
}

class WinHttpClient : public HttpClient {
 public:
  Result<HttpResponse> Post(const HttpRequest& request) override {
    if (!request.ca_file.empty())
      return Error(ErrorKind::kUnsupported, "a CA file is not used on Windows: import the CA into the machine's "
                                            "Trusted Root Certification Authorities store");
    if (!request.client_cert.empty())
      return Error(ErrorKind::kUnsupported, "a client certificate from a PEM file is not used on Windows yet; "
                                            "authenticate with a token, or put a TLS-terminating proxy in front");
    std::wstring url = Wide(request.url);
    URL_COMPONENTS parts{};
    parts.dwStructSize = sizeof parts;
    wchar_t host[256], path[2048];
    parts.lpszHostName = host;
    parts.dwHostNameLength = 256;
    parts.lpszUrlPath = path;
    parts.dwUrlPathLength = 2048;
    if (!::WinHttpCrackUrl(url.c_str(), 0, 0, &parts)) return Failed("cannot read the URL " + request.url);
    InternetHandle session(::WinHttpOpen(L"plumb", WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, WINHTTP_NO_PROXY_NAME,
                                         WINHTTP_NO_PROXY_BYPASS, 0));
    if (!session.h) return Failed("cannot start WinHTTP");
    int ms = static_cast<int>(request.timeout_s * 1000);
    ::WinHttpSetTimeouts(session.h, ms, ms, ms, ms);
    InternetHandle connection(::WinHttpConnect(session.h, host, parts.nPort, 0));
    if (!connection.h) return Failed("cannot reach " + request.url);
    DWORD flags = parts.nScheme == INTERNET_SCHEME_HTTPS ? WINHTTP_FLAG_SECURE : 0;
    InternetHandle req(::WinHttpOpenRequest(connection.h, L"POST", path, nullptr, WINHTTP_NO_REFERER,
                                            WINHTTP_DEFAULT_ACCEPT_TYPES, flags));
    if (!req.h) return Failed("cannot reach " + request.url);
    std::wstring headers = L"Content-Type: application/json\r\n";
    for (const auto& [name, value] : request.headers) headers += Wide(name + ": " + value + "\r\n");
    if (!::WinHttpSendRequest(req.h, headers.c_str(), static_cast<DWORD>(headers.size()),
                              const_cast<char*>(request.body.data()), static_cast<DWORD>(request.body.size()),
                              static_cast<DWORD>(request.body.size()), 0) ||
        !::WinHttpReceiveResponse(req.h, nullptr))
      return Failed("no answer from " + request.url);
    HttpResponse response;
    DWORD status = 0, size = sizeof status;
    if (!::WinHttpQueryHeaders(req.h, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_HEADER_NAME_BY_INDEX,
                               &status, &size, WINHTTP_NO_HEADER_INDEX))
      return Failed("no status from " + request.url);
    response.status = static_cast<long>(status);
    for (;;) {
      DWORD available = 0;
      if (!::WinHttpQueryDataAvailable(req.h, &available)) return Failed("the answer of " + request.url + " broke off");
      if (available == 0) break;
      std::string chunk(available, '\0');
      DWORD read = 0;
      if (!::WinHttpReadData(req.h, chunk.data(), available, &read)) return Failed("the answer of " + request.url + " broke off");
      response.body.append(chunk, 0, read);
    }
    return response;
  }
};

}  // namespace

std::unique_ptr<HttpClient> MakeHttpClient() { return std::make_unique<WinHttpClient>(); }

}  // namespace plumb
