#!/usr/bin/env bash
# Takes the XML schemas that CI systems validate JUnit reports with out of Debian's own source
# packages into build-test-schemas/, for tests/e2e/junit_schemas_test.cc:
#   - jenkins-xunit-junit-10.xsd and jenkins-xunit-junit-10-older.xsd: the Jenkins xUnit
#     plugin's JUnit schema at two of its revisions, as python-xmlrunner's tests carry them;
#   - surefire-test-report.xsd: Maven Surefire's report schema, from surefire's own source.
# Only the upstream tarball is downloaded, checked against the SHA-256 that Debian's signed
# source index gives. Nothing is installed. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=build-test-schemas
[ -f "$dest/surefire-test-report.xsd" ] && [ -f "$dest/jenkins-xunit-junit-10.xsd" ] && exit 0
bash scripts/ensure-deb-src.sh surefire
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # apt's download sandbox user writes here
# The upstream tarball of a source package, verified, as $work/PACKAGE.orig.
orig() {
  local line url sum
  line=$(cd "$work" && apt-get source --print-uris "$1" 2>/dev/null | grep "\.orig\.tar\." | head -1)
  url=$(echo "$line" | cut -d"'" -f2)
  sum=$(echo "$line" | awk '{print $4}')
  [[ $sum == SHA256:* ]] || { echo "fetch-test-schemas: no SHA-256 for $1's source" >&2; exit 1; }
  /usr/lib/apt/apt-helper -qq download-file "$url" "$work/$1.orig" "$sum" >/dev/null
}
orig python-xmlrunner
orig surefire
mkdir -p "$work/x" "$dest"
tar -xzf "$work/python-xmlrunner.orig" -C "$work/x" --wildcards '*/xunit-plugin/*/junit-10.xsd'
tar -xJf "$work/surefire.orig" -C "$work/x" --wildcards '*/xsd/surefire-test-report.xsd'
cp "$(find "$work/x" -path '*ae25da5089d4f94ac6c4669bf736e4d416cc4665/junit-10.xsd')" "$dest/jenkins-xunit-junit-10.xsd"
cp "$(find "$work/x" -path '*14c6e39c38408b9ed6280361484a13c6f5becca7/junit-10.xsd')" "$dest/jenkins-xunit-junit-10-older.xsd"
cp "$(find "$work/x" -name surefire-test-report.xsd)" "$dest/surefire-test-report.xsd"
