#!/usr/bin/env bash
# Runs Dossier's fuzz targets with libFuzzer and the address sanitizer.
#
#   scripts/fuzz.sh [TARGET…]      (make fuzz; default: query notes url html http mcp)
#
# FUZZ_SECONDS   how long each target runs (default 600)
# FUZZ_PARALLEL  how many targets run at once (default 2, one per core here)
#
# Each target starts from its seeds (Tests/Fuzz/seeds/TARGET) and a working
# corpus kept in .build-fuzz/corpus/TARGET between runs. A crash leaves its
# input in .build-fuzz/findings/TARGET/; once fixed, copy that input to
# Tests/Fuzz/regressions/TARGET/, where `make test` replays it. The last
# lines say, per target, the inputs run and the crashes found.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
SECONDS_EACH=${FUZZ_SECONDS:-600}
PARALLEL=${FUZZ_PARALLEL:-2}
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(query notes url html http mcp)

# swiftc keeps the last of several -sanitize= flags, and SwiftPM passes one per
# --sanitize, in no set order: with address last, nothing is instrumented for
# coverage and libFuzzer runs blind. -sanitize=fuzzer,address, passed after
# them, asks for both. (--sanitize still brings in the runtimes at link time.)
# Built from clean each time, so that no object of another build is linked.
rm -rf .build-fuzz/x86_64-unknown-linux-gnu .build-fuzz/debug
"$SWIFT" build --scratch-path .build-fuzz --product FuzzDossier \
  --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING 2>&1 | grep -v "Cannot export local symbol" >&2
BIN=.build-fuzz/debug/FuzzDossier
# libFuzzer reports a crash itself; Swift's interactive backtracer would hold the process.
export SWIFT_BACKTRACE=enable=no

run() {
  local target=$1
  mkdir -p ".build-fuzz/corpus/$target" ".build-fuzz/findings/$target"
  local log=".build-fuzz/$target.log"
  # -fork with -ignore_crashes would go on past a crash; a finding should stop the run and be looked at.
  # The http target's test client (HummingbirdTesting) makes a NIO testing
  # channel per request and never closes it: LeakSanitizer reports those on
  # the first input with -detect_leaks, and at exit (a finding with an empty
  # input) unless ASan's own leak check is off too.
  local leaks=1
  [ "$target" = http ] && leaks=0
  set +e
  ASAN_OPTIONS="detect_leaks=$leaks" DOSSIER_FUZZ_TARGET=$target "$BIN" ".build-fuzz/corpus/$target" "Tests/Fuzz/seeds/$target" \
    -detect_leaks=$leaks -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix=".build-fuzz/findings/$target/" >"$log" 2>&1
  local status=$?
  set -e
  local runs crashes
  grep -q "inline 8-bit counters" "$log" || { echo "fuzz $target: the build has no coverage counters"; return; }
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  crashes=$(find ".build-fuzz/findings/$target" -type f | wc -l)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
  echo "fuzz $target: ${runs:-?} inputs in ${SECONDS_EACH} s, coverage ${cov:-?} edges, exit $status, $crashes finding(s) in .build-fuzz/findings/$target"
}

pids=()
results=()
for target in "${TARGETS[@]}"; do
  run "$target" > ".build-fuzz/$target.result" &
  pids+=($!)
  results+=(".build-fuzz/$target.result")
  if [ ${#pids[@]} -ge "$PARALLEL" ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
wait
cat "${results[@]}"
! grep -q -e "exit [1-9]" -e "no coverage" "${results[@]}"
