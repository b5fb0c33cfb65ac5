// The Windows registry backend: RegGetValueW / RegSetValueExW / RegDeleteValueW in the 64-bit view.

#include <windows.h>

#include "resources/system_backends.h"
#include "engine/os/win32/wide.h"

namespace plumb {
namespace {

using win32::Narrow;
using win32::Wide;

struct KeyPath {
  HKEY root = nullptr;
  std::wstring sub;
};

std::optional<KeyPath> Split(const std::string& key) {
  static const std::pair<const char*, HKEY> kRoots[] = {
      {"HKLM", HKEY_LOCAL_MACHINE}, {"HKEY_LOCAL_MACHINE", HKEY_LOCAL_MACHINE}, {"HKU", HKEY_USERS},
      {"HKEY_USERS", HKEY_USERS},   {"HKCU", HKEY_CURRENT_USER},                {"HKEY_CURRENT_USER", HKEY_CURRENT_USER},
      {"HKCR", HKEY_CLASSES_ROOT},  {"HKEY_CLASSES_ROOT", HKEY_CLASSES_ROOT}};
  auto slash = key.find('\\');
  if (slash == std::string::npos) return std::nullopt;
  for (const auto& [name, root] : kRoots)
    if (key.compare(0, slash, name) == 0) return KeyPath{root, Wide(key.substr(slash + 1))};
  return std::nullopt;
}

Error Failure(const std::string& what, const std::string& key, const std::string& name, LONG err) {
  return Error{win32::KindOf(static_cast<DWORD>(err)), "cannot " + what + " registry value '" + key + "\\" + name + "': " + win32::ErrorText(static_cast<DWORD>(err))};
}

// An open key, closed when it goes out of scope.
class KeyHandle {
 public:
  KeyHandle() = default;
  KeyHandle(const KeyHandle&) = delete;
  KeyHandle& operator=(const KeyHandle&) = delete;
  ~KeyHandle() {
    if (h_) ::RegCloseKey(h_);
  }
  HKEY* out() { return &h_; }
  HKEY get() const { return h_; }

 private:
  HKEY h_ = nullptr;
};

class Win32Registry : public RegistryStore {
 public:
  Result<std::optional<RegValue>> Get(const std::string& key, const std::string& name) override {
    auto path = Split(key);
    if (!path) return Error{ErrorKind::kInvalidInput, "unknown registry root in '" + key + "'"};
    std::wstring wname = Wide(name);
    DWORD type = 0, size = 0;
    LONG err = ::RegGetValueW(path->root, path->sub.c_str(), wname.c_str(), RRF_RT_ANY | RRF_NOEXPAND | RRF_SUBKEY_WOW6464KEY,
                              &type, nullptr, &size);
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) return std::optional<RegValue>();
    if (err != ERROR_SUCCESS) return Failure("read", key, name, err);
    std::string data(size, '\0');
    err = ::RegGetValueW(path->root, path->sub.c_str(), wname.c_str(), RRF_RT_ANY | RRF_NOEXPAND | RRF_SUBKEY_WOW6464KEY,
                         &type, data.data(), &size);
    if (err != ERROR_SUCCESS) return Failure("read", key, name, err);
    data.resize(size);
    auto text = [&](std::string_view bytes) {
      std::wstring w(reinterpret_cast<const wchar_t*>(bytes.data()), bytes.size() / sizeof(wchar_t));
      while (!w.empty() && w.back() == L'\0') w.pop_back();
      return Narrow(w);
    };
    RegValue v;
    switch (type) {
      case REG_SZ: v.type = RegType::kString; v.text = text(data); break;
      case REG_EXPAND_SZ: v.type = RegType::kExpandString; v.text = text(data); break;
      case REG_MULTI_SZ: {
        v.type = RegType::kMultiString;
        std::wstring w(reinterpret_cast<const wchar_t*>(data.data()), data.size() / sizeof(wchar_t));
        for (size_t start = 0; start < w.size();) {
          size_t end = w.find(L'\0', start);
          if (end == std::wstring::npos) end = w.size();
          if (end == start) break;  // the empty string that ends the list
          v.list.push_back(Narrow(w.substr(start, end - start)));
          start = end + 1;
        }
        break;
      }
      case REG_DWORD: v.type = RegType::kDword; v.number = data.size() >= 4 ? *reinterpret_cast<const uint32_t*>(data.data()) : 0; break;
      case REG_QWORD: v.type = RegType::kQword; v.number = data.size() >= 8 ? *reinterpret_cast<const uint64_t*>(data.data()) : 0; break;
      default: v.type = RegType::kBinary; v.bytes = data; break;
    }
    return std::optional<RegValue>(v);
  }

