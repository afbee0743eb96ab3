#!/usr/bin/env bash
# `convlab sweep` end to end on a tiny grid: results.csv, run.json, winners.csv and benchmark.json appear;
# a sweep killed midway and resumed measures the same rows as an uninterrupted one; shards merge back into
# the whole grid; bad input exits 2 with one line and keeps what was measured.
set -u
convlab=$1
tmp=$2
rm -rf "$tmp" && mkdir -p "$tmp"
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
grid=(--kernel 1,3 --channels 4 --size 9 --stride 1,2 --threads 1 --repetitions 2 --no-report)
fast=(--min-time 0.001)
keys() { tail -n +2 "$1" | awk -F, '{print $1"|"$19"|"$20"|"$21"|"$22"|"$23"|"$24}' | sed 's/|onednn|jit[^|]*|/|onednn|/' | sort; }

"$convlab" sweep "${grid[@]}" "${fast[@]}" --out "$tmp/full" >"$tmp/full.out" 2>"$tmp/full.err" || bad "full sweep exited $?"
for f in results.csv run.json winners.csv benchmark.json; do
  [ -s "$tmp/full/$f" ] && ok "full sweep wrote $f" || bad "full sweep did not write $f"
done
rows=$(($(wc -l <"$tmp/full/results.csv") - 1))
specs=$("$convlab" methods | grep -vc '^reference \|^fc ')  # fc runs only where problems are FC-shaped
[ "$rows" -eq $((4 * specs)) ] && ok "$rows rows (4 problems x $specs methods)" || bad "expected $((4 * specs)) rows, got $rows"
grep -q '"peak_gflops"' "$tmp/full/run.json" && ok "run.json has the measured peak" || bad "run.json lacks peak"
grep -q '"peak_gflops_end"' "$tmp/full/run.json" && ok "run.json has the peak measured after the run too" \
  || bad "run.json lacks the peak after the run"
grep -Eq '"openblas_core": "[A-Za-z0-9]+' "$tmp/full/run.json" && ok "run.json names OpenBLAS's run-time kernels" \
  || bad "run.json lacks OpenBLAS's core"
grep -Eq '"peak_vector_bits": (32|256|512)' "$tmp/full/run.json" && ok "run.json says the FMA width of the peak" \
  || bad "run.json lacks the peak's FMA width"
# The Release build runs on glibc's malloc, which takes the harness's fixed heap policy; ASan's ignores it.
grep -Eq '"malloc": "(glibc, mmap threshold|default \(mallopt refused)' "$tmp/full/run.json" \
  && ok "run.json says the heap policy the times were measured under" || bad "run.json lacks the heap policy"
grep -q "^tests:$rows " "$tmp/full.out" && ok "tally line" || bad "no tally line"
grep -q ',n/a,stride 2x2: Winograd' "$tmp/full/results.csv" && ok "winograd stride 2 is n/a with its reason" \
  || grep -q 'n/a,stride 2' "$tmp/full/results.csv" && ok "winograd stride 2 is n/a" || bad "no n/a row for winograd stride 2"
! grep -q ',wrong,\|,error,' "$tmp/full/results.csv" && ok "no wrong or error rows" || bad "wrong/error rows"
# Interleaved rounds: a problem's methods take turns, one repetition each, and every ok row has --repetitions.
names=$(grep -o '"run_name": "[^"]*"' "$tmp/full/benchmark.json" | head -4 | sed 's|/min_time.*||')
first=$(sed -n 1p <<<"$names")
[ "$(sed -n 2p <<<"$names")" != "$first" ] && [ "$(grep -c -x -F "$first" <<<"$names")" -ge 1 ] \
  && ok "methods of a problem take turns: $(tr '\n' ' ' <<<"$names" | cut -c1-120)" || bad "not interleaved: $names"
/usr/bin/python3 -c 'import csv, sys; sys.exit(any(r["status"] == "ok" and r["repetitions"] != "2" for r in csv.DictReader(open(sys.argv[1]))))' \
  "$tmp/full/results.csv" && ok "every ok row has 2 repetitions" || bad "ok rows without 2 repetitions"

# Kill a sweep after a few rows (SIGKILL: no chance to clean up), then resume it. Wait up to 60 s for the
# rows: the ASan build, beside another test on a 2-core CI host, wrote none within 10 s.
"$convlab" sweep "${grid[@]}" --min-time 0.05 --out "$tmp/killed" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 1200); do
  [ -f "$tmp/killed/results.csv" ] && [ "$(wc -l <"$tmp/killed/results.csv")" -ge 6 ] && break
  sleep 0.05
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
before=$(($(wc -l <"$tmp/killed/results.csv") - 1))
printf 'mb1ic4ih9oc4oh9kh1,,1,1,4,9,9,"cut' >>"$tmp/killed/results.csv"  # a row cut short by the crash
"$convlab" sweep "${grid[@]}" "${fast[@]}" --out "$tmp/killed" >/dev/null 2>"$tmp/killed.err"
"$convlab" sweep "${grid[@]}" "${fast[@]}" --out "$tmp/killed" --resume >/dev/null 2>"$tmp/resume.err" || bad "resume exited $?"
grep -q "already holds results" "$tmp/killed.err" && ok "refuses to overwrite without --resume" || bad "overwrote without --resume"
if diff <(keys "$tmp/full/results.csv") <(keys "$tmp/killed/results.csv") >/dev/null; then
  ok "killed after $before rows + resumed = same rows as uninterrupted"
