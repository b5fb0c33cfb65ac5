#pragma once
/// Data layers: TOML files under the repository's data/ folder that supply values per node.
/// plumb.toml's [data] hierarchy names them most specific first ("node/{hostname}",
/// "site/{site}", "common"); the node's facts fill the {fact} parts. For each key the most
/// specific layer that has it wins, except under a key declared merge = "deep", where tables
/// merge and lists are unioned. Nothing here reads the running system.

#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/facts/facts.h"
#include "engine/policy/datum.h"
#include "engine/policy/settings.h"
#include "engine/util/diagnostic.h"

namespace plumb {

/// The folder under a repository's top that holds the data layers; it holds no policies.
constexpr const char* kDataFolder = "data";

/// Data files larger than this are refused, as policy files are.
constexpr size_t kMaxDataFileBytes = 16 * 1024 * 1024;

struct DataLayer {
  std::string name;  ///< "site/paris": the hierarchy entry with its facts filled in
  std::string path;  ///< the file, for messages
  Datum root;        ///< a table
};

/// What one node sees: its layers, most specific first.
class DataView {
 public:
  struct Found {
    Datum value;
    std::string path;  ///< the layer file it came from (the most specific one when merged)
    uint32_t line = 0, column = 0;
    bool sensitive = false;  ///< listed in [data] sensitive, or holds a secret reference
    /// Under merge = "deep": the less specific layers merged in, as "path:line:column".
    std::vector<std::string> merged;
  };

  DataView() = default;
  DataView(const DataSettings* settings, std::vector<const DataLayer*> layers, bool unread = false)
      : settings_(settings), layers_(std::move(layers)), unread_(unread) {}

  /// The value of a key given by its parts ({"ntp", "servers"}); nullopt when no layer has it.
  std::optional<Found> Lookup(const std::vector<std::string>& key) const;
  /// Every dotted key that some layer has (tables and their leaves), for "did you mean".
  std::vector<std::string> Keys() const;
  const std::vector<const DataLayer*>& layers() const { return layers_; }
  bool configured() const { return settings_ != nullptr; }
  /// A layer of this view could not be read (its error is reported): a key missing from the
  /// others may well be in it, so saying so would only add a second, misleading error.
  bool unread() const { return unread_; }

 private:
  bool Sensitive(const std::vector<std::string>& key) const;
  const DataSettings* settings_ = nullptr;
  std::vector<const DataLayer*> layers_;
  bool unread_ = false;
};

/// Reads data files on first use and keeps them, so that the nodes of an inventory share one
/// parse and each file's problems are reported once.
class DataFiles {
 public:
  /// `repo_root`: the policy folder; `settings`: its [data], or nullopt when it has none.
  DataFiles(std::string repo_root, std::optional<DataSettings> settings);

  /// The layers of the node with `facts`. A hierarchy entry whose fact the node lacks, or whose
  /// file does not exist, is skipped; a fact value that is not a plain file name (a '/' or '..')
  /// is an error, as is a file that is not valid TOML.
  DataView For(const Facts& facts, Diagnostics& diags);
  /// Every file under data/, as layers in path order: what `validate` without facts checks
  /// references against.
  DataView All(Diagnostics& diags);
  const std::optional<DataSettings>& settings() const { return settings_; }

 private:
  /// The layer `name`, read on first use; null when missing or invalid (then reported once).
  const DataLayer* Read(const std::string& name, Diagnostics& diags);
  const DataLayer* Load(const std::string& name, Diagnostics& diags);

  std::string root_;
  std::optional<DataSettings> settings_;
  std::map<std::string, std::unique_ptr<DataLayer>> files_;  ///< null: missing or invalid
  std::set<std::string> unreadable_;  ///< layers whose file exists but could not be used
};

}  // namespace plumb
