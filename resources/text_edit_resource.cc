// Reading and writing for the types that edit part of a text file (see text_edit_resource.h).

#include "resources/text_edit_resource.h"

#include "engine/util/diff.h"
#include "resources/validate_command.h"

namespace plumb {

Result<Observation> TextEditResource::Test() {
  auto file = Read();
  if (!file) return file.error();
  auto edited = Edit(file->bytes);
  if (!edited) return edited.error().Prefixed("'" + policy_path_ + "': ");
  Observation obs;
  if (*edited == file->bytes) return obs;
  obs.drift = Drift(file->bytes);
  if (file->info.kind == FileKind::kMissing) obs.note = "file does not exist";
  obs.diff = UnifiedDiff(file->bytes, *edited, {.from_label = policy_path_ + " (actual)", .to_label = policy_path_});
  return obs;
}

Status TextEditResource::Set(const Observation&) {
  auto out = Write();
  if (!out) return out.error();
  return *out ? (*out)->Commit() : OkStatus();
}

// A link, a special file or one too large to be a configuration file is an error, never read or
// written through.
Result<FileContent> TextEditResource::Read() {
  auto file = b_.fs.Load(path_);
  if (!file) return file.error();
  const FileInfo& info = file->info;
  if (info.kind != FileKind::kRegular && info.kind != FileKind::kMissing)
    return Error{ErrorKind::kInvalidInput, "'" + policy_path_ + "' is a " + ToString(info.kind) + ", expected a file"};
  if (!file->complete)
    return Error{ErrorKind::kInvalidInput, "'" + policy_path_ + "' is " + std::to_string(info.size >> 20) + " MiB; " +
                                               Editors() + " files of up to " + std::to_string(kMaxLoadBytes >> 20) + " MiB"};
  return file;
}

// The edited file, written (and checked) beside the path; null when the text stays as it is.
// Always a fresh read: what is written must be based on the file as it is now.
Result<std::unique_ptr<AtomicFile>> TextEditResource::Write() {
  auto file = Read();
  if (!file) return file.error();
  auto edited = Edit(file->bytes);
  if (!edited) return edited.error().Prefixed("'" + policy_path_ + "': ");
  if (*edited == file->bytes) return std::unique_ptr<AtomicFile>();
  FileAttributes attrs;
  if (file->info.kind == FileKind::kRegular) attrs = {file->info.mode, file->info.uid, file->info.gid};
  auto out = b_.fs.CreateAtomic(path_, attrs);
  if (!out) return out.error();
  if (auto st = (*out)->Append(*edited); !st) return st.error();
  if (validate_command_)
    if (auto st = RunValidateCommand(b_.processes, *validate_command_, (*out)->TemporaryPath(), policy_path_); !st)
      return st.error();
  return out;
}

}  // namespace plumb
