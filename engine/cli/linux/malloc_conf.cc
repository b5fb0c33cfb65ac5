// The plumb program's allocator on Linux: jemalloc, linked into the program only (CMakeLists.txt),
// which reads this variable when it starts.
//
// Why: a run builds its whole model at once (tens of MiB for tens of thousands of resources) and
// exits, so with 4 KiB pages most of its system time went to page faults, one per page touched for
// the first time (measured: 23,800 faults for a test of 40,000 resources, 0.86 s; with this, 2,500
// faults, 0.55 s; bench/). jemalloc asks for transparent huge pages (madvise) for its heap and its
// metadata, which a kernel with THP "madvise" or "always" grants; with THP "never" it is ignored.
// glibc has the same behind the GLIBC_TUNABLES environment variable only, which a scheduled task
// should not depend on.
#include <jemalloc/jemalloc.h>

const char* malloc_conf = "thp:always,metadata_thp:always";
