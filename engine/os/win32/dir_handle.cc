// Handle-relative folder walks with the native API: Win32 has no *at() calls, but NtCreateFile
// takes a RootDirectory handle, and NtQueryDirectoryFile reads one entry of a folder by name.

#include "engine/os/win32/dir_handle.h"

#include <winternl.h>

#include <cstring>

namespace plumb::win32 {

extern "C" NTSTATUS NTAPI NtQueryDirectoryFile(HANDLE, HANDLE, PVOID, PVOID, PIO_STATUS_BLOCK, PVOID, ULONG,
                                               FILE_INFORMATION_CLASS, BOOLEAN, PUNICODE_STRING, BOOLEAN);

namespace {

// FILE_DIRECTORY_INFORMATION with room for one long name.
struct DirectoryInformation {
  ULONG NextEntryOffset;
  ULONG FileIndex;
  LARGE_INTEGER CreationTime, LastAccessTime, LastWriteTime, ChangeTime, EndOfFile, AllocationSize;
  ULONG FileAttributes;
  ULONG FileNameLength;
  WCHAR FileName[MAX_PATH + 1];
};

UNICODE_STRING Counted(const std::wstring& s) {
  UNICODE_STRING u;
  u.Buffer = const_cast<wchar_t*>(s.data());
  u.Length = static_cast<USHORT>(s.size() * sizeof(wchar_t));
  u.MaximumLength = u.Length;
  return u;
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir.empty() || dir.back() == '\\' ? dir + name : dir + "\\" + name;
}

}  // namespace

Error NtFailure(const std::string& what, const std::string& path, LONG status) {
  DWORD err = ::RtlNtStatusToDosError(status);
  return Error{KindOf(err), "cannot " + what + " '" + path + "': " + ErrorText(err)};
}

bool NtMissing(LONG status) {
  return status == static_cast<LONG>(0xC0000034) /* OBJECT_NAME_NOT_FOUND */ ||
         status == static_cast<LONG>(0xC000003A) /* OBJECT_PATH_NOT_FOUND */ ||
         status == static_cast<LONG>(0xC000000F) /* NO_SUCH_FILE */ || status == static_cast<LONG>(0x80000006) /* NO_MORE_FILES */;
}

LONG OpenAt(HANDLE dir, const std::wstring& name, ACCESS_MASK access, ULONG disposition, ULONG options,
            PSECURITY_DESCRIPTOR sd, UniqueHandle& out, ULONG share) {
  UNICODE_STRING u = Counted(name);
  OBJECT_ATTRIBUTES oa;
  InitializeObjectAttributes(&oa, &u, OBJ_CASE_INSENSITIVE, dir, sd);
  IO_STATUS_BLOCK io{};
  HANDLE h = nullptr;
  NTSTATUS status = ::NtCreateFile(&h, access | SYNCHRONIZE, &oa, &io, nullptr, FILE_ATTRIBUTE_NORMAL, share, disposition, options | FILE_SYNCHRONOUS_IO_NONALERT, nullptr, 0);
  if (NT_SUCCESS(status)) out.reset(h);
  return status;
}

Result<DirEntry> LookUp(HANDLE dir, const std::wstring& name, const std::string& shown) {
  // A handle of its own: a folder handle keeps the first search pattern it was given.
  UniqueHandle listing;
  LONG status = OpenAt(dir, L"", FILE_LIST_DIRECTORY, FILE_OPEN, FILE_DIRECTORY_FILE, nullptr, listing);
  if (!NT_SUCCESS(status)) return NtFailure("list the folder of", shown, status);
  std::wstring pattern = name;
  UNICODE_STRING u = Counted(pattern);
  DirectoryInformation info{};
  IO_STATUS_BLOCK io{};
  status = NtQueryDirectoryFile(listing.get(), nullptr, nullptr, nullptr, &io, &info, sizeof info,
                                static_cast<FILE_INFORMATION_CLASS>(1) /* FileDirectoryInformation */, TRUE, &u, TRUE);
  if (NtMissing(status)) return DirEntry{};
  if (!NT_SUCCESS(status)) return NtFailure("look up", shown, status);
  DirEntry entry;
  // FILE_ATTRIBUTE_NORMAL stands for "no attributes": keep it non-zero, as exists() needs.
  entry.attributes = info.FileAttributes ? info.FileAttributes : FILE_ATTRIBUTE_NORMAL;
  entry.size = static_cast<uint64_t>(info.EndOfFile.QuadPart);
  return entry;
}

std::vector<std::wstring> ListMatching(HANDLE dir, const std::wstring& pattern) {
  std::vector<std::wstring> names;
  UniqueHandle listing;
  if (!NT_SUCCESS(OpenAt(dir, L"", FILE_LIST_DIRECTORY, FILE_OPEN, FILE_DIRECTORY_FILE, nullptr, listing))) return names;
  std::wstring mask = pattern;
  UNICODE_STRING u = Counted(mask);
  alignas(8) unsigned char buf[16384];
  for (BOOLEAN first = TRUE;; first = FALSE) {
    IO_STATUS_BLOCK io{};
    NTSTATUS status = NtQueryDirectoryFile(listing.get(), nullptr, nullptr, nullptr, &io, buf, sizeof buf,
                                           static_cast<FILE_INFORMATION_CLASS>(1), FALSE, first ? &u : nullptr, first);
    if (!NT_SUCCESS(status)) break;
    for (size_t at = 0;;) {
      auto* info = reinterpret_cast<DirectoryInformation*>(buf + at);
      names.emplace_back(info->FileName, info->FileNameLength / sizeof(wchar_t));
      if (info->NextEntryOffset == 0) break;
      at += info->NextEntryOffset;
    }
  }
  return names;
}

DWORD HandleAttributes(HANDLE h) {
  FILE_ATTRIBUTE_TAG_INFO tag{};
  if (!::GetFileInformationByHandleEx(h, FileAttributeTagInfo, &tag, sizeof tag)) return 0;
  return tag.FileAttributes;
}

SplitPath Split(const std::string& normal) {
  SplitPath out;
  size_t start = 0;
  if (normal.size() >= 3 && normal[1] == ':' && normal[2] == '\\') {
    out.anchor = normal.substr(0, 3);
    start = 3;
  } else if (normal.rfind("\\\\", 0) == 0) {
    size_t server_end = normal.find('\\', 2);
    size_t share_end = server_end == std::string::npos ? std::string::npos : normal.find('\\', server_end + 1);
    if (server_end == std::string::npos || server_end == 2) return out;
    out.anchor = (share_end == std::string::npos ? normal : normal.substr(0, share_end)) + "\\";
    start = share_end == std::string::npos ? normal.size() : share_end + 1;
  } else {
    return out;
  }
  while (start < normal.size()) {
    size_t end = normal.find('\\', start);
    if (end == std::string::npos) end = normal.size();
    if (end > start) out.components.push_back(normal.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Result<UniqueHandle> OpenAnchor(const std::string& path) {
  UniqueHandle h(::CreateFileW(Wide(path).c_str(), FILE_LIST_DIRECTORY | FILE_TRAVERSE | SYNCHRONIZE, kShareAll, nullptr,
                               OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr));
  if (!h.valid()) {
    DWORD err = ::GetLastError();
    return Error{KindOf(err), "cannot open folder '" + path + "': " + ErrorText(err)};
  }
  return h;
}

Result<UniqueHandle> OpenDirBelow(HANDLE anchor, const std::string& shown_base, const std::vector<std::string>& components) {
  UniqueHandle current;
  HANDLE at = anchor;
  std::string shown = shown_base;
  for (const std::string& component : components) {
    shown = Join(shown, component);
    if (component == "." || component == "..")
      return Error{ErrorKind::kInvalidInput, "cannot open folder '" + shown + "': '" + component + "' is not a folder name"};
    std::wstring name = Wide(component);
    auto entry = LookUp(at, name, shown);
    if (!entry) return entry.error();
    if (!entry->exists()) return Error{ErrorKind::kNotFound, "cannot open folder '" + shown + "': it does not exist"};
    // A file on the way: the path names nothing, as ENOTDIR does on POSIX.
    if (!entry->reparse_point() && !entry->directory())
      return Error{ErrorKind::kNotFound, "cannot open folder '" + shown + "': it is a file"};
    UniqueHandle next;
    if (!entry->reparse_point()) {
      LONG status = OpenAt(at, name, FILE_LIST_DIRECTORY | FILE_TRAVERSE, FILE_OPEN,
                           FILE_DIRECTORY_FILE | FILE_OPEN_REPARSE_POINT, nullptr, next);
      if (NtMissing(status)) return Error{ErrorKind::kNotFound, "cannot open folder '" + shown + "': it does not exist"};
      if (!NT_SUCCESS(status)) return NtFailure("open folder", shown, status);
    }
    if (entry->reparse_point() || (HandleAttributes(next.get()) & FILE_ATTRIBUTE_REPARSE_POINT))
      return Error{ErrorKind::kPermissionDenied,
                   "unsafe path: '" + shown + "' is a link or junction (a reparse point), and plumb does not pass through one "
                   "on the way to a file it manages"};
    current = std::move(next);
    at = current.get();
  }
  if (!current.valid()) {
    // No component: the anchor itself, as a handle of its own.
    LONG status = OpenAt(anchor, L"", FILE_LIST_DIRECTORY | FILE_TRAVERSE, FILE_OPEN, FILE_DIRECTORY_FILE, nullptr, current);
    if (!NT_SUCCESS(status)) return NtFailure("open folder", shown_base, status);
  }
  return current;
}

}  // namespace plumb::win32
