#include "engine/policy/data.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "engine/os/secret.h"
#include "engine/policy/datum_toml.h"
#include "engine/policy/repository.h"
#include "engine/util/read_file.h"
#include "engine/util/strings.h"

namespace plumb {

namespace fs = std::filesystem;

namespace {

bool IsPrefix(const std::vector<std::string>& prefix, const std::vector<std::string>& key) {
  return prefix.size() <= key.size() && std::equal(prefix.begin(), prefix.end(), key.begin());
}

const Datum* Descend(const Datum& root, const std::vector<std::string>& key, size_t from = 0) {
  const Datum* d = &root;
  for (size_t i = from; i < key.size(); ++i) {
    if (d->kind != DatumKind::kTable) return nullptr;
    auto it = d->table.find(key[i]);
    if (it == d->table.end()) return nullptr;
    d = &it->second;
  }
  return d;
}

// `less` (a less specific layer's value) into `more`: tables merge key by key, lists gain the
// elements they lack, and anything else keeps the more specific value.
void MergeDeep(Datum& more, const Datum& less) {
  if (more.kind == DatumKind::kTable && less.kind == DatumKind::kTable) {
    for (const auto& [k, v] : less.table) {
      auto it = more.table.find(k);
      if (it == more.table.end())
        more.table.emplace(k, v);
      else
        MergeDeep(it->second, v);
    }
  } else if (more.kind == DatumKind::kList && less.kind == DatumKind::kList) {
    for (const auto& el : less.list)
      if (std::find(more.list.begin(), more.list.end(), el) == more.list.end()) more.list.push_back(el);
  }
}

void CollectKeys(const Datum& d, const std::string& prefix, std::set<std::string>& out) {
  for (const auto& [k, v] : d.table) {
    std::string key = prefix.empty() ? k : prefix + "." + k;
    out.insert(key);
    if (v.kind == DatumKind::kTable) CollectKeys(v, key, out);
  }
}

const char* NotData(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "a value of no known type";
  }
}

}  // namespace

std::optional<Datum> ToDatum(const toml::node& node, const std::string& path, const std::string& key, Diagnostics& diags,
                             const std::function<bool(const std::string&)>& redact) {
  const auto& region = node.source();
  Datum d;
  d.line = region.begin.line;
  d.column = region.begin.column;
  if (redact && !key.empty() && redact(key))
    diags.Redact({path, region.begin.line, region.begin.column, region.end.line, region.end.column});
  if (auto s = node.as_string()) {
    d.text = s->get();
    return d;
  }
  if (auto i = node.as_integer()) {
    d.kind = DatumKind::kInteger;
    d.integer = i->get();
    return d;
  }
  if (auto b = node.as_boolean()) {
    d.kind = DatumKind::kBool;
    d.boolean = b->get();
    return d;
  }
  bool ok = true;
  if (auto arr = node.as_array()) {
    d.kind = DatumKind::kList;
    for (const auto& el : *arr) {
      auto sub = ToDatum(el, path, key, diags, redact);
      if (sub) d.list.push_back(std::move(*sub));
      ok = ok && sub.has_value();
    }
    return ok ? std::optional<Datum>(std::move(d)) : std::nullopt;
  }
  if (auto t = node.as_table()) {
    if (t->size() == 1 && t->contains("secret")) {
      const toml::node& ref = *t->get("secret");
      std::string problem = ref.is_string() ? CheckSecretReference(ref.as_string()->get())
                                            : "'secret' must be a string like \"file:/etc/plumb/secrets/NAME\"";
      if (!problem.empty()) {
        diags.Error({path, ref.source().begin.line, ref.source().begin.column}, problem);
        return std::nullopt;
      }
      d.kind = DatumKind::kSecret;
      d.text = ref.as_string()->get();
      return d;
    }
    d.kind = DatumKind::kTable;
    for (auto&& [k, v] : *t) {
      std::string sub_key = key.empty() ? std::string(k.str()) : key + "." + std::string(k.str());
      auto sub = ToDatum(v, path, sub_key, diags, redact);
      if (sub) d.table.emplace(std::string(k.str()), std::move(*sub));
      ok = ok && sub.has_value();
    }
    return ok ? std::optional<Datum>(std::move(d)) : std::nullopt;
  }
  diags.Error({path, d.line, d.column}, (key.empty() ? std::string("a value") : "'" + key + "'") + " is " + NotData(node) +
                                            ": data values are strings, integers, booleans, arrays and tables");
  return std::nullopt;
}

bool DataView::Sensitive(const std::vector<std::string>& key) const {
  for (const auto& s : settings_->sensitive) {
    auto parts = SplitKey(s);
    if (IsPrefix(parts, key) || IsPrefix(key, parts)) return true;
  }
  return false;
}

std::optional<DataView::Found> DataView::Lookup(const std::vector<std::string>& key) const {
  if (!settings_ || key.empty()) return std::nullopt;
  std::optional<Found> found;
  for (const DataLayer* layer : layers_) {
    if (const Datum* d = Descend(layer->root, key)) {
      found = Found{*d, layer->path, d->line, d->column, false};
      break;
    }
  }
  if (!found) return std::nullopt;
  // Under a key declared deep (the outermost one), every layer's value of that key merges.
  const std::vector<std::string>* deep = nullptr;
  std::vector<std::vector<std::string>> deep_keys;
  for (const auto& k : settings_->deep) deep_keys.push_back(SplitKey(k));
  for (const auto& parts : deep_keys)
    if (!parts.empty() && IsPrefix(parts, key) && (!deep || parts.size() < deep->size())) deep = &parts;
  if (deep) {
    std::optional<Datum> merged;
    for (const DataLayer* layer : layers_) {
      const Datum* d = Descend(layer->root, *deep);
      if (!d) continue;
      if (!merged) {
        merged = *d;
        continue;
      }
      MergeDeep(*merged, *d);
      if (const Datum* part = Descend(layer->root, key))
        found->merged.push_back(layer->path + ":" + std::to_string(part->line) + ":" + std::to_string(part->column));
    }
    if (const Datum* d = merged ? Descend(*merged, key, deep->size()) : nullptr) found->value = *d;
  }
  found->sensitive = Sensitive(key) || found->value.HoldsSecret();
  return found;
}

