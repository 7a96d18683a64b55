#!/usr/bin/env bash
# The machine's read bandwidth from L2-sized buffers to DRAM (benchmarks/memory/bandwidth.c: best of several passes
# summing every word, 1 thread and every core), the bound a decoder's bytes a token are set against:
#   benchmarks/bandwidth.sh [MiB ...]
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
bin="$(mktemp -d)/bandwidth"
gcc -O2 -march=native -fopenmp -o "$bin" "$here/memory/bandwidth.c"
"$bin" "$@"
