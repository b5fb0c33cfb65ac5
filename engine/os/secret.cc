#include "engine/os/secret.h"

#include <cctype>
#include <cstdlib>

#include "engine/os/trust.h"

namespace plumb {
namespace {

constexpr uint64_t kMaxSecretBytes = 1 << 20;

bool IsAbsolute(std::string_view path) {
  if (!path.empty() && (path[0] == '/' || path[0] == '\\')) return true;
  return path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':' &&
         (path[2] == '/' || path[2] == '\\');
}

bool IsVariableName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

class SystemSecretStore : public SecretStore {
 public:
  explicit SystemSecretStore(FileSystem& fs) : fs_(fs) {}

  Result<std::string> Read(const std::string& ref) override {
    auto fail = [&](ErrorKind kind, const std::string& why) { return Error{kind, "secret '" + ref + "': " + why}; };
    if (!CheckSecretReference(ref).empty()) return fail(ErrorKind::kInvalidInput, CheckSecretReference(ref));
    size_t colon = ref.find(':');
    std::string scheme = ref.substr(0, colon), rest = ref.substr(colon + 1);
    if (scheme == "env") {
      const char* value = std::getenv(rest.c_str());
      if (!value) return fail(ErrorKind::kNotFound, "the environment variable is not set");
      return std::string(value);
    }
    // The file decides what plumb writes as root: the StrictModes rule of the state folder.
    if (auto st = CheckTrusted(rest, TrustScope::kPathOnly); !st) return fail(st.error().kind, st.error().message);
    auto file = fs_.Load(rest, kMaxSecretBytes);
    if (!file) return fail(file.error().kind, file.error().message);
    if (file->info.kind == FileKind::kMissing) return fail(ErrorKind::kNotFound, "'" + rest + "' does not exist");
    if (file->info.kind != FileKind::kRegular)
      return fail(ErrorKind::kInvalidInput, "'" + rest + "' is a " + ToString(file->info.kind) + ", not a file");
    if (!file->complete) return fail(ErrorKind::kInvalidInput, "'" + rest + "' is larger than 1 MiB, which no secret is");
    std::string value = std::move(file->bytes);
    if (scheme == "dpapi") {
      auto plain = UnprotectSecret(value);
      if (!plain) return fail(plain.error().kind, plain.error().message);
      value = std::move(*plain);
    }
    // Files written with `echo` end in a newline that is not part of the secret.
    if (!value.empty() && value.back() == '\n') value.pop_back();
    if (!value.empty() && value.back() == '\r') value.pop_back();
    return value;
  }

 private:
  FileSystem& fs_;
};

}  // namespace

std::string CheckSecretReference(std::string_view ref) {
  std::string quoted = "secret reference '" + std::string(ref) + "'";
  size_t colon = ref.find(':');
  std::string_view scheme = ref.substr(0, colon == std::string_view::npos ? 0 : colon);
  std::string_view rest = colon == std::string_view::npos ? std::string_view() : ref.substr(colon + 1);
  if (scheme == "env")
    return IsVariableName(rest) ? "" : quoted + " must name an environment variable (letters, digits and '_')";
  if (scheme == "file" || scheme == "dpapi") return IsAbsolute(rest) ? "" : quoted + " must name an absolute path";
  return quoted + " must start with 'file:', 'env:' or 'dpapi:'";
}

std::unique_ptr<SecretStore> MakeSecretStore(FileSystem& fs) { return std::make_unique<SystemSecretStore>(fs); }

}  // namespace plumb
