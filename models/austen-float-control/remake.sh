#!/usr/bin/env bash
# Remakes this folder's training log (training.tsv, training.json): the float Austen model (models/austen/model-q8.bin)
# trained on for 720 more steps exactly as the ternary model (models/austen-ternary) was, same windows, learning rates,
# warm-up, clipping and no weight decay, but with float projections: the control that tells what the ternary model's
# extra training alone is worth.
#   models/austen-float-control/remake.sh [OUT_DIR [train-llama options...]]      (default OUT_DIR: this folder)
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
out="${1:-$home/models/austen-float-control}"
shift || true
exec "$home/models/austen/train-low-bit.sh" "$out" --init "$home/models/austen/model-q8.bin" \
  --tokenizer "$home/models/austen/tokenizer.bin" --steps 720 --weight-decay 0 "$@"
