#!/usr/bin/env bash
# Generates the PTX of binaryllm.cu: kernels/build-ptx.sh OUT.ptx
# nvcc 13 writes PTX ISA 9.0, which only R580+ drivers load; the kernels use nothing newer than ISA 7.8 (CUDA 11.8),
# so the header is lowered to 7.8 and any driver from 2022 on can JIT it for its GPU (sm_75 and newer).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
out="$1"
nvcc -ptx -arch=compute_75 -o "$out.tmp" "$here/binaryllm.cu"
sed -e 's/^\.version [0-9.]*$/.version 7.8/' -e '/^\/\/ Cuda compilation tools/d' -e '/^\/\/ Based on NVVM/d' -e '/^\/\/ Compiler Build ID/d' "$out.tmp" > "$out"
rm -f "$out.tmp"