std::vector<std::string> DataView::Keys() const {
  std::set<std::string> keys;
  for (const DataLayer* layer : layers_) CollectKeys(layer->root, "", keys);
  return {keys.begin(), keys.end()};
}

DataFiles::DataFiles(std::string repo_root, std::optional<DataSettings> settings)
    : root_(std::move(repo_root)), settings_(std::move(settings)) {}

const DataLayer* DataFiles::Read(const std::string& name, Diagnostics& diags) {
  if (auto it = files_.find(name); it != files_.end()) return it->second.get();
  size_t errors = diags.ErrorCount();
  const DataLayer* layer = Load(name, diags);
  if (diags.ErrorCount() != errors) unreadable_.insert(name);
  return layer;
}

const DataLayer* DataFiles::Load(const std::string& name, Diagnostics& diags) {
  std::unique_ptr<DataLayer>& slot = files_[name];
  fs::path folder = fs::path(root_) / kDataFolder;
  fs::path file = folder / (name + ".toml");
  std::string shown = file.generic_string();
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return nullptr;
  // A pull request could point a layer at a file outside the repository, which messages would quote.
  if (!Inside(file, folder)) {
    diags.Error({shown, 0, 0}, "data file is a symbolic link that leads out of the policy repository; plumb does not read it",
                DiagnosticRule::kUnreadable);
    return nullptr;
  }
  auto size = fs::file_size(file, ec);
  if (ec || size > kMaxDataFileBytes) {
    diags.Error({shown, 0, 0}, ec ? "cannot read data file: " + ec.message()
                                  : "data file is too large (" + std::to_string(size) + " bytes; the limit is " +
                                        std::to_string(kMaxDataFileBytes / (1024 * 1024)) + " MiB)",
                DiagnosticRule::kUnreadable);
    return nullptr;
  }
  auto text = ReadWholeFile(file.string());
  if (!text) {
    diags.Error({shown, 0, 0}, "cannot read data file", DiagnosticRule::kUnreadable);
    return nullptr;
  }
  toml::table doc;
  try {
    doc = ParseToml(*text, shown);
  } catch (const toml::parse_error& e) {
    diags.Error({shown, e.source().begin.line, e.source().begin.column}, "invalid TOML: " + std::string(e.description()),
                DiagnosticRule::kTomlSyntax);
    return nullptr;
  }
  auto redact = [&](const std::string& key) {
    for (const auto& s : settings_->sensitive)
      if (key == s || StartsWith(key, s + ".")) return true;
    return false;
  };
  auto root = ToDatum(doc, shown, "", diags, redact);
  if (!root) return nullptr;
  slot = std::make_unique<DataLayer>(DataLayer{name, shown, std::move(*root)});
  return slot.get();
}

DataView DataFiles::For(const Facts& facts, Diagnostics& diags) {
  if (!settings_) return {};
  std::vector<const DataLayer*> layers;
  bool unread = false;
  for (const std::string& entry : settings_->hierarchy) {
    std::string name;
    bool complete = true;
    for (size_t i = 0; i < entry.size() && complete; ++i) {
      if (entry[i] != '{') {
        name += entry[i];
        continue;
      }
      size_t close = entry.find('}', i);
      std::string fact = entry.substr(i + 1, close - i - 1);
      i = close;
      const FactValue* value = facts.Find(fact);
      if (!value) {
        complete = false;  // a layer whose fact this node lacks is not one of its layers
        break;
      }
      std::string text = FactToString(*value);
      if (text.empty() || text == "." || text == ".." || text.find_first_of("/\\:\0", 0, 4) != std::string::npos) {
        diags.Error(settings_->where, "fact '" + fact + "' = " + Quote(text) + " cannot name a data file (hierarchy entry " +
                                          Quote(entry) + "): a fact used there must be a plain name, without '/', '\\', ':' or \"..\"");
        complete = false;
        break;
      }
      name += text;
    }
    if (!complete) continue;
    if (const DataLayer* layer = Read(name, diags)) layers.push_back(layer);
    else unread = unread || unreadable_.count(name);
  }
  return DataView(&*settings_, std::move(layers), unread);
}

DataView DataFiles::All(Diagnostics& diags) {
  if (!settings_) return {};
  fs::path folder = fs::path(root_) / kDataFolder;
  std::vector<std::string> names;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".toml") {
      fs::path rel = it->path().lexically_relative(folder);
      names.push_back(rel.replace_extension().generic_string());
    }
  }
  std::sort(names.begin(), names.end());
  std::vector<const DataLayer*> layers;
  bool unread = false;
  for (const auto& name : names) {
    if (const DataLayer* layer = Read(name, diags)) layers.push_back(layer);
    else unread = unread || unreadable_.count(name);
  }
  return DataView(&*settings_, std::move(layers), unread);
}

}  // namespace plumb
