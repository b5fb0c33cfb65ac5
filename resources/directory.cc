// The directory resource: presence, mode, owner and group of one folder.

#include "resources/attributes.h"
#include "resources/registry.h"

namespace plumb {
namespace {

enum class Ensure { kPresent, kAbsent };

class DirectoryResource : public Resource {
 public:
  DirectoryResource(std::string policy_path, std::string host_path, Ensure ensure, DesiredAttributes attrs,
                    Backends& b)
      : policy_path_(std::move(policy_path)), path_(std::move(host_path)), ensure_(ensure),
        attrs_(std::move(attrs)), b_(b) {}

  Result<Observation> Test() override {
    Observation obs;
    auto info = b_.fs.Stat(path_);
    if (!info) return info.error();
    if (ensure_ == Ensure::kAbsent) {
      if (info->kind == FileKind::kDirectory) {
        obs.drift.push_back({"ensure", "absent", "directory"});
      } else if (info->kind != FileKind::kMissing) {
        return Error{ErrorKind::kInvalidInput, "'" + policy_path_ + "' is a " + ToString(info->kind) + ", not a directory"};
      }
      return obs;
    }
    if (info->kind == FileKind::kMissing) {
      obs.drift.push_back({"ensure", "present", "absent"});
      return obs;
    }
    if (info->kind != FileKind::kDirectory)
      return Error{ErrorKind::kInvalidInput, "'" + policy_path_ + "' is a " + ToString(info->kind) + ", expected a directory"};
    CompareAttributes(attrs_, *info, b_.accounts, obs.drift);
    return obs;
  }

  Status Set(const Observation&) override {
    auto info = b_.fs.Stat(path_);
    if (!info) return info.error();
    if (ensure_ == Ensure::kAbsent)
      return info->kind == FileKind::kMissing ? OkStatus() : b_.fs.RemoveDirectory(path_);
    if (info->kind == FileKind::kMissing) return b_.fs.MakeDirectory(path_, {attrs_.mode, attrs_.uid, attrs_.gid});
    return ApplyAttributes(attrs_, *info, path_, b_.fs);
  }

 private:
  std::string policy_path_;
  std::string path_;
  Ensure ensure_;
  DesiredAttributes attrs_;
  Backends& b_;
};

}  // namespace

TypeInfo DirectoryType() {
  TypeSchema s;
  s.name = "directory";
  s.description = "A folder: presence, mode, owner, group. Parents are not created; order them with depends_on.";
  s.properties = {
      {"path", ValueKind::kString, Requirement::kRequired, "absolute path of the folder", {}, CheckAbsolutePath},
      {"ensure", ValueKind::kString, Requirement::kOptional, "present (default) or absent (only when empty)",
       {"present", "absent"}},
  };
  for (auto& p : AttributeProperties()) s.properties.push_back(std::move(p));
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            std::string path = std::get<std::string>(spec.Find("path")->value);
            auto host = b.root.Resolve(path);
            if (!host) return host.error();
            Ensure ensure = Ensure::kPresent;
            if (auto e = spec.Find("ensure"); e && std::get<std::string>(e->value) == "absent") ensure = Ensure::kAbsent;
            auto attrs = ReadAttributes(spec, b.accounts);
            if (!attrs) return attrs.error();
            return std::unique_ptr<Resource>(new DirectoryResource(path, *host, ensure, std::move(*attrs), b));
          }};
}

}  // namespace plumb
