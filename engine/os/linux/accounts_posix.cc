// User and group lookups through NSS, cached: a run asks for the same few names many times.

#include <grp.h>
#include <map>
#include <pwd.h>
#include <string>
#include <vector>

#include "engine/os/system.h"

namespace plumb {
namespace {

std::optional<uint32_t> Numeric(const std::string& s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v <= 0xFFFFFFFEu ? std::optional<uint32_t>(static_cast<uint32_t>(v)) : std::nullopt;
}

class PosixAccountDb : public AccountDb {
 public:
  std::optional<uint32_t> UserId(const std::string& name) override {
    if (auto n = Numeric(name)) return n;
    auto [it, fresh] = uids_.try_emplace(name);
    if (fresh) {
      struct passwd pw, *res = nullptr;
      std::vector<char> buf(16384);
      if (::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &res) == 0 && res) it->second = res->pw_uid;
    }
    return it->second;
  }
  std::optional<uint32_t> GroupId(const std::string& name) override {
    if (auto n = Numeric(name)) return n;
    auto [it, fresh] = gids_.try_emplace(name);
    if (fresh) {
      struct group gr, *res = nullptr;
      std::vector<char> buf(16384);
      if (::getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &res) == 0 && res) it->second = res->gr_gid;
    }
    return it->second;
  }
  std::string UserName(uint32_t uid) override {
    auto [it, fresh] = user_names_.try_emplace(uid, std::to_string(uid));
    if (fresh) {
      struct passwd pw, *res = nullptr;
      std::vector<char> buf(16384);
      if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &res) == 0 && res) it->second = res->pw_name;
    }
    return it->second;
  }
  std::string GroupName(uint32_t gid) override {
    auto [it, fresh] = group_names_.try_emplace(gid, std::to_string(gid));
    if (fresh) {
      struct group gr, *res = nullptr;
      std::vector<char> buf(16384);
      if (::getgrgid_r(gid, &gr, buf.data(), buf.size(), &res) == 0 && res) it->second = res->gr_name;
    }
    return it->second;
  }

 private:
  std::map<std::string, std::optional<uint32_t>> uids_, gids_;
  std::map<uint32_t, std::string> user_names_, group_names_;
};

}  // namespace

std::unique_ptr<AccountDb> MakeSystemAccountDb() { return std::make_unique<PosixAccountDb>(); }

}  // namespace plumb
