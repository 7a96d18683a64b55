#!/usr/bin/env bash
# Remakes this folder's binary Austen model (model.gguf, training.tsv, training.json): the float model
# (models/austen/model-q8.bin) trained on as binary layers, signs against sign inputs (XNOR-popcount) in every
# projection but the down projection, whose input (the SwiGLU product) stays int8: the binary arm of Phase 3b.
#   models/austen-binary/remake.sh [OUT_DIR [train-llama options...]]      (default OUT_DIR: this folder)
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
out="${1:-$home/models/austen-binary}"
shift || true
exec "$home/models/austen/train-low-bit.sh" "$out" --init "$home/models/austen/model-q8.bin" \
  --tokenizer "$home/models/austen/tokenizer.bin" --steps 0 --layers all=binary-signs,down=binary --low-bit-steps 480 \
  --low-bit-lr 2e-3 "$@"
