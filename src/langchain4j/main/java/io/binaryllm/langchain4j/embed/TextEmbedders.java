package io.binaryllm.langchain4j.embed;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.binaryllm.BadInputException;

/**
 * Where embedding models come from. The model jars are optional dependencies: present in a source checkout (the
 * launcher's classpath), absent from the GPU bundle, so asking for a model there gets a sentence, not a
 * {@link NoClassDefFoundError}.
 */
public final class TextEmbedders {
    private TextEmbedders() {
    }

    /** all-MiniLM-L6-v2, 384 dimensions. */
    public static TextEmbedder miniLm() {
        requireOnClassPath(MiniLmEmbedder.MODEL_CLASS, MiniLmEmbedder.NAME);
        return new MiniLmEmbedder();
    }

    /** Whether {@link #miniLm()} can load here (the GPU bundle leaves the model out). */
    public static boolean miniLmAvailable() {
        return onClassPath(MiniLmEmbedder.MODEL_CLASS);
    }

    /** The langchain4j {@code EmbeddingModel} behind {@link #miniLm()}, for use with langchain4j's own API. */
    public static EmbeddingModel miniLmModel() {
        requireOnClassPath(MiniLmEmbedder.MODEL_CLASS, MiniLmEmbedder.NAME);
        return new MiniLmEmbedder().model();
    }

    private static void requireOnClassPath(String className, String model) {
        if (!onClassPath(className)) {
            throw new BadInputException("embedding model " + model + ": not on this classpath (the GPU bundle leaves the"
                    + " 91 MB model and the ONNX runtime out); run it from a source checkout, where bin/binaryllm has them");
        }
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, TextEmbedders.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
