/** The Llama in PyTorch tensors ({@code TorchLlama}) and its optimizer ({@code AdamW}): the trainer's working parts. */
package io.binaryllm.train.internal;
