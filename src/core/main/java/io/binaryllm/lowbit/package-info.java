/**
 * Low-bit linear layers' formats, Phase 3 of the project: ternary weights {-1, 0, +1} with an absmean scale (BitNet
 * b1.58's), int8 activations scaled per token by their absmax, llama.cpp's TQ2_0 and TQ1_0 blocks, and the reference
 * ternary x int8 matrix-vector product with int32 sums. Every rounding and order is specified here and in
 * docs/contracts.md ("Ternary weights and int8 activations"), so any backend or port reproduces them bit for bit.
 */
package io.binaryllm.lowbit;
