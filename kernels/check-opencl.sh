#!/usr/bin/env bash
# Build step (Maven, process-resources): where clang exists, compile binaryllm.cl as strict OpenCL C 1.2 and 3.0
# (warnings are errors) and for NVIDIA's OpenCL target (nvptx64-nvidia-nvcl), so an OpenCL C feature or warning that
# pocl tolerates but another vendor's compiler may refuse shows up at build time. Without clang: skipped, said once.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
clang=""
for c in clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
  if command -v "$c" >/dev/null 2>&1; then clang="$c"; break; fi
done
if [[ -z "$clang" ]]; then
  echo "check-opencl: no clang here; the OpenCL source is compiled only by the OpenCL driver at run time"
  exit 0
fi
flags=(-x cl -Xclang -finclude-default-header -Wall -Werror)
for std in CL1.2 CL3.0; do
  "$clang" "${flags[@]}" -cl-std="$std" -fsyntax-only "$here/binaryllm.cl"
done
if "$clang" -print-targets 2>/dev/null | grep -q nvptx64; then
  "$clang" "${flags[@]}" -cl-std=CL1.2 -target nvptx64-nvidia-nvcl -O2 -S -o /dev/null "$here/binaryllm.cl"
fi
echo "check-opencl: binaryllm.cl compiles as OpenCL C 1.2 and 3.0 with $clang (-Wall -Werror)"
