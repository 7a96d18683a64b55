/**
 * BinaryLLM kvcache: a Llama-architecture decoder in Java (llama2.c checkpoints and GGUF files), its KV cache policies
 * and their evaluation. Exports the API (docs/api.md); {@code io.binaryllm.kvcache.internal} stays inside.
 */
module io.binaryllm.kvcache {
    requires transitive io.binaryllm.core;

    exports io.binaryllm.kvcache;
}
