#!/usr/bin/env bash
# Build step (Maven, process-resources): where nvcc exists, regenerate the PTX and fail if the kept
# kernels/binaryllm.ptx differs (the .cu or the header changed without it). Without nvcc the kept copy is used as is.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
out="${1:?usage: check-ptx.sh WORK_FILE}"
if ! command -v nvcc >/dev/null 2>&1; then
  echo "check-ptx: no nvcc here; packaging the kept kernels/binaryllm.ptx"
  exit 0
fi
mkdir -p "$(dirname "$out")"
"$here/build-ptx.sh" "$out"
if ! cmp -s "$out" "$here/binaryllm.ptx"; then
  echo "check-ptx: kernels/binaryllm.ptx is stale: run kernels/build-ptx.sh kernels/binaryllm.ptx and commit it" >&2
  exit 1
fi
echo "check-ptx: kernels/binaryllm.ptx matches binaryllm.cu"
