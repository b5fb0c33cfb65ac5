#pragma once
/// A snapshot of a validated repository, so scheduled runs on unchanged policies skip parsing
/// (cf. ninja's .ninja_deps). The snapshot is only used when its key matches exactly; the key
/// covers plumb's version, every schema, and the path, size and modification time of every policy
/// file and plumb.toml. Files modified less than kRacySeconds before the key is computed make the
/// key unusable (an edit within the same timestamp tick could go unseen), as git does for its index.
/// A snapshot that fails any consistency check is a miss, never an error.

#include <optional>
#include <string>
#include <string_view>

#include "engine/policy/repository.h"
#include "engine/policy/schema.h"

namespace plumb {

constexpr int kRacySeconds = 2;

/// Fingerprint of every type's schema (names, kinds, requirements, allowed values).
std::string SchemaFingerprint(const SchemaLookup& schemas);

/// The cache key of a listing, or nullopt when a file is missing or too recently modified: the
/// key's header (plumb's version, the schemas, the root), then the stamp of each file.
std::optional<std::string> CacheKey(const PolicyFiles& listing, const std::string& schema_fingerprint);

/// "PATH SIZE MTIME" of one file, as a cache key lists it; nullopt when it is missing or
/// modified less than kRacySeconds ago.
std::optional<std::string> FileStamp(const std::string& path);

/// The repository after some policy files changed: every file whose stamp is one the snapshot
/// (an earlier one of the same root, of any key) was made with is taken from it, the others are
/// parsed, and everything across files (ids, sources, order) is decided as by a full
/// LoadPolicyFiles, so the result is the same. nullopt when the snapshot cannot serve (made by
/// another plumb, for other schemas or another root, damaged, or not fitting the schemas) or
/// when anything is to be reported: a full load then gives every diagnostic with its source.
std::optional<Repository> LoadChangedPolicyFiles(const PolicyFiles& listing, const SchemaLookup& schemas,
                                                 const std::string& schema_fingerprint, std::string_view snapshot);

/// Policies of a repository loaded without errors, with its key. plumb.toml is not part of it:
/// settings are small and always read fresh.
std::string SerializeRepository(const Repository& repo, const std::string& key);

/// Digest of the policies a snapshot holds, leaving out its key (file times): equal policies give
/// equal digests, however the snapshot was keyed.
std::string SnapshotDigest(std::string_view snapshot);

/// The repository when `data` is an intact snapshot made with `key`; sources and revision are
/// left empty (the caller reads the revision fresh).
std::optional<Repository> DeserializeRepository(std::string_view data, const std::string& key);

/// Whether a repository holds a sensitive value inline (not as a secret reference). Such a
/// repository is never snapshotted: a snapshot would put the value on disk in clear.
bool HoldsInlineSecrets(const Repository& repo);

/// "" when every resource of `repo` fits the schemas (known type and properties, each value of
/// its property's kind, well-formed secret references); otherwise the first misfit. A snapshot is
/// checked so before use: a damaged or forged one must not reach code that trusts the loader.
std::string SchemaMisfit(const Repository& repo, const SchemaLookup& schemas);

}  // namespace plumb
