#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz (clang, ASan, UBSan) and runs each for SECONDS
# (default 60) from its seed corpus. Findings are written to build-fuzz/findings/; the seed
# corpora in the repository are only read. Exit status: non-zero when a harness found a crash.
#   scripts/fuzz.sh 20        the short run of the test suite
#   scripts/fuzz.sh 3600      an hour per harness
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
harnesses=(policy_loader run_report journal kv_editor text_edit)
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target "${harnesses[@]/%/_fuzz}"
mkdir -p build-fuzz/findings
for h in "${harnesses[@]}"; do
  work=$(mktemp -d)
  cp -r "tests/fuzz/corpus/$h/." "$work/"
  echo "fuzz: $h for ${seconds}s"
  # -rss_limit_mb bounds a runaway allocation; -timeout flags an input that hangs.
  if ! "build-fuzz/${h}_fuzz" "$work" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="build-fuzz/findings/${h}-" -print_final_stats=1 2>"build-fuzz/findings/$h.log"; then
    tail -40 "build-fuzz/findings/$h.log" >&2
    echo "fuzz: $h found a failure; the input is in build-fuzz/findings/" >&2
    rm -rf "$work"
    exit 1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "build-fuzz/findings/$h.log" | sed "s/^/  /"
  rm -rf "$work"
done
