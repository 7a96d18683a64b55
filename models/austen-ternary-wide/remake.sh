#!/usr/bin/env bash
# Remakes this folder's wide ternary Austen model (model.gguf, training.tsv, training.json): a new model at about twice
# the float model's width (dim 256, SwiGLU 1024: every row a whole number of 256-weight TQ2_0 blocks), trained on the
# same novels with the float model's 720 steps, the first half float and the second half BitNet b1.58 layers with the
# embedding (and so the classifier) on its int8 grid.
#   models/austen-ternary-wide/remake.sh [OUT_DIR [train-llama options...]]      (default OUT_DIR: this folder)
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
out="${1:-$home/models/austen-ternary-wide}"
shift || true
exec "$home/models/austen/train-low-bit.sh" "$out" --dim 256 --hidden-dim 1024 --steps 360 \
  --layers all=ternary,embedding=int8 --low-bit-steps 360 --low-bit-lr 2e-3 "$@"
