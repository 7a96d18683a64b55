#!/usr/bin/env bash
# Remakes this folder's ternary Austen model (model.gguf, training.tsv, training.json): the float model
# (models/austen/model-q8.bin) trained on as BitNet b1.58 layers, every projection ternary, int8 inputs.
#   models/austen-ternary/remake.sh [OUT_DIR [train-llama options...]]      (default OUT_DIR: this folder)
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
out="${1:-$home/models/austen-ternary}"
shift || true
exec "$home/models/austen/train-low-bit.sh" "$out" --init "$home/models/austen/model-q8.bin" \
  --tokenizer "$home/models/austen/tokenizer.bin" --steps 0 --layers all=ternary --low-bit-steps 720 --low-bit-lr 2e-3 "$@"
