#!/usr/bin/env bash
# Stages the Windows cross build's dependencies in DIR (default build-win-deps): links to the
# header-only libraries' own folders (toml++, Boost, spdlog, fmt, nlohmann, CLI11, kainjow's Mustache) and the Debian
# sources of tinyxml2 and simdjson, fetched with apt-get source (a deb-src entry is added when there is none),
# and libgit2 built from Debian's sources (with http-parser and PCRE2, also from Debian's sources; zlib
# from Debian's libz-mingw-w64-dev) into DIR/git2. Idempotent: what is built is not built again.
set -euo pipefail
out=$(realpath -m "${1:-build-win-deps}")
mkdir -p "$out/include"
for d in toml++ boost spdlog fmt nlohmann CLI kainjow; do
  [ -d "/usr/include/$d" ] || { echo "stage-windows-deps: /usr/include/$d missing; run scripts/install-deps.sh" >&2; exit 1; }
  ln -sfn "/usr/include/$d" "$out/include/$d"
done
# Debian's source of PACKAGE, unpacked into $out/NAME (a no-op when $out/NAME/FILE exists).
fetch_source() {
  local package=$1 name=$2 file=$3
  [ -f "$out/$name/$file" ] && return 0
  bash "$(dirname "$0")/ensure-deb-src.sh" "$package"
  local work
  work=$(mktemp -d)
  (cd "$work" && apt-get source -qq "$package" >/dev/null 2>&1)
  rm -rf "${out:?}/$name"
  mv "$(find "$work" -maxdepth 1 -type d -name "$package-*" | head -1)" "$out/$name"
  rm -rf "$work"
  [ -f "$out/$name/$file" ] || { echo "stage-windows-deps: $package's source has no $file" >&2; exit 1; }
}
fetch_source tinyxml2 tinyxml2 tinyxml2.cpp
# simdjson's single-file amalgamation (singleheader/simdjson.{h,cpp}) is what the build compiles.
fetch_source simdjson simdjson singleheader/simdjson.cpp

# Runs a build step with its output in $out/build.log, shown only when the step fails.
quiet() {
  "$@" >>"$out/build.log" 2>&1 || { tail -40 "$out/build.log" >&2; echo "stage-windows-deps: failed: $*" >&2; exit 1; }
}
# libgit2 for plumb pull: static, https through WinHTTP (no OpenSSL), file:// remotes, no SSH.
# Debian's +ds source has no deps/ folder, so its dependencies are built from their own sources.
# DIR/git2/complete marks a finished build; anything less is built again from the start.
build_libgit2() {
  local prefix=$out/git2 toolchain
  [ -f "$prefix/complete" ] && return 0
  toolchain=$(realpath "$(dirname "$0")/../cmake/mingw-w64.cmake")
  fetch_source http-parser http-parser http_parser.c
  fetch_source pcre2 pcre2 src/pcre2_compile.c
  fetch_source libgit2 libgit2 src/libgit2/libgit2.c
  rm -rf "$prefix" "$out/build" "$out/build.log"
  mkdir -p "$prefix/include" "$prefix/lib" "$out/build"
  quiet x86_64-w64-mingw32-gcc-posix -O2 -c "$out/http-parser/http_parser.c" -o "$out/build/http_parser.o"
  quiet x86_64-w64-mingw32-ar rcs "$prefix/lib/libhttp_parser.a" "$out/build/http_parser.o"
  cp "$out/http-parser/http_parser.h" "$prefix/include/"
  quiet cmake -S "$out/pcre2" -B "$out/build/pcre2" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DPCRE2_BUILD_PCRE2GREP=OFF -DPCRE2_BUILD_TESTS=OFF \
    -DPCRE2_SUPPORT_JIT=OFF -DCMAKE_INSTALL_PREFIX="$prefix"
  quiet cmake --build "$out/build/pcre2"
  quiet cmake --install "$out/build/pcre2"
  # mingw-w64 has had winhttp.h and libwinhttp.a for years; the stripped deps/winhttp is not needed.
  sed -i 's/^\tif(MINGW)$/\tif(FALSE)/' "$out/libgit2/cmake/SelectWinHTTP.cmake"
  quiet cmake -S "$out/libgit2" -B "$out/build/libgit2" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTS=OFF -DBUILD_CLI=OFF \
    -DUSE_SSH=OFF -DUSE_HTTPS=WinHTTP -DUSE_SHA1=CollisionDetection -DUSE_SHA256=Builtin \
    -DUSE_BUNDLED_ZLIB=OFF -DREGEX_BACKEND=pcre2 -DUSE_HTTP_PARSER=system -DUSE_NTLMCLIENT=OFF \
    -DUSE_GSSAPI=OFF -DUSE_ICONV=OFF -DSTATIC_CRT=OFF -DCMAKE_C_FLAGS=-DPCRE2_STATIC \
    -DPCRE2_INCLUDE_DIR="$prefix/include" -DPCRE2_LIBRARY="$prefix/lib/libpcre2-8.a" \
    -DHTTP_PARSER_INCLUDE_DIR="$prefix/include" -DHTTP_PARSER_LIBRARY="$prefix/lib/libhttp_parser.a" \
    -DCMAKE_INSTALL_PREFIX="$prefix"
  quiet cmake --build "$out/build/libgit2"
  quiet cmake --install "$out/build/libgit2"
  rm -rf "$out/build"
  touch "$prefix/complete"
}
build_libgit2
echo "staged in $out"