else bad "resumed rows differ: $(diff <(keys "$tmp/full/results.csv") <(keys "$tmp/killed/results.csv") | head -5)"; fi

# Shards: two halves merge into the whole grid.
"$convlab" sweep "${grid[@]}" "${fast[@]}" --shard 1/2 --out "$tmp/s1" >/dev/null 2>&1 || bad "shard 1/2"
"$convlab" sweep "${grid[@]}" "${fast[@]}" --shard 2/2 --out "$tmp/s2" >/dev/null 2>&1 || bad "shard 2/2"
"$convlab" merge --out "$tmp/merged" "$tmp/s1" "$tmp/s2" >/dev/null || bad "merge"
diff <(keys "$tmp/full/results.csv") <(keys "$tmp/merged/results.csv") >/dev/null && ok "shards merge into the full grid" \
  || bad "merged shards differ from the full grid"
# A merge records its shards' heap policy, not the merging process's; shards that differ are both named.
cp -r "$tmp/s2" "$tmp/s2x" && sed -i 's/"malloc": "[^"]*"/"malloc": "other policy"/' "$tmp/s2x/run.json"
"$convlab" merge --out "$tmp/merged3" "$tmp/s1" "$tmp/s2x" >/dev/null || bad "merge of shards with different heap policies"
first=$(grep -o '"malloc": "[^"]*' "$tmp/s1/run.json")
grep -qF "$first; other policy ($tmp/s2x)\"" "$tmp/merged3/run.json" && ok "merged run.json names both shards' heap policies" \
  || bad "merged heap policy: $(grep '"malloc"' "$tmp/merged3/run.json")"
grep -qF "$first\"" "$tmp/merged/run.json" && ok "merged run.json keeps the shards' common heap policy" \
  || bad "merged common heap policy: $(grep '"malloc"' "$tmp/merged/run.json")"
# ... and the build that measured them (commit, compiler, libraries), not the merging binary's.
cp -r "$tmp/s2" "$tmp/s2b" && sed -i -e 's/"git_commit": "[^"]*"/"git_commit": "c0ffee"/' \
  -e 's/"halide": "[^"]*"/"halide": "13.0"/' "$tmp/s2b/run.json"
"$convlab" merge --out "$tmp/merged4" "$tmp/s1" "$tmp/s2b" >/dev/null || bad "merge of shards from different builds"
commit=$(grep -o '"git_commit": "[^"]*' "$tmp/s1/run.json")
halide=$(grep -o '"halide": "[^"]*' "$tmp/s1/run.json")
grep -qF "$commit; c0ffee ($tmp/s2b)\"" "$tmp/merged4/run.json" && grep -qF "$halide; 13.0 ($tmp/s2b)\"" "$tmp/merged4/run.json" \
  && ok "merged run.json names both shards' builds" \
  || bad "merged build: $(grep -E '"git_commit"|"halide"' "$tmp/merged4/run.json")"
"$convlab" sweep --kernel 5 --channels 4 --size 9 --threads 1 --repetitions 1 --min-time 0.001 --no-report --methods direct \
  --out "$tmp/other" >/dev/null 2>&1
err=$("$convlab" merge --out "$tmp/merged2" "$tmp/s1" "$tmp/other" 2>&1)
[ $? -eq 2 ] && grep -q "different grid" <<<"$err" && ok "merge refuses different grids" || bad "merge of different grids: $err"

# Bad input: exit 2, one line, nothing measured lost.
expect_refusal() {
  local what=$1 pattern=$2; shift 2
  err=$("$@" 2>&1 >/dev/null)
  rc=$?
  lines=$(printf '%s\n' "$err" | grep -c .)
  [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -q -- "$pattern" <<<"$err" && ok "refuses $what: $err" \
    || bad "$what: rc=$rc lines=$lines err=$err"
}
{ echo "# a problems file whose line 17 is malformed"; for i in $(seq 2 16); do echo "mb1ic4ih9oc4kh3ph1 # line $i"; done
  echo "mb1ic4ihx9oc4kh3"; } >"$tmp/p.txt"
expect_refusal "unknown preset" "not one of" "$convlab" sweep --preset lenet --out "$tmp/x1"
expect_refusal "unknown method" "unknown method" "$convlab" sweep --methods magic --out "$tmp/x2"
expect_refusal "malformed line 17" "p.txt:17:" "$convlab" sweep --problems "$tmp/p.txt" --out "$tmp/x3"
expect_refusal "empty grid" "impossible" "$convlab" sweep --kernel 9 --size 4 --padding valid --out "$tmp/x4"
expect_refusal "unwritable folder" "cannot create" "$convlab" sweep --out /proc/convlab-no/x
expect_refusal "bad shard" "shard" "$convlab" sweep --shard 3/2 --out "$tmp/x5"
cp "$tmp/full/results.csv" "$tmp/keep.csv"
expect_refusal "existing results without --resume" "already holds" "$convlab" sweep "${grid[@]}" "${fast[@]}" --out "$tmp/full"
cmp -s "$tmp/keep.csv" "$tmp/full/results.csv" && ok "existing results untouched" || bad "existing results changed"

[ $fails -eq 0 ] && echo "cli_sweep: all passed" || echo "cli_sweep: $fails failed"
exit $fails
