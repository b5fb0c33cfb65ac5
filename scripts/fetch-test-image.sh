#!/usr/bin/env bash
# Builds, once, the minimal Debian 12 root that the package integration test installs into
# (tests/e2e/debian_image_test.cc, tests/e2e/debian_package_test.cc): mmdebstrap's "apt" variant
# as a tarball, with the package lists kept and, downloaded into apt's cache but not installed,
# the small package "hello" (which the test installs and removes through `plumb apply --root`)
# and the libraries plumb's own package depends on (which the test installs it with), so neither
# test needs the network. The name carries a number that changes whenever that list does. The tarball is
# kept in /var/cache/plumb-test between runs and between clones. Needs root (chroot); without
# root, or without mmdebstrap, nothing is built and the test says why it is skipped.
set -euo pipefail
cache=${PLUMB_TEST_IMAGE_CACHE:-/var/cache/plumb-test}
image="$cache/debian-12-apt-5.tar"
[ -s "$image" ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v mmdebstrap >/dev/null; then
  echo "fetch-test-image: needs root and mmdebstrap; the package image test will be skipped" >&2
  exit 0
fi
mkdir -p "$cache"
tmp="$image.partial"
rm -f "$tmp"
mmdebstrap --quiet --variant=apt --mode=root --format=tar \
  --skip=cleanup/apt/lists --skip=cleanup/apt/cache \
  --customize-hook='chroot "$1" apt-get install -y -qq --download-only hello libaugeas0 augeas-lenses libfmt9 libsimdjson14 libspdlog1.10-fmt9 libssl3 libsystemd0 libtinyxml2-9 libgit2-1.5 libjemalloc2 libcurl4' \
  bookworm "$tmp" http://deb.debian.org/debian
mv "$tmp" "$image"
