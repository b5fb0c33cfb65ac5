// The directory resource: presence, mode, owner and group of one folder.

#include "resources/attributes.h"
#include "resources/properties.h"
#include "resources/registry.h"

namespace plumb {
namespace {

struct DirectorySettings {
  std::string path;
  Ensure ensure = Ensure::kPresent;
};

const PropertyTable<DirectorySettings>& Properties() {
  static const PropertyTable<DirectorySettings> table =
      PropertyTable<DirectorySettings>()
          .Add(&DirectorySettings::path,
               {"path", {}, Requirement::kRequired, "absolute path of the folder", {}, CheckAbsolutePath})
          .AddEnsure(&DirectorySettings::ensure, "present (default) or absent (only when empty)");
  return table;
}

class DirectoryResource : public Resource {
 public:
  DirectoryResource(DirectorySettings settings, std::string host_path, DesiredAttributes attrs, Backends& b)
      : settings_(std::move(settings)), path_(std::move(host_path)), attrs_(std::move(attrs)), b_(b) {}

  Result<Observation> Test() override {
    Observation obs;
    auto info = b_.fs.Stat(path_);
    if (!info) return info.error();
    const auto& props = Properties();
    if (settings_.ensure == Ensure::kAbsent) {
      if (info->kind == FileKind::kDirectory) {
        obs.drift.push_back(props.Drift(&DirectorySettings::ensure, "absent", "directory"));
      } else if (info->kind != FileKind::kMissing) {
        return Error{ErrorKind::kInvalidInput, "'" + settings_.path + "' is a " + ToString(info->kind) + ", not a directory"};
      }
      return obs;
    }
    if (info->kind == FileKind::kMissing) {
      obs.drift.push_back(props.Drift(&DirectorySettings::ensure, "present", "absent"));
      return obs;
    }
    if (info->kind != FileKind::kDirectory)
      return Error{ErrorKind::kInvalidInput,
                   "'" + settings_.path + "' is a " + ToString(info->kind) + ", expected a directory"};
    CompareAttributes(attrs_, *info, b_.accounts, obs.drift);
    return obs;
  }

  Status Set(const Observation&) override {
    auto info = b_.fs.Stat(path_);
    if (!info) return info.error();
    if (settings_.ensure == Ensure::kAbsent)
      return info->kind == FileKind::kMissing ? OkStatus() : b_.fs.RemoveDirectory(path_);
    if (info->kind == FileKind::kMissing) return b_.fs.MakeDirectory(path_, {attrs_.mode, attrs_.uid, attrs_.gid});
    return ApplyAttributes(attrs_, *info, path_, b_.fs);
  }

 private:
  DirectorySettings settings_;
  std::string path_;
  DesiredAttributes attrs_;
  Backends& b_;
};

}  // namespace

TypeInfo DirectoryType() {
  TypeSchema s;
  s.name = "directory";
  s.description = "A folder: presence, mode, owner, group. Parents are not created; order them with depends_on.";
  s.properties = Properties().Schema();
  for (auto& p : AttributeProperties()) s.properties.push_back(std::move(p));
  s.claims = [](const ResourceSpec& spec, ClaimText text) {
    std::string path = Properties().Read(spec).path;
    return std::vector<Claim>{{"file\n" + PathIdentity(path), text == ClaimText::kKeys ? "" : "folder '" + path + "'"}};
  };
  return {std::move(s), [](const ResourceSpec& spec, const Policy&, Backends& b) -> Result<std::unique_ptr<Resource>> {
            DirectorySettings settings = Properties().Read(spec);
            auto host = b.root.Resolve(settings.path);
            if (!host) return host.error();
            auto attrs = ReadAttributes(spec, b.accounts);
            if (!attrs) return attrs.error();
            return std::unique_ptr<Resource>(new DirectoryResource(std::move(settings), *host, std::move(*attrs), b));
          }};
}

}  // namespace plumb
