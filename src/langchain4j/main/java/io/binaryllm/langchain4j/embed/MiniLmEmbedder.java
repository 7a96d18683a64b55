package io.binaryllm.langchain4j.embed;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.binaryllm.BadInputException;
import io.binaryllm.data.MemoryBudget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * all-MiniLM-L6-v2 (384 dimensions, mean pooling, L2-normalised) run in-process by langchain4j's ONNX runtime
 * wrapper: no network, no Python. Load it through {@link TextEmbedders#miniLm()}, which explains itself where the
 * model's jars are absent (the GPU bundle leaves them out).
 */
final class MiniLmEmbedder implements TextEmbedder {
    static final String NAME = "all-MiniLM-L6-v2";
    static final String MODEL_CLASS = "dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel";

    /**
     * DJL (the tokenizer's library) logs its CUDA probe ("Failed to detect GPU count") and native-library lookup on
     * every start; the model runs on the CPU and neither line is news. Held here: JUL keeps loggers weakly.
     */
    private static final Logger DJL = Logger.getLogger("ai.djl");
    /** ONNX Runtime logs a failure to load its library with a stack trace, then throws: the exception is told. */
    private static final Logger ONNX = Logger.getLogger("ai.onnxruntime");

    private EmbeddingModel model;

    /** The langchain4j model itself (loaded on first use: ~1.5 s, skipped when the cache has every text). */
    synchronized EmbeddingModel model() {
        if (model == null) {
            DJL.setLevel(Level.SEVERE);
            ONNX.setLevel(Level.OFF);
            try {
                model = new AllMiniLmL6V2EmbeddingModel();
            } catch (LinkageError e) { // UnsatisfiedLinkError, or the ExceptionInInitializerError around it
                throw loadFailure(e, Path.of(System.getProperty("java.io.tmpdir")));
            }
        }
        return model;
    }

    /**
     * A native library that does not load, said as what it most often is: ONNX Runtime and the tokenizer unpack their
     * libraries into the temporary directory at start, and a full or read-only disk there fails them.
     */
    static BadInputException loadFailure(LinkageError e, Path tmp) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String free;
        try {
            free = MemoryBudget.size(Files.getFileStore(tmp).getUsableSpace()) + " free";
        } catch (IOException | RuntimeException unknown) {
            free = "not readable";
        }
        return new BadInputException("embedding model " + NAME + ": its native libraries (ONNX Runtime, the tokenizer) do not load: "
                + cause.getMessage() + "; they are unpacked into java.io.tmpdir (" + tmp + ", " + free + "): is that disk full or"
                + " read-only? (-Djava.io.tmpdir names another)");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dimensions() {
        return 384;
    }

    @Override
    public boolean unitNorm() {
        return true;
    }

    @Override
    public float[][] embed(List<String> texts) {
        var embeddings = model().embedAll(texts.stream().map(TextSegment::from).toList()).content();
        float[][] out = new float[embeddings.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = embeddings.get(i).vector();
        }
        return out;
    }
}
