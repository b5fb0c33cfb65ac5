#include "engine/policy/schema.h"

namespace plumb {

const PropertySchema* TypeSchema::Find(std::string_view property) const {
  for (const auto& p : properties)
    if (p.name == property) return &p;
  return nullptr;
}

std::vector<std::string> TypeSchema::PropertyNames() const {
  std::vector<std::string> names;
  for (const auto& p : properties) names.push_back(p.name);
  return names;
}

}  // namespace plumb
