// GitRepository where plumb is built without libgit2 (the Windows build, until libgit2 is built
// for it): `plumb pull` says so instead of pretending.

#include "engine/source/git.h"

namespace plumb {

Result<std::unique_ptr<GitRepository>> OpenGitRepository(const std::string& path) {
  (void)path;
  return Error(ErrorKind::kUnsupported, "this build of plumb has no git (it was built without libgit2)");
}

}  // namespace plumb
