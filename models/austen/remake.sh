#!/usr/bin/env bash
# Remakes the project's Jane Austen model (this folder's model-q8.bin, tokenizer.bin, held-out.txt, training.*, and
# model.bin, the float32 original, which git ignores: 12 MB would not fit the GPU machine's carry beside the bundle):
#   models/austen/remake.sh [OUT_DIR [train-llama options...]]      (default OUT_DIR: this folder, replaced)
# The text is Debian's r-cran-janeaustenr (apt-get install r-cran-janeaustenr; it brings R): five novels train,
# Persuasion is held out. The trainer (bin/binaryllm train-llama, src/train) runs PyTorch's CPU library through DJL;
# same weights every run on the same thread count (2 here: DJL uses every core).
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
out="${1:-$home/models/austen}"
shift || true
books="$(mktemp -d)"
trap 'rm -rf "$books"' EXIT
"$home/models/austen/export-books.sh" "$books"
force=()
[[ -e "$out" && "$out" == "$home/models/austen" ]] && force=(--force)
staged="$books/model"
"$home/bin/binaryllm" train-llama --out "$staged" \
  --train "$books/Sense_Sensibility.txt" --train "$books/Pride_Prejudice.txt" --train "$books/Mansfield_Park.txt" \
  --train "$books/Emma.txt" --train "$books/Northanger_Abbey.txt" --held-out "$books/Persuasion.txt" "$@"
# this folder's own files (this script, README.md) stay; the trainer's outputs replace theirs
mkdir -p "$out"
if [[ -e "$out/model.bin" && ${#force[@]} -eq 0 ]]; then
  echo "remake.sh: $out/model.bin exists (give another OUT_DIR or remove it)" >&2; exit 2
fi
cp "$staged"/* "$out/"
echo "wrote $out"
