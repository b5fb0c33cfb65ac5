#pragma once
/// Opening a folder by handle on Windows, so that later operations (create, rename, delete) act
/// relative to the folder that was checked, whatever happens to its path afterwards: NtCreateFile
/// with OBJECT_ATTRIBUTES.RootDirectory, one component at a time, from an anchor (the --root
/// folder, or the volume root or UNC share of a host path).
///
/// No reparse point (symbolic link, junction, mount point) is passed on the way down from the
/// anchor. Each component is looked up in its parent's listing (which reports a link as a link)
/// and then opened with FILE_OPEN_REPARSE_POINT, whose handle must again not be a reparse point:
/// the second check is the one that holds against a link swapped in between (on Windows; Wine
/// follows Unix links even with FILE_OPEN_REPARSE_POINT, so there only the first one sees them).

#include <windows.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/os/win32/wide.h"
#include "engine/util/result.h"

namespace plumb::win32 {

constexpr ULONG kShareAll = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

/// An entry as its folder's listing shows it: links are not followed.
struct DirEntry {
  DWORD attributes = 0;  ///< FILE_ATTRIBUTE_*; 0 when the entry does not exist
  uint64_t size = 0;
  bool exists() const { return attributes != 0; }
  bool reparse_point() const { return (attributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0; }
  bool directory() const { return (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0; }
};

/// Error for an NTSTATUS, in the words (and kind) of the matching Win32 error.
Error NtFailure(const std::string& what, const std::string& path, LONG status);

/// True for the statuses of a name that does not exist (or whose folder does not).
bool NtMissing(LONG status);

/// Looks `name` (one component) up in the folder `dir`. A missing entry is an entry that does not
/// exist, not an error.
Result<DirEntry> LookUp(HANDLE dir, const std::wstring& name, const std::string& shown);

/// NtCreateFile of `name` (one component, or "" for `dir` itself) relative to the folder `dir`.
/// `sd` may be null (the folder's inheritable ACL applies). Returns the NTSTATUS; `out` is valid only on success.
/// `share` is FILE_SHARE_* (all three unless a writer must keep others out).
LONG OpenAt(HANDLE dir, const std::wstring& name, ACCESS_MASK access, ULONG disposition, ULONG options,
            PSECURITY_DESCRIPTOR sd, UniqueHandle& out, ULONG share = kShareAll);

/// The names in the folder `dir` that match the NT wildcard `pattern` ("*" and "?"), or none when
/// the folder cannot be listed.
std::vector<std::wstring> ListMatching(HANDLE dir, const std::wstring& pattern);

/// The handle's own attributes (FILE_ATTRIBUTE_*), or 0 when they cannot be read.
DWORD HandleAttributes(HANDLE h);

/// Splits an absolute Windows path (already normal: backslashes, no "." or "..") into its anchor
/// ("C:\", "\\server\share\") and the components below it. Empty anchor: not absolute.
struct SplitPath {
  std::string anchor;
  std::vector<std::string> components;
};
SplitPath Split(const std::string& normal);

/// Opens the folder `components` below the folder `anchor` (a handle the caller owns), refusing
/// reparse points on the way. `shown_base` is the anchor's path, used to name folders in errors.
/// A missing component is kNotFound; a reparse point is kPermissionDenied and names it.
Result<UniqueHandle> OpenDirBelow(HANDLE anchor, const std::string& shown_base, const std::vector<std::string>& components);

/// Opens a folder as an anchor (following links: the anchor is the caller's choice).
Result<UniqueHandle> OpenAnchor(const std::string& path);

}  // namespace plumb::win32
