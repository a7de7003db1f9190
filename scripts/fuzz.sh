#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer driver (Tests/Fuzz) with AddressSanitizer and runs each fuzz target
# for FUZZ_SECONDS (default 600). Targets: FUZZ_TARGETS (default: all seven). Each target's corpus grows
# in .build-fuzz/corpus/TARGET, started from the committed seeds (Tests/Fuzz/corpus/TARGET); crashes
# land in .build-fuzz/crashes/TARGET and the log in .build-fuzz/logs/TARGET.log. Exits 1 if any crashed.
# A crash, once fixed, is kept as a regression: copy it into Tests/Fuzz/regressions/TARGET/ (make test
# replays it).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-600}"
targets="${FUZZ_TARGETS:-arena-relay arena-console gguf skill-md wasm serve-request recording}"
work=.build-fuzz

echo "fuzz: building the driver (release, -sanitize=fuzzer,address; the first build takes minutes)"
(cd Tests/Fuzz && swift build -c release --scratch-path "../../$work" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld)
driver="$work/release/mowai-fuzz"

failed=0
for target in $targets; do
  corpus="$work/corpus/$target" crashes="$work/crashes/$target" log="$work/logs/$target.log"
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
  cp -n Tests/Fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  cp -n Tests/Fuzz/regressions/"$target"/* "$corpus"/ 2>/dev/null || true
  before=$(find "$crashes" -type f | wc -l)
  echo "fuzz: $target for ${seconds}s (log: $log)"
  # libFuzzer reports crashes itself: Swift's backtracer would only slow it down.
  SWIFT_BACKTRACE=enable=no "$driver" "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1 || true
  after=$(find "$crashes" -type f | wc -l)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
  echo "fuzz: $target: ${runs} inputs, coverage ${coverage} edges, corpus $(find "$corpus" -type f | wc -l) files, $((after - before)) new crashes"
  if [ "$after" -gt "$before" ]; then failed=1; fi
done
exit $failed
