/**
 * The Llama in PyTorch tensors ({@code TorchLlama}), BitNet's low-bit layers in them for quantization-aware training
 * ({@code TorchBitLinear}: the decoder's quantizers with straight-through gradients) and the optimizer
 * ({@code AdamW}): the trainer's working parts.
 */
package io.binaryllm.train.internal;
