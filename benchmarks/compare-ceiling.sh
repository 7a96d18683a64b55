#!/usr/bin/env bash
# Whole-process comparison of `binaryllm search` (cpu and native backends) with the reference points of
# ../shared/bench: the hand-written AVX-512 C ceiling and FAISS 1.7.3 IndexBinaryFlat (Debian's python3-faiss).
# Same files, runs alternated round by round, medians and ratios reported; every tool's indices and distances
# must be identical, or the script fails. Shared machines are noisy: quote the ratios, not the seconds.
#
#   benchmarks/compare-ceiling.sh [--n 1000000] [--bits 256] [--nq 10000] [--k 10] [--rounds 5] [--faiss-rounds 1]
#                                 [--baseline DIR] [--out benchmarks/results/FILE.md]
#
# --baseline DIR times another checkout's bin/binaryllm (built there first, e.g. the commit before a refactoring) in
# the same rounds, as the rows "cpu-baseline" and "native-baseline": a before/after comparison on the same machine.
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
n=1000000 bits=256 nq=10000 k=10 rounds=5 faiss_rounds=1 out="" baseline=""
while (($#)); do
  case "$1" in
    --n) n=$2; shift 2 ;; --bits) bits=$2; shift 2 ;; --nq) nq=$2; shift 2 ;; --k) k=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;; --faiss-rounds) faiss_rounds=$2; shift 2 ;; --out) out=$2; shift 2 ;;
    --baseline) baseline=$(cd "$2" && pwd); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
data="$home/target/bench-data/n$n-nq$nq"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$data"
[[ -f "$data/db$bits.npy" ]] || "$home/bin/binaryllm" bench --write-data "$data" --n "$n" --nq "$nq" --bits "$bits" >/dev/null
db="$data/db$bits.npy" q="$data/q$bits.npy"

ceiling_src="$home/../shared/bench/hamming_ceiling_npy.c"
ceiling="$home/target/hamming_ceiling_npy"
if [[ -f "$ceiling_src" && ! -x "$ceiling" ]]; then
  gcc -O3 -march=native -fopenmp "$ceiling_src" -o "$ceiling"
fi
faiss_py="$work/faiss_search.py"
cat > "$faiss_py" <<'PY'
import sys, numpy as np, faiss
db, q, k, oi, od = np.load(sys.argv[1]), np.load(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
index = faiss.IndexBinaryFlat(db.shape[1] * 64)
index.add(np.ascontiguousarray(db).view(np.uint8))
D, I = index.search(np.ascontiguousarray(q).view(np.uint8), k)
np.save(oi, I.astype('<i8')); np.save(od, D.astype('<i4'))
PY
have_faiss=0
/usr/bin/python3 -c "import faiss, numpy" 2>/dev/null && have_faiss=1

declare -A times
run() { # name command...: appends the wall time of one run to times[name]
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>"$work/$name.err" || { cat "$work/$name.err" >&2; echo "$name failed" >&2; exit 1; }
  end=$(date +%s.%N)
  times[$name]+="$(echo "$end - $start" | bc) "
}
same() { # two .npy files hold the same array data
  cmp -s <(tail -c +129 "$1") <(tail -c +129 "$2") && [[ $(stat -c %s "$1") == $(stat -c %s "$2") ]]
}
for ((r = 1; r <= rounds; r++)); do
  rm -f "$work"/*.npy
  run cpu "$home/bin/binaryllm" search --database "$db" --queries "$q" --k "$k" --backend cpu --indices "$work/cpu_i.npy" --distances "$work/cpu_d.npy"
  run native "$home/bin/binaryllm" search --database "$db" --queries "$q" --k "$k" --backend native --indices "$work/native_i.npy" --distances "$work/native_d.npy"
  if [[ -x "$ceiling" ]]; then
    run ceiling "$ceiling" "$db" "$q" "$k" "$work/c_i.npy" "$work/c_d.npy"
    same "$work/c_i.npy" "$work/cpu_i.npy" && same "$work/c_d.npy" "$work/cpu_d.npy" || { echo "cpu and the C ceiling differ" >&2; exit 1; }
  fi
  same "$work/native_i.npy" "$work/cpu_i.npy" && same "$work/native_d.npy" "$work/cpu_d.npy" || { echo "native and cpu differ" >&2; exit 1; }
  if [[ -n "$baseline" ]]; then
    for b in cpu native; do
      run "$b-baseline" "$baseline/bin/binaryllm" search --database "$db" --queries "$q" --k "$k" --backend "$b" \
        --indices "$work/${b}_bi.npy" --distances "$work/${b}_bd.npy"
      same "$work/${b}_bi.npy" "$work/cpu_i.npy" && same "$work/${b}_bd.npy" "$work/cpu_d.npy" || { echo "$b-baseline and cpu differ" >&2; exit 1; }
    done
  fi
  if ((have_faiss && r <= faiss_rounds)); then
    run faiss /usr/bin/python3 "$faiss_py" "$db" "$q" "$k" "$work/f_i.npy" "$work/f_d.npy"
    faiss_same=$(/usr/bin/python3 -c "
import numpy as np, sys
d = (np.load('$work/f_d.npy') == np.load('$work/cpu_d.npy')).all()
i = (np.load('$work/f_i.npy') == np.load('$work/cpu_i.npy')).all()
print('distances and indices' if d and i else 'distances' if d else 'nothing')")
    [[ "$faiss_same" != nothing ]] || { echo "FAISS distances differ from cpu" >&2; exit 1; }
  fi
done
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
{
  echo "## search, whole process: n=$n, $bits-bit codes, $nq queries, k=$k"
  echo
  echo "$(date -u +%Y-%m-%d), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $rounds alternating rounds (FAISS: $faiss_rounds), median wall seconds."
  echo "cpu, native${baseline:+, the baseline at ${baseline}} and the C ceiling: indices and distances identical.${faiss_same:+ FAISS agrees on: $faiss_same.}"
  echo
  echo "| tool | median s | runs | ratio to C ceiling (C s / tool s) | ratio to FAISS (FAISS s / tool s) |"
  echo "| --- | --- | --- | --- | --- |"
  c=""; f=""
  [[ -n "${times[ceiling]:-}" ]] && c=$(median "${times[ceiling]}")
  [[ -n "${times[faiss]:-}" ]] && f=$(median "${times[faiss]}")
  for name in cpu native cpu-baseline native-baseline ceiling faiss; do
    [[ -n "${times[$name]:-}" ]] || continue
    m=$(median "${times[$name]}")
    rc=$([[ -n "$c" ]] && printf '%.2fx' "$(echo "$c / $m" | bc -l)" || echo "-")
    rf=$([[ -n "$f" ]] && printf '%.1fx' "$(echo "$f / $m" | bc -l)" || echo "-")
    runs=$(for t in ${times[$name]}; do printf '%.3f ' "$t"; done)
    printf '| %s | %.3f | %s| %s | %s |\n' "$name" "$m" "$runs" "$rc" "$rf"
  done
  echo
} | tee -a "${out:-/dev/null}"
