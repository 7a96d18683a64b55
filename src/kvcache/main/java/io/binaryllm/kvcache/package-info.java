/**
 * A Llama-architecture decoder (RMSNorm, rotary positions, grouped-query attention, SwiGLU) that reads llama2.c
 * checkpoints (float32 and int8) and GGUF files and decodes token by token with a KV cache, every float step in a
 * fixed order so that the logits are the same bytes on every run and machine: {@link io.binaryllm.kvcache.LlamaModel},
 * its shape {@link io.binaryllm.kvcache.LlamaConfig}, a decoding {@link io.binaryllm.kvcache.Decoder}, the formats
 * {@link io.binaryllm.kvcache.Llama2c} and {@link io.binaryllm.kvcache.Gguf} (read, and written), and
 * {@link io.binaryllm.kvcache.Tokenizer}. Any of its projections may be ternary or binary
 * ({@link io.binaryllm.kvcache.BitLinearPlan}, {@code LlamaModel.lowBit}), multiplied by any backend's low-bit kernels.
 * On it, KV cache policies ({@link io.binaryllm.kvcache.KvPolicies}: binary codes searched by exact Hamming top-k on
 * any search backend, QJL, pages, window, random, the exact oracle) choose the keys each query attends to within a
 * {@link io.binaryllm.kvcache.KvBudget}; {@link io.binaryllm.kvcache.KvEval}, {@link io.binaryllm.kvcache.Perplexity}
 * and {@link io.binaryllm.kvcache.AttentionEval} (on {@link io.binaryllm.kvcache.BertEncoder}'s MiniLM) measure them.
 */
package io.binaryllm.kvcache;