  Status Set(const std::string& key, const std::string& name, const RegValue& v) override {
    auto path = Split(key);
    if (!path) return Error{ErrorKind::kInvalidInput, "unknown registry root in '" + key + "'"};
    KeyHandle h;
    LONG err = ::RegCreateKeyExW(path->root, path->sub.c_str(), 0, nullptr, 0, KEY_SET_VALUE | KEY_WOW64_64KEY, nullptr,
                                 h.out(), nullptr);
    if (err != ERROR_SUCCESS) return Failure("create the key of", key, name, err);
    std::string data;
    DWORD type = REG_SZ;
    auto wide_bytes = [](const std::wstring& w) {
      return std::string(reinterpret_cast<const char*>(w.c_str()), (w.size() + 1) * sizeof(wchar_t));
    };
    switch (v.type) {
      case RegType::kString: type = REG_SZ; data = wide_bytes(Wide(v.text)); break;
      case RegType::kExpandString: type = REG_EXPAND_SZ; data = wide_bytes(Wide(v.text)); break;
      case RegType::kMultiString: {
        type = REG_MULTI_SZ;
        std::wstring all;
        for (const auto& s : v.list) all += Wide(s) + L'\0';
        data = wide_bytes(all);  // adds the final terminator
        break;
      }
      case RegType::kDword: {
        type = REG_DWORD;
        uint32_t n = static_cast<uint32_t>(v.number);
        data.assign(reinterpret_cast<const char*>(&n), sizeof n);
        break;
      }
      case RegType::kQword: type = REG_QWORD; data.assign(reinterpret_cast<const char*>(&v.number), sizeof v.number); break;
      case RegType::kBinary: type = REG_BINARY; data = v.bytes; break;
    }
    err = ::RegSetValueExW(h.get(), Wide(name).c_str(), 0, type, reinterpret_cast<const BYTE*>(data.data()),
                           static_cast<DWORD>(data.size()));
    if (err != ERROR_SUCCESS) return Failure("write", key, name, err);
    return OkStatus();
  }

  Status Delete(const std::string& key, const std::string& name) override {
    auto path = Split(key);
    if (!path) return Error{ErrorKind::kInvalidInput, "unknown registry root in '" + key + "'"};
    KeyHandle h;
    LONG err = ::RegOpenKeyExW(path->root, path->sub.c_str(), 0, KEY_SET_VALUE | KEY_WOW64_64KEY, h.out());
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) return OkStatus();
    if (err != ERROR_SUCCESS) return Failure("open the key of", key, name, err);
    err = ::RegDeleteValueW(h.get(), Wide(name).c_str());
    if (err != ERROR_SUCCESS && err != ERROR_FILE_NOT_FOUND) return Failure("delete", key, name, err);
    return OkStatus();
  }

  Result<std::vector<std::string>> ValueNames(const std::string& key) override {
    auto path = Split(key);
    if (!path) return Error{ErrorKind::kInvalidInput, "unknown registry root in '" + key + "'"};
    KeyHandle h;
    LONG err = ::RegOpenKeyExW(path->root, path->sub.c_str(), 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, h.out());
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND)
      return Error{ErrorKind::kNotFound, "there is no registry key '" + key + "'"};
    if (err != ERROR_SUCCESS)
      return Error{win32::KindOf(static_cast<DWORD>(err)), "cannot open registry key '" + key + "': " + win32::ErrorText(static_cast<DWORD>(err))};
    DWORD longest = 0;
    err = ::RegQueryInfoKeyW(h.get(), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, &longest, nullptr, nullptr, nullptr);
    if (err != ERROR_SUCCESS)
      return Error{win32::KindOf(static_cast<DWORD>(err)), "cannot read registry key '" + key + "': " + win32::ErrorText(static_cast<DWORD>(err))};
    std::vector<std::string> names;
    std::wstring buf(longest + 1, L'\0');
    for (DWORD i = 0;; ++i) {
      DWORD len = static_cast<DWORD>(buf.size());
      err = ::RegEnumValueW(h.get(), i, buf.data(), &len, nullptr, nullptr, nullptr, nullptr);
      if (err == ERROR_NO_MORE_ITEMS) break;
      if (err != ERROR_SUCCESS)
        return Error{win32::KindOf(static_cast<DWORD>(err)), "cannot list the values of registry key '" + key + "': " + win32::ErrorText(static_cast<DWORD>(err))};
      names.push_back(Narrow(buf.substr(0, len)));
    }
    return names;
  }
};

}  // namespace

std::unique_ptr<RegistryStore> MakeSystemRegistry() { return std::make_unique<Win32Registry>(); }

}  // namespace plumb
