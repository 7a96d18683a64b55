/**
 * BinaryLLM train: {@code train-llama}, the project's own small Llama trained with PyTorch's CPU library through DJL
 * and exported in llama2.c's format. Exports the API (docs/api.md); {@code io.binaryllm.train.internal} stays inside.
 */
module io.binaryllm.train {
    requires io.binaryllm.kvcache;
    requires ai.djl.api;
    requires info.picocli;

    exports io.binaryllm.train;

    opens io.binaryllm.train to info.picocli;
}
