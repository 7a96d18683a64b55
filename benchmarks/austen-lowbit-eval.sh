#!/usr/bin/env bash
# Phase 3b's table: the Austen models side by side with model-eval on the held-out text (Persuasion), from a clean clone:
#   benchmarks/austen-lowbit-eval.sh [OUT_DIR]            (default: runs/)
# The float model (int8 file), the trained low-bit models under models/austen-*/ that exist (the ternary one also with
# an int8 embedding), and the post-training ternary and binary quantizations of the float model (no retraining). SAMPLE=N windows of 512 tokens (default 64),
# BUDGET (default 25%), THREADS=N pins the decoder's threads (default: every core), SPEED_SECONDS (default 5).
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
out="${1:-$home/runs}"
float="$home/models/austen/model-q8.bin"
models=(--model "$float")
for trained in austen-ternary austen-ternary-wide austen-binary; do
  [[ -f "$home/models/$trained/model.gguf" ]] && models+=(--model "$home/models/$trained/model.gguf")
done
# the trained ternary model with its embedding (and so its classifier) on the int8 grid, post-training: ~1 MB
ternary="$home/models/austen-ternary/model.gguf"
[[ -f "$ternary" ]] && models+=(--model "$ternary@all=ternary,embedding=int8")
models+=(--model "$float@all=ternary" --model "$float@all=binary" --model "$float@all=binary-signs,down=binary")
opts=()
[[ -n "${THREADS:-}" ]] && opts+=(-Dbinaryllm.threads="$THREADS")
BINARYLLM_JAVA_OPTS="${opts[*]:-}" "$home/bin/binaryllm" model-eval "${models[@]}" \
  --text "$home/models/austen/held-out.txt" --tokenizer "$home/models/austen/tokenizer.bin" \
  --length 512 --sample "${SAMPLE:-64}" --budget "${BUDGET:-25%}" --policies exact,binary-asym --code-bits 128 \
  --speed-seconds "${SPEED_SECONDS:-5}" --decode-tokens 256 --generate 64 --seed 0 --backend native --output "$out"
