/**
 * Low-bit linear layers, Phase 3 of the project: ternary weights {-1, 0, +1} with an absmean scale (BitNet b1.58's),
 * binary weights with group scales, int8 activations scaled per token by their absmax and sign activations,
 * llama.cpp's TQ2_0 and TQ1_0 blocks, and the products of one token or a batch ({@link io.binaryllm.lowbit.TernaryMatVec},
 * {@link io.binaryllm.lowbit.BinaryMatVec}): int32 sums, then the specified float rescale. The sums come from a
 * backend's {@link io.binaryllm.lowbit.LowBitKernels}, the SPI every backend offers. Every rounding and order is
 * specified here and in docs/contracts.md ("Ternary weights and int8 activations"), so any backend or port reproduces
 * them bit for bit.
 */
package io.binaryllm.lowbit;
