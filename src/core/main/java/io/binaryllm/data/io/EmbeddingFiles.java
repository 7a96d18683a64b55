package io.binaryllm.data.io;

import io.binaryllm.BadInputException;
import io.binaryllm.data.FloatEmbeddingBatch;

import java.nio.file.Path;
import java.util.Locale;

/** Opens a float embedding file by its extension: {@code .npy}, {@code .fvecs} or {@code .bvecs}. */
public final class EmbeddingFiles {
    private EmbeddingFiles() {
    }

    public static FloatEmbeddingBatch read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) {
            return Npy.readFloats(file);
        }
        if (name.endsWith(".fvecs")) {
            return VecsFiles.readFvecs(file);
        }
        if (name.endsWith(".bvecs")) {
            return VecsFiles.readBvecs(file);
        }
        throw BadInputException.in(file, "unknown embedding file type (expected .npy, .fvecs or .bvecs)");
    }
}
