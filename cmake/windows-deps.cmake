# Dependencies of the Windows cross build. Header-only libraries come from a staged include folder
# that exposes only their headers (never /usr/include as a whole); tinyxml2, simdjson and
# GoogleTest are compiled from Debian's sources; libgit2 too, before this build (stage-windows-deps.sh). scripts/stage-windows-deps.sh prepares PLUMB_WIN_DEPS.
set(PLUMB_WIN_DEPS "${CMAKE_SOURCE_DIR}/build-win-deps" CACHE PATH "staged Windows dependencies")
if(NOT EXISTS "${PLUMB_WIN_DEPS}/include/toml++" OR NOT EXISTS "${PLUMB_WIN_DEPS}/include/kainjow/mustache.hpp"
   OR NOT EXISTS "${PLUMB_WIN_DEPS}/tinyxml2/tinyxml2.cpp"
   OR NOT EXISTS "${PLUMB_WIN_DEPS}/simdjson/singleheader/simdjson.cpp"
   OR NOT EXISTS "${PLUMB_WIN_DEPS}/git2/complete")
  message(FATAL_ERROR "${PLUMB_WIN_DEPS} is not staged: run scripts/stage-windows-deps.sh ${PLUMB_WIN_DEPS}")
endif()

add_library(plumb_staged_headers INTERFACE)
target_include_directories(plumb_staged_headers SYSTEM INTERFACE "${PLUMB_WIN_DEPS}/include")
target_compile_definitions(plumb_staged_headers INTERFACE SPDLOG_HEADER_ONLY FMT_HEADER_ONLY)
foreach(name tomlplusplus::tomlplusplus Boost::graph spdlog::spdlog CLI11::CLI11 nlohmann_json::nlohmann_json)
  add_library(${name} ALIAS plumb_staged_headers)
endforeach()

add_library(plumb_tinyxml2 STATIC "${PLUMB_WIN_DEPS}/tinyxml2/tinyxml2.cpp")
target_include_directories(plumb_tinyxml2 SYSTEM PUBLIC "${PLUMB_WIN_DEPS}/tinyxml2")
target_compile_options(plumb_tinyxml2 PRIVATE -w)
add_library(tinyxml2::tinyxml2 ALIAS plumb_tinyxml2)

add_library(plumb_simdjson STATIC "${PLUMB_WIN_DEPS}/simdjson/singleheader/simdjson.cpp")
target_include_directories(plumb_simdjson SYSTEM PUBLIC "${PLUMB_WIN_DEPS}/simdjson/singleheader")
target_compile_options(plumb_simdjson PRIVATE -w)
add_library(simdjson::simdjson ALIAS plumb_simdjson)

# libgit2 with its http-parser and PCRE2, static; zlib from Debian's libz-mingw-w64-dev.
add_library(plumb_libgit2 INTERFACE)
target_include_directories(plumb_libgit2 SYSTEM INTERFACE "${PLUMB_WIN_DEPS}/git2/include")
target_link_libraries(plumb_libgit2 INTERFACE "${PLUMB_WIN_DEPS}/git2/lib/libgit2.a"
  "${PLUMB_WIN_DEPS}/git2/lib/libpcre2-8.a" "${PLUMB_WIN_DEPS}/git2/lib/libhttp_parser.a"
  z winhttp rpcrt4 crypt32 ole32 ws2_32 secur32)

# libgcrypt from Debian's libgcrypt-mingw-w64-dev, static: the SSH signature arithmetic.
find_path(PLUMB_GCRYPT_INCLUDE gcrypt.h REQUIRED)
add_library(plumb_gcrypt INTERFACE)
target_include_directories(plumb_gcrypt SYSTEM INTERFACE "${PLUMB_GCRYPT_INCLUDE}")
target_link_libraries(plumb_gcrypt INTERFACE gcrypt gpg-error ws2_32)

find_package(Threads REQUIRED)
# GCC 12's -Wrestrict misfires inside libstdc++'s string code when inlined for this target.
add_compile_options(-Wno-restrict)
# One self-contained .exe: no libstdc++/libgcc/winpthread DLLs to ship next to it.
add_link_options(-static)
