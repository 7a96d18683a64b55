#!/usr/bin/env bash
# One call on a lent GPU host checks and measures the GPU backends from the unpacked bundle (no JDK, no network):
#   devices, the equivalence suite on cuda (and opencl when the host has an OpenCL driver), the golden set, and
#   bench at the target sizes (1M codes x 10,000 queries, 256 and 1024 bits, k = 10) for the GPU and CPU backends, and
#   osq at 1M x 1,000 (384 dims, 1- and 2-bit documents, 4-bit queries).
# (BLM_N and BLM_NQ override the sizes for a dry run.) Logs and the bench JSON go to OUTDIR (8 files, the most the device tool brings back); a summary prints last.
#
# From a checkout: bin/make-bundle, then carry target/binaryllm-bundle.tar.gz (59 MB; the device tool carries
# 64 MiB with the working tree) and run:
#   tar -xzf target/binaryllm-bundle.tar.gz -C /tmp && bash /tmp/binaryllm/benchmarks/gpu-session.sh "$OUT"
set -uo pipefail
out="${1:?usage: gpu-session.sh OUTDIR}"
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
blm="$home/bin/binaryllm"
mkdir -p "$out"
status=0
step() { # step NAME COMMAND...: runs, logs to OUTDIR/NAME.txt, remembers a failure
  local name=$1; shift
  echo "== $name: $*" | tee "$out/$name.txt"
  local start=$SECONDS
  "$@" >>"$out/$name.txt" 2>&1
  local rc=$?
  echo "== $name: exit $rc in $((SECONDS - start)) s" | tee -a "$out/$name.txt"
  ((rc == 0)) || status=1
}
{ nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv 2>&1 || echo "nvidia-smi: not found"; } >"$out/host.txt"
nproc >>"$out/host.txt"
step devices "$blm" devices
backends=cuda
grep -qE '^opencl +available' "$out/devices.txt" && backends=cuda,opencl
# The suite as shipped, then with row slices of one row (its databases are small: the default 4096-row slices would
# never cut them) and with the 8-query tile kernel: every kernel path on the device, one file.
equivalence_all() {
  "$blm" equivalence --backend "$backends" || return 1
  echo "-- row slices of one row:"
  BINARYLLM_JAVA_OPTS="-Dbinaryllm.gpu.minSliceRows=1" "$blm" equivalence --backend "$backends" || return 1
  echo "-- 8-query tiles:"
  BINARYLLM_JAVA_OPTS="-Dbinaryllm.gpu.queryTile=8" "$blm" equivalence --backend "$backends"
}
step equivalence equivalence_all
step golden "$blm" golden check
step bench "$blm" bench --n "${BLM_N:-1000000}" --nq "${BLM_NQ:-10000}" --bits 256,1024 --k 10 --repeat 5 \
  --backends "$backends,cpu,native" --json "$out/bench.json" --force
# The same GPU rows with the 8-query tile kernel (blm_topk_small8): half the database traffic, more private state.
# Then osq (1-bit and 2-bit documents, 4-bit queries, 384 dims: MiniLM's width) on the GPU and CPU backends, in the
# same file (the device tool brings back 8).
tile8_and_osq() {
  BINARYLLM_JAVA_OPTS="-Dbinaryllm.gpu.queryTile=8" "$blm" bench --n "${BLM_N:-1000000}" \
    --nq "${BLM_NQ:-10000}" --bits 256,1024 --k 10 --repeat 5 --backends "$backends" || return 1
  echo "-- osq:"
  "$blm" bench --osq 1x4,2x4 --bits 384 --n "${BLM_N:-1000000}" --nq 1000 --k 10 --repeat 3 --check 20 \
    --backends "$backends,cpu,native"
}
step bench-tile8 tile8_and_osq
# Few queries (an online service's case): row slices fill the GPU, the index's kept codes spare the upload; k = 40 is
# the counting selection (a rescoring shortlist). Against the CPU backends in the same run.
few() {
  for nq in 1 10 100; do
    "$blm" bench --n "${BLM_N:-1000000}" --nq "$nq" --bits 256,1024 --k 10,40 --repeat 5 --check "$nq" \
      --backends "$backends,cpu,native" || return 1
  done
}
step bench-few few
echo
echo "== summary (host: $(head -n 2 "$out/host.txt" | tail -n 1))"
grep -E '^(cuda|opencl|cpu|native|reference) ' "$out/devices.txt" || true
grep -E 'mismatch|differ|identical|passed|failed|^--' "$out/equivalence.txt" "$out/golden.txt" | tail -n 12 || true
grep -vE '^==' "$out/bench.txt" | tail -n 20
echo "-- 8-query tiles:"
grep -vE '^==' "$out/bench-tile8.txt" | grep -vE '^(reference|backend) ' | tail -n 14
echo "-- few queries (1, 10, 100):"
grep -E '^(cuda|opencl|cpu|native) | index ' "$out/bench-few.txt" | cut -c1-160 | tail -n 40
exit $status
