#!/usr/bin/env bash
# Installs everything plumb needs to build and test on Debian 12. Idempotent: packages that are
# already present are not downloaded again, and the package index is refreshed only when needed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build
  libtomlplusplus-dev libboost-graph-dev libspdlog-dev libfmt-dev libtinyxml2-dev
  libgtest-dev libgmock-dev libcli11-dev nlohmann-json3-dev
  libkainjow-mustache-dev  # the file type's template (header-only, so the Windows build has it too)
  libsimdjson-dev  # reads run reports in bulk (plumb report)
  libssl-dev  # SHA-256 from libcrypto
  libjemalloc-dev  # the plumb program's allocator on Linux (engine/cli/linux/malloc_conf.cc)
  libsystemd-dev pkg-config  # sd-bus: the service type talks to systemd
  libgit2-dev  # plumb pull fetches the policy repository
  libcurl4-openssl-dev curl  # the reboot semaphore's HTTP (FleetLock, etcd); curl asks the FleetLock double in tests/win32/e2e.sh
  libpq-dev  # the report store in PostgreSQL (headers; libpq5 is loaded when plumb report connects)
  postgresql  # the report store's tests start a throw-away server with pg_virtualenv (postgresql-common)
  openssl  # the tests make certificates for TLS servers (etcd, git over https)
  git openssh-client gnupg gpgv  # the pull tests sign commits with ssh-keygen and gpg; gpgv checks OpenPGP ones
  libaugeas-dev augeas-lenses augeas-tools  # the augeas type; augtool checks it in the tests
  mingw-w64 wine wine64 dpkg-dev
  libz-mingw-w64-dev libgcrypt-mingw-w64-dev  # plumb.exe: zlib for libgit2, ed25519 and RSA for SSH signatures
  systemd  # systemd-analyze verify checks the units plumb schedule writes
  clang libclang-rt-14-dev  # the libFuzzer harnesses (scripts/fuzz.sh)
  chromium  # renders the fleet report in the browser test
  python3-jsonschema  # checks every JSON output against docs/schemas
  python3-prometheus-client  # parses the metrics file with the Prometheus project's own parser
  libxml2-utils  # xmllint: checks the JUnit outputs against the CI systems' schemas
  mmdebstrap  # builds the Debian root the package type installs into (scripts/fetch-test-image.sh)
  rpm dnf createrepo-c  # the package type on the RHEL family, in a temporary root (tests/e2e/rpm_root_test.cc)
  lintian  # checks plumb's own Debian package (tests/e2e/debian_package_test.cc)
  nsis zip unzip  # the Windows installer (makensis) and zip (scripts/windows-installer.sh, tests/win32/installer.sh)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  bash "$(dirname "$0")/fetch-test-daemons.sh"
  bash "$(dirname "$0")/fetch-test-schemas.sh"
  bash "$(dirname "$0")/fetch-test-image.sh"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root or install them" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
bash "$(dirname "$0")/fetch-test-daemons.sh"
bash "$(dirname "$0")/fetch-test-schemas.sh"
bash "$(dirname "$0")/fetch-test-image.sh"
