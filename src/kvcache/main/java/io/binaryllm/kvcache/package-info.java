/**
 * A Llama-architecture decoder (RMSNorm, rotary positions, grouped-query attention, SwiGLU) that reads llama2.c
 * checkpoints and decodes token by token with a KV cache, every float step in a fixed order so that the logits are
 * the same bytes on every run and machine: {@link io.binaryllm.kvcache.LlamaModel}, its shape
 * {@link io.binaryllm.kvcache.LlamaConfig}, a decoding {@link io.binaryllm.kvcache.Decoder}, and the checkpoint format
 * {@link io.binaryllm.kvcache.Llama2c}.
 */
package io.binaryllm.kvcache;
