#!/usr/bin/env bash
# `convlab conv` end to end: every method and padding/mode agrees with the reference (--check), .npy files
# round-trip through the command, and bad input gives exit 2, one line on stderr and no output file.
set -u
convlab=$1
tmp=$2
rm -rf "$tmp" && mkdir -p "$tmp"
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

specs=$("$convlab" methods) || bad "convlab methods"
[ -n "$specs" ] || bad "convlab methods lists nothing"
while read -r m impl variant schedule; do
  [ "$variant" = "-" ] && variant=""
  [ "$schedule" = "-" ] && schedule=""
  for pad in valid same full 1,2,0,3; do
    for mode in xcorr conv; do
      out=$("$convlab" conv mb2ic3ih11iw9oc5kh3kw2sh2 --method "$m" --impl "$impl" ${variant:+--variant "$variant"} \
            ${schedule:+--schedule "$schedule"} --padding "$pad" --mode "$mode" --check --threads 2 2>&1)
      rc=$?
      if [ $rc -eq 0 ] && grep -q PASSED <<<"$out"; then ok "$m $impl $variant $schedule $pad $mode"
      elif [ $rc -eq 3 ] && grep -q "not applicable" <<<"$out"; then ok "$m $impl $variant $pad $mode: $out"
      else bad "$m $impl $variant $pad $mode: rc=$rc $out"; fi
    done
  done
done <<<"$specs"
# Given tensors: the output of one method, fed back as input, stays consistent across methods.
"$convlab" conv mb1ic2ih8oc2kh3ph1 --method reference --output "$tmp/x.npy" >/dev/null || bad "reference --output"
"$convlab" conv mb1ic2ih8oc3kh3ph1 --method direct --input "$tmp/x.npy" --output "$tmp/y1.npy" --check >/dev/null \
  || bad "direct with --input"
"$convlab" conv mb1ic2ih8oc3kh3ph1 --method im2col --input "$tmp/x.npy" --output "$tmp/y2.npy" --check >/dev/null \
  || bad "im2col with --input"
# Both outputs hold 1x3x8x8 floats (768 bytes after the header): compare them value by value.
paste <(tail -c 768 "$tmp/y1.npy" | od -An -v -tf4 -w4) <(tail -c 768 "$tmp/y2.npy" | od -An -v -tf4 -w4) |
  awk 'BEGIN { n = 0; bad = 0 } { n++; d = $1 - $2; if (d < 0) d = -d; if (d > 1e-4) bad++ } END { exit !(n == 192 && bad == 0) }' \
  && ok "direct == im2col via .npy" || bad "direct and im2col outputs differ"

# Bad input: exit 2, exactly one line on stderr, no output file.
expect_refusal() {
  local what=$1 pattern=$2; shift 2
  rm -f "$tmp/out.npy"
  err=$("$@" --output "$tmp/out.npy" 2>&1 >/dev/null)
  rc=$?
  lines=$(printf '%s\n' "$err" | grep -c .)
  if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -q -- "$pattern" <<<"$err" && [ ! -e "$tmp/out.npy" ] && \
     [ -z "$(ls "$tmp" | grep partial)" ]; then ok "refuses $what: $err"
  else bad "$what: rc=$rc lines=$lines err=$err"; fi
}
printf 'garbage' > "$tmp/corrupt.npy"
expect_refusal "malformed descriptor" "unknown entry" "$convlab" conv mb1ic3ihx56oc4kh3 --method direct
expect_refusal "kernel larger than input" "kh" "$convlab" conv mb1ic3ih5oc4kh7 --method direct
expect_refusal "zero size" "ic" "$convlab" conv mb1ic0ih5oc4kh3 --method direct
expect_refusal "stride 0" "stride" "$convlab" conv mb1ic3ih5oc4kh3sh0 --method direct
expect_refusal "beyond memory" "memory" "$convlab" conv mb100000ic512ih512oc512kh3 --method direct
expect_refusal "corrupt npy" "corrupt.npy" "$convlab" conv mb1ic2ih8oc3kh3ph1 --method direct --input "$tmp/corrupt.npy"
expect_refusal "mismatched npy" "shape" "$convlab" conv mb1ic3ih8oc3kh3ph1 --method direct --input "$tmp/x.npy"
expect_refusal "unknown method" "method" "$convlab" conv mb1ic2ih8oc3kh3 --method magic
expect_refusal "unknown im2col variant" "variant" "$convlab" conv mb1ic2ih8oc3kh3 --method im2col --variant mkl
expect_refusal "unknown padding" "padding" "$convlab" conv mb1ic2ih8oc3kh3 --method direct --padding wide
expect_refusal "unknown mode" "mode" "$convlab" conv mb1ic2ih8oc3kh3 --method direct --mode flip
expect_refusal "unknown option" "--frobnicate" "$convlab" conv mb1ic2ih8oc3kh3 --method direct --frobnicate 1
err=$("$convlab" conv mb1ic2ih8oc3kh3 --method direct --output /nonexistent/dir/y.npy 2>&1 >/dev/null)
[ $? -eq 2 ] && grep -q "cannot write" <<<"$err" && ok "refuses unwritable output: $err" || bad "unwritable output: $err"

# OpenBLAS's fallback kernels on a CPU they are far below are named, with the setting that fixes it.
if grep -qw avx2 /proc/cpuinfo; then
  err=$(OPENBLAS_CORETYPE=Prescott "$convlab" machine --threads 1 2>&1 >/dev/null)
  grep -q "OPENBLAS_CORETYPE=" <<<"$err" && ok "warns of OpenBLAS's Prescott kernels on an AVX2 CPU" \
    || bad "no warning with OpenBLAS's Prescott kernels: $err"
  err=$(OPENBLAS_CORETYPE=Haswell "$convlab" machine --threads 1 2>&1 >/dev/null)
  [ -z "$err" ] && ok "no warning with OpenBLAS's Haswell kernels" || bad "warned with Haswell kernels: $err"
fi

[ $fails -eq 0 ] && echo "cli_conv: all passed" || echo "cli_conv: $fails failed"
exit $fails
