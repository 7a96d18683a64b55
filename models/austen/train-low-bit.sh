#!/usr/bin/env bash
# Trains one of the low-bit Austen models (models/austen-*/remake.sh call it) on the same novels as the float model:
#   models/austen/train-low-bit.sh OUT_DIR train-llama-options...
# and writes OUT_DIR/model.gguf (the trained low-bit model, packed) and OUT_DIR/training.{tsv,json}, replacing those
# three and nothing else there (the folder's README.md and remake.sh stay). The float latent weights and the copies of
# the tokenizer and held-out text the trainer also writes are left out: the GGUF holds the tokenizer, and the held-out
# text is models/austen/held-out.txt. A run without --layers (the float control) has no model.gguf: its log alone.
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
out="${1:?usage: train-low-bit.sh OUT_DIR train-llama-options...}"
shift
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$home/models/austen/export-books.sh" "$work"
"$home/bin/binaryllm" train-llama --out "$work/model" \
  --train "$work/Sense_Sensibility.txt" --train "$work/Pride_Prejudice.txt" --train "$work/Mansfield_Park.txt" \
  --train "$work/Emma.txt" --train "$work/Northanger_Abbey.txt" --held-out "$work/Persuasion.txt" "$@"
mkdir -p "$out"
if [[ -e "$work/model/model.gguf" ]]; then
  cp "$work/model/model.gguf" "$out/"
fi
cp "$work/model/training.tsv" "$work/model/training.json" "$out/"
echo "wrote $out"
