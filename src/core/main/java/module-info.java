/**
 * BinaryLLM core: float embeddings to packed bit codes, exact Hamming top-k on the reference, cpu and native backends,
 * the metrics of what binarization keeps, and the engine facade. No third-party dependency. Exports the public API
 * (docs/api.md); the {@code io.binaryllm.internal} packages stay inside, but for the file plumbing this project's
 * other modules share ({@code internal.io}, exported to them by name). The Vector API is optional
 * ({@code --add-modules jdk.incubator.vector}: without it every kernel runs scalar), and the native kernel needs
 * {@code --enable-native-access=io.binaryllm.core}.
 */
@SuppressWarnings("module") // the qualified export names modules built after this one
module io.binaryllm.core {
    requires static jdk.incubator.vector;

    exports io.binaryllm;
    exports io.binaryllm.binarize;
    exports io.binaryllm.data;
    exports io.binaryllm.data.io;
    exports io.binaryllm.engine;
    exports io.binaryllm.lowbit;
    exports io.binaryllm.metric;
    exports io.binaryllm.quantize;
    exports io.binaryllm.search;
    exports io.binaryllm.seed;
    // File plumbing for this project's modules only (spark is an automatic module; cli runs on the class path).
    exports io.binaryllm.internal.io to io.binaryllm.gpu, io.binaryllm.langchain4j, io.binaryllm.kvcache, io.binaryllm.runner,
            io.binaryllm.train, io.binaryllm.spark;

    // The error boundary of every entry point (exit code 2 and one line): the trainer's and the Spark applications'.
    exports io.binaryllm.internal.boundary to io.binaryllm.train, io.binaryllm.spark;

    uses io.binaryllm.search.SearchBackend;

    provides io.binaryllm.search.SearchBackend with io.binaryllm.internal.search.ReferenceBackend,
            io.binaryllm.internal.search.blocked.CpuBackend, io.binaryllm.internal.search.blocked.NativeBackend;
}
