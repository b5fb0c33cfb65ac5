#pragma once
/// The ErrorKind of an errno value, so callers decide on kinds and never on strerror's text.

#include <cerrno>

#include "engine/util/result.h"

namespace plumb {

inline ErrorKind KindOfErrno(int err) {
  switch (err) {
    case ENOENT: case ENOTDIR: return ErrorKind::kNotFound;
    case EACCES: case EPERM: case EROFS: return ErrorKind::kPermissionDenied;
    case EEXIST: case ENOTEMPTY: return ErrorKind::kAlreadyExists;
    case EBUSY: case ETXTBSY: case EAGAIN: return ErrorKind::kBusy;
    case ETIMEDOUT: return ErrorKind::kTimedOut;
    case ENOSYS: case EOPNOTSUPP: case EXDEV: return ErrorKind::kUnsupported;
    case EINVAL: case ENAMETOOLONG: case ELOOP: case EISDIR: return ErrorKind::kInvalidInput;
    default: return ErrorKind::kInternal;
  }
}

}  // namespace plumb
