#include "engine/policy/cache.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "engine/os/secret.h"
#include "engine/util/sha256.h"

namespace plumb {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "plumb-policy-cache/8\n";

class Writer {
 public:
  void U32(uint32_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void I64(int64_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void Str(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  void Strs(const std::vector<std::string>& v) {
    U32(static_cast<uint32_t>(v.size()));
    for (const auto& s : v) Str(s);
  }
  // Thousands of locations share a few paths: each path is written once, then by number.
  void Loc(const SourceLocation& l) {
    auto [it, fresh] = paths_.try_emplace(l.path, static_cast<uint32_t>(paths_.size()));
    U32(it->second);
    if (fresh) Str(l.path);
    U32(l.line);
    U32(l.column);
  }
  void Fact(const FactValue& v) {
    U32(static_cast<uint32_t>(v.index()));
    if (auto s = std::get_if<std::string>(&v)) Str(*s);
    if (auto i = std::get_if<int64_t>(&v)) I64(*i);
    if (auto b = std::get_if<bool>(&v)) U32(*b);
  }
  void Val(const Value& v) {
    U32(static_cast<uint32_t>(v.index()));
    switch (KindOf(v)) {
      case ValueKind::kString: Str(std::get<std::string>(v)); break;
      case ValueKind::kInteger: I64(std::get<int64_t>(v)); break;
      case ValueKind::kBool: U32(std::get<bool>(v)); break;
      case ValueKind::kStringList: Strs(std::get<StringList>(v)); break;
      case ValueKind::kStringMap:
        U32(static_cast<uint32_t>(std::get<StringMap>(v).size()));
        for (const auto& [k, s] : std::get<StringMap>(v)) {
          Str(k);
          Str(s);
        }
        break;
    }
  }
  void Data(const Datum& d) {
    U32(static_cast<uint32_t>(d.kind));
    U32(d.line);
    U32(d.column);
    switch (d.kind) {
      case DatumKind::kString:
      case DatumKind::kSecret: Str(d.text); break;
      case DatumKind::kInteger: I64(d.integer); break;
      case DatumKind::kBool: U32(d.boolean); break;
      case DatumKind::kList:
        U32(static_cast<uint32_t>(d.list.size()));
        for (const auto& el : d.list) Data(el);
        break;
      case DatumKind::kTable:
        U32(static_cast<uint32_t>(d.table.size()));
        for (const auto& [k, v] : d.table) {
          Str(k);
          Data(v);
        }
        break;
    }
  }
  void Sel(const Selector& sel) {
    U32(static_cast<uint32_t>(sel.all.size()));
    for (const auto& c : sel.all) {
      Str(c.fact);
      Loc(c.where);
      U32(static_cast<uint32_t>(c.any_of.size()));
      for (const auto& a : c.any_of) {
        U32(static_cast<uint32_t>(a.op));
        Fact(a.operand);
      }
    }
  }
  void Refs(const std::vector<Reference>& refs) {
    U32(static_cast<uint32_t>(refs.size()));
    for (const auto& r : refs) {
      Str(r.text);
      Loc(r.where);
    }
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
  std::unordered_map<std::string, uint32_t> paths_;
};

// Bounds-checked reader: any overrun or bad tag sets failed() and yields empty values.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool failed() const { return failed_; }
  bool done() const { return in_.empty(); }

  uint32_t U32() { return Raw<uint32_t>(); }
  int64_t I64() { return Raw<int64_t>(); }
  std::string Str() {
    uint32_t n = U32();
    if (n > in_.size()) return Fail<std::string>();
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }
  uint32_t Count() {
    uint32_t n = U32();
    // Every element takes at least four bytes, so a larger count is corrupt.
    return n > in_.size() / 4 + 1 ? Fail<uint32_t>() : n;
  }
  std::vector<std::string> Strs() {
    std::vector<std::string> v(Count());
    for (auto& s : v) s = Str();
    return v;
  }
  SourceLocation Loc() {
    SourceLocation l;
    uint32_t index = U32();
    if (index == paths_.size()) {
      paths_.push_back(Str());
    } else if (index > paths_.size()) {
      return Fail<SourceLocation>();
    }
    l.path = paths_[index];
    l.line = U32();
    l.column = U32();
    return l;
  }
  FactValue Fact() {
    switch (U32()) {
      case 0: return Str();
      case 1: return I64();
      case 2: return U32() != 0;
      default: return Fail<FactValue>();
    }
  }
  Value Val() {
    switch (U32()) {
      case 0: return Str();
      case 1: return I64();
      case 2: return U32() != 0;
      case 3: return Strs();
      case 4: {
        StringMap m;
        for (uint32_t n = Count(); n > 0 && !failed_; --n) {
          std::string k = Str();
          m[k] = Str();
        }
        return m;
      }
      default: return Fail<Value>();
    }
  }
  plumb::Datum Data(int depth = 0) {
    plumb::Datum d;
    d.kind = Enum<DatumKind>(6);
    d.line = U32();
    d.column = U32();
    if (depth > 64) return Fail<plumb::Datum>();
    switch (d.kind) {
      case DatumKind::kString:
      case DatumKind::kSecret: d.text = Str(); break;
      case DatumKind::kInteger: d.integer = I64(); break;
      case DatumKind::kBool: d.boolean = U32() != 0; break;
      case DatumKind::kList:
        for (uint32_t n = Count(); n > 0 && !failed_; --n) d.list.push_back(Data(depth + 1));
        break;
      case DatumKind::kTable:
        for (uint32_t n = Count(); n > 0 && !failed_; --n) {
          std::string k = Str();
          d.table[k] = Data(depth + 1);
        }
        break;
    }
    return d;
  }
  Selector Sel() {
    Selector sel;
    sel.all.resize(Count());
    for (auto& c : sel.all) {
      c.fact = Str();
      c.where = Loc();
      c.any_of.resize(Count());
      for (auto& a : c.any_of) {
        a.op = Enum<MatchOp>(8);
        a.operand = Fact();
      }
    }
    return sel;
  }
  std::vector<Reference> Refs() {
    std::vector<Reference> v(Count());
    for (auto& r : v) {
      r.text = Str();
      r.where = Loc();
    }
    return v;
  }
  template <class E>
  E Enum(uint32_t count) {
    uint32_t v = U32();
    return v < count ? static_cast<E>(v) : Fail<E>();
  }

 private:
  template <class T>
  T Raw() {
    T v{};
    if (in_.size() < sizeof v) return Fail<T>();
    std::memcpy(&v, in_.data(), sizeof v);
    in_.remove_prefix(sizeof v);
    return v;
  }
  template <class T>
  T Fail() {
    failed_ = true;
    in_ = {};
    return T{};
  }
  std::string_view in_;
  bool failed_ = false;
  std::vector<std::string> paths_;
};

// FNV-1a: a cheap checksum so a damaged snapshot is a miss rather than a changed policy.
uint64_t Checksum(std::string_view data) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace

std::string SchemaFingerprint(const SchemaLookup& schemas) {
  std::string text;
  for (const auto& name : schemas.TypeNames()) {
    const TypeSchema* s = schemas.FindSchema(name);
    text += name + "{";
    for (const auto& p : s->properties) {
      text += p.name + ":" + std::to_string(static_cast<int>(p.kind)) + std::to_string(static_cast<int>(p.requirement)) +
              std::to_string(static_cast<int>(p.reboot));
      for (const auto& a : p.allowed) text += "|" + a;
      text += ";";
    }
    text += "}";
  }
  return Sha256Hex(text);
}

namespace {

std::string KeyHeader(const PolicyFiles& listing, const std::string& schema_fingerprint) {
  return std::string("plumb ") + PLUMB_VERSION + "\nschemas " + schema_fingerprint + "\nroot " + listing.root + "\n";
}

}  // namespace

std::optional<std::string> FileStamp(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return std::nullopt;
  auto mtime = fs::last_write_time(path, ec);
  if (ec || fs::file_time_type::clock::now() - mtime < std::chrono::seconds(kRacySeconds)) return std::nullopt;
  return path + " " + std::to_string(size) + " " + std::to_string(mtime.time_since_epoch().count());
}

std::optional<std::string> CacheKey(const PolicyFiles& listing, const std::string& schema_fingerprint) {
  if (listing.folder == PathKind::kMissing) return std::nullopt;
  std::string key = KeyHeader(listing, schema_fingerprint);
  auto add = [&](const std::string& path) {
    auto stamp = FileStamp(path);
    if (stamp) key += *stamp + "\n";
    return stamp.has_value();
  };
  if (!listing.settings.empty() && !add(listing.settings)) return std::nullopt;
  if (!listing.node_settings.empty() && !add(listing.node_settings)) return std::nullopt;
  for (const auto& f : listing.files)
    if (!add(f)) return std::nullopt;
  for (const auto& f : listing.modules)
    if (!add(f)) return std::nullopt;
  return key;
}

std::string SerializeRepository(const Repository& repo, const std::string& key) {
  Writer w;
  w.out().append(kMagic);
  w.Str(key);
  w.Str(repo.root);
  w.U32(static_cast<uint32_t>(repo.policies.size()));
  for (const auto& p : repo.policies) {
    w.Str(p.id);
    w.Str(p.title);
    w.Str(p.description);
    w.Str(p.rationale);
    w.U32(static_cast<uint32_t>(p.severity));
    w.Strs(p.references);
    w.Strs(p.tags);
    w.Str(p.path);
    w.Str(p.directory);
    w.Loc(p.where);
    w.Sel(p.applies_to);
    w.U32(static_cast<uint32_t>(p.resources.size()));
    for (const auto& r : p.resources) {
      w.Str(r.id);
      w.Str(r.type);
      w.Str(r.description);
      // Only what the policy file says: resolved values belong to one node and one run.
      uint32_t written = 0;
      for (const auto& prop : r.properties) written += r.FindInterpolated(prop.name) == nullptr;
      w.U32(written);
      for (const auto& prop : r.properties) {
        if (r.FindInterpolated(prop.name)) continue;
        w.Str(prop.name);
        w.Val(prop.value);
        w.U32(prop.at.line);
        w.U32(prop.at.column);
        w.Str(prop.secret);
      }
      w.Refs(r.depends_on);
      w.Refs(r.after);
      w.Refs(r.notify);
      w.U32(static_cast<uint32_t>(r.mode));
      w.U32(static_cast<uint32_t>(r.reboot));
      w.U32(static_cast<uint32_t>(r.clean_boot));
      w.Strs(r.reboot_properties);
      w.Strs(r.sensitive);
      w.Sel(r.applies_to);
      w.U32(static_cast<uint32_t>(r.interpolated.size()));
      for (const auto& in : r.interpolated) {
        w.Str(in.name);
        w.Val(in.written);
        w.U32(in.at.line);
        w.U32(in.at.column);
        w.U32(static_cast<uint32_t>(in.holes.size()));
        for (const auto& e : in.holes) {
          w.U32(e.line);
          w.U32(e.column);
        }
      }
      w.Loc(r.where);
    }
    w.U32(static_cast<uint32_t>(p.vars.size()));
    for (const auto& v : p.vars) {
      w.Str(v.name);
      w.Data(v.value);
      w.Str(v.path);
      w.Str(v.scope);
    }
    w.Str(p.parent);
  }
  std::string out = std::move(w.out());
  // The digest of the policies goes after the key, so that a run using the snapshot reads it
  // instead of hashing megabytes of policies again.
  size_t policies_at = kMagic.size() + sizeof(uint32_t) + key.size();
  Writer digest;
  digest.Str(Sha256Hex(std::string_view(out).substr(policies_at)));
  out.insert(policies_at, digest.out());
  uint64_t sum = Checksum(std::string_view(out).substr(kMagic.size()));
  out.append(reinterpret_cast<const char*>(&sum), sizeof sum);
  out.append(kMagic);  // trailer: a truncated file cannot end with it
  return out;
}

std::string SnapshotDigest(std::string_view snapshot) {
  Reader in(snapshot.substr(std::min(snapshot.size(), kMagic.size())));
  in.Str();  // the key
  std::string digest(in.Str());
  return in.failed() ? Sha256Hex(snapshot) : digest;
}

namespace {

// The snapshot's repository, and the key it was made with in `key`.
std::optional<Repository> ReadSnapshot(std::string_view data, std::string& key) {
  constexpr size_t kSum = sizeof(uint64_t);
  if (data.size() < 2 * kMagic.size() + kSum || data.substr(0, kMagic.size()) != kMagic ||
      data.substr(data.size() - kMagic.size()) != kMagic)
    return std::nullopt;
  std::string_view body = data.substr(kMagic.size(), data.size() - 2 * kMagic.size() - kSum);
  uint64_t sum;
  std::memcpy(&sum, data.data() + kMagic.size() + body.size(), kSum);
  if (sum != Checksum(body)) return std::nullopt;
  Reader in(body);
  key = in.Str();
  if (in.failed()) return std::nullopt;
  in.Str();  // the digest of the policies (SnapshotDigest)
  Repository repo;
  repo.root = in.Str();
  repo.policies.resize(in.Count());
  for (auto& p : repo.policies) {
    p.id = in.Str();
    p.title = in.Str();
    p.description = in.Str();
    p.rationale = in.Str();
    p.severity = in.Enum<PolicySeverity>(5);
    p.references = in.Strs();
    p.tags = in.Strs();
    p.path = in.Str();
    p.directory = in.Str();
    p.where = in.Loc();
    p.applies_to = in.Sel();
    p.resources.resize(in.Count());
    for (auto& r : p.resources) {
      r.id = in.Str();
      r.type = in.Str();
      r.description = in.Str();
      r.properties.resize(in.Count());
      for (auto& prop : r.properties) {
        prop.name = in.Str();
        prop.value = in.Val();
        prop.at.line = in.U32();
        prop.at.column = in.U32();
        prop.secret = in.Str();
      }
      r.depends_on = in.Refs();
      r.after = in.Refs();
      r.notify = in.Refs();
      r.mode = in.Enum<ResourceMode>(2);
      r.reboot = in.Enum<RebootRule>(3);
      r.clean_boot = in.Enum<CleanBoot>(2);
      r.reboot_properties = in.Strs();
      r.sensitive = in.Strs();
      r.applies_to = in.Sel();
      r.interpolated.resize(in.Count());
      for (auto& i : r.interpolated) {
        i.name = in.Str();
        i.written = in.Val();
        i.at.line = in.U32();
        i.at.column = in.U32();
        i.holes.resize(in.Count());
        for (auto& e : i.holes) {
          e.line = in.U32();
          e.column = in.U32();
        }
      }
      r.where = in.Loc();
    }
    p.vars.resize(in.Count());
    for (auto& v : p.vars) {
      v.name = in.Str();
      v.value = in.Data();
      v.path = in.Str();
      v.scope = in.Str();
    }
    p.parent = in.Str();
    if (in.failed()) return std::nullopt;
  }
  if (in.failed() || !in.done()) return std::nullopt;
  return repo;
}

}  // namespace

std::optional<Repository> DeserializeRepository(std::string_view data, const std::string& key) {
  std::string stored;
  auto repo = ReadSnapshot(data, stored);
  if (!repo || stored != key) return std::nullopt;
  return repo;
}

std::optional<Repository> LoadChangedPolicyFiles(const PolicyFiles& listing, const SchemaLookup& schemas,
                                                 const std::string& schema_fingerprint, std::string_view snapshot) {
  if (listing.folder == PathKind::kMissing) return std::nullopt;
  std::string key;
  auto old = ReadSnapshot(snapshot, key);
  std::string header = KeyHeader(listing, schema_fingerprint);
  if (!old || !key.starts_with(header) || !SchemaMisfit(*old, schemas).empty()) return std::nullopt;
  std::unordered_set<std::string_view> stamps;
  for (std::string_view rest = std::string_view(key).substr(header.size()); !rest.empty();) {
    size_t nl = rest.find('\n');
    stamps.insert(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  auto unchanged = [&](const std::string& path) {
    auto stamp = FileStamp(path);
    return stamp && stamps.count(*stamp);
  };
  // A policy file is reused with the module instances that follow it, when it and the modules
  // they come from are unchanged.
  std::map<std::string, std::vector<const Policy*>> reuse;
  std::string file;  // of the last policy that is not an instance
  for (const Policy& p : old->policies) {
    if (p.parent.empty()) {
      file = p.path;
      if (unchanged(p.path)) reuse[p.path].push_back(&p);
    } else if (auto it = reuse.find(file); it != reuse.end()) {
      if (unchanged(p.path)) it->second.push_back(&p);
      else reuse.erase(it);
    }
  }
  Diagnostics diags;
  // A changed module that no policy uses would not be read below, but its errors must be said.
  if (std::any_of(listing.modules.begin(), listing.modules.end(), [&](const std::string& m) { return !unchanged(m); })) {
    SourceFiles unused;
    LoadModules(listing, schemas, unused, diags);
  }
  Repository repo = LoadPolicyFiles(listing, schemas, diags, &reuse);
  if (!diags.All().empty()) return std::nullopt;
  return repo;
}

bool HoldsInlineSecrets(const Repository& repo) {
  for (const auto& p : repo.policies)
    for (const auto& r : p.resources)
      for (const auto& prop : r.properties)
        if (prop.secret.empty() && r.IsSensitive(prop.name) && !r.FindInterpolated(prop.name)) return true;
  return false;
}

std::string SchemaMisfit(const Repository& repo, const SchemaLookup& schemas) {
  for (const auto& p : repo.policies) {
    for (const auto& r : p.resources) {
      // Built only for an answer: a snapshot that fits (every warm run) makes no string.
      auto label = [&] { return "resource '" + p.id + "/" + r.id + "'"; };
      const TypeSchema* schema = schemas.FindSchema(r.type);
      if (!schema) return label() + " has unknown type '" + r.type + "'";
      for (const auto& prop : r.properties) {
        const PropertySchema* ps = schema->Find(prop.name);
        if (!ps) return label() + " has unknown property '" + prop.name + "'";
        if (KindOf(prop.value) != ps->kind) return label() + ": '" + prop.name + "' is not " + KindName(ps->kind);
        if (!prop.secret.empty() && (ps->kind != ValueKind::kString || !CheckSecretReference(prop.secret).empty()))
          return label() + ": '" + prop.name + "' has a malformed secret reference";
        if (!ps->allowed.empty() && prop.secret.empty() &&
            std::find(ps->allowed.begin(), ps->allowed.end(), std::get<std::string>(prop.value)) == ps->allowed.end())
          return label() + ": '" + prop.name + "' is not one of its allowed values";
      }
      for (const auto& name : r.sensitive)
        if (!schema->Find(name)) return label() + " names unknown sensitive property '" + name + "'";
      for (const auto& in : r.interpolated) {
        const PropertySchema* ps = schema->Find(in.name);
        if (!ps) return label() + " has unknown property '" + in.name + "'";
        ValueKind written = KindOf(in.written);
        if (written != ValueKind::kString && (written != ValueKind::kStringList || ps->kind != ValueKind::kStringList))
          return label() + ": '" + in.name + "' is not " + KindName(ps->kind);
      }
    }
  }
  return "";
}

}  // namespace plumb
