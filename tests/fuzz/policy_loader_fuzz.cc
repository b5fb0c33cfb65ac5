// libFuzzer: the policy loader on arbitrary bytes, and the snapshot round trip of whatever it
// accepts. Invariants: no crash or sanitizer report; a loaded policy survives Serialize then
// Deserialize with the same digest, and the result fits the schemas.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/policy/cache.h"
#include "engine/policy/loader.h"
#include "resources/registry.h"

using namespace plumb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static TypeRegistry* types = [] {
    auto* t = new TypeRegistry(Platforms::kLinux);
    RegisterBuiltinTypes(*t);
    return t;
  }();
  std::string text(reinterpret_cast<const char*>(data), size);
  Diagnostics diags;
  auto policy = LoadPolicy(text, "fuzz.toml", *types, diags);
  SourceFiles sources;
  sources.Add("fuzz.toml", std::make_shared<const std::string>(text));
  for (const auto& d : diags.All()) (void)Render(d, sources, diags.redacted());
  if (!policy) return 0;
  Repository repo;
  repo.root = "fuzz";
  repo.policies.push_back(std::move(*policy));
  std::string snapshot = SerializeRepository(repo, "key");
  auto back = DeserializeRepository(snapshot, "key");
  if (!back) std::abort();  // an intact snapshot must read back
  if (SnapshotDigest(SerializeRepository(*back, "key")) != SnapshotDigest(snapshot)) std::abort();
  if (!SchemaMisfit(*back, *types).empty()) std::abort();
  // A damaged snapshot is refused, never trusted: flip one byte.
  if (!snapshot.empty()) {
    snapshot[size % snapshot.size()] ^= 0x5A;
    (void)DeserializeRepository(snapshot, "key");
  }
  return 0;
}
