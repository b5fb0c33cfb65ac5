// plumb_docs DIR: writes DIR/plumb.1 and DIR/plumb.bash from the command line's definition (run by
// the build; the Debian package installs both).

#include <cstdio>
#include <fstream>

#include "engine/cli/command_line.h"
#include "engine/cli/docs.h"
#include "resources/registry.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: plumb_docs DIR\n");
    return 2;
  }
  auto cl = plumb::DefineCommandLine();
  plumb::TypeRegistry types(plumb::Platforms::kLinux);
  plumb::RegisterBuiltinTypes(types);
  std::string dir = argv[1];
  for (const auto& [name, text] : {std::pair{"/plumb.1", plumb::ManPage(*cl)},
                                   std::pair{"/plumb.bash", plumb::BashCompletion(*cl, types.TypeNames())}}) {
    std::ofstream out(dir + name, std::ios::binary);
    out << text;
    if (!out.flush()) {
      std::fprintf(stderr, "plumb_docs: cannot write %s%s\n", dir.c_str(), name);
      return 1;
    }
  }
  return 0;
}
