package io.binaryllm.spark;

import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A small run config over files (clustered floats with labels, so classification runs too) whose variants cover
 * every kind a sweep measures: sign, seeded hyperplanes, rescoring, osq.
 */
final class SweepFixture {
    private SweepFixture() {
    }

    /** Writes the data and the config into {@code dir}; runs go to {@code dir/runs}. */
    static Path config(Path dir) throws IOException {
        Random r = new Random(17);
        int n = 400;
        int dims = 48;
        float[][] corpus = new float[n][dims];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 5;
            for (int d = 0; d < dims; d++) {
                corpus[i][d] = (float) (r.nextGaussian() + (d % 5 == labels[i] ? 2.0 : 0.0));
            }
        }
        float[][] queries = new float[23][dims];
        for (int i = 0; i < queries.length; i++) {
            for (int d = 0; d < dims; d++) {
                queries[i][d] = (float) (r.nextGaussian() + (d % 5 == i % 5 ? 2.0 : 0.0));
            }
        }
        try (FloatEmbeddingBatch c = FloatEmbeddingBatch.of(corpus); FloatEmbeddingBatch q = FloatEmbeddingBatch.of(queries)) {
            Npy.writeFloats(dir.resolve("corpus.npy"), false, c);
            Npy.writeFloats(dir.resolve("queries.npy"), false, q);
        }
        Npy.write(dir.resolve("labels.npy"), false, NpyDtype.I4, Npy.le(labels), n);
        Path config = dir.resolve("sweep.yaml");
        Files.writeString(config, """
                name: sweep
                seed: 7
                dataset: {corpus: corpus.npy, queries: queries.npy, labels: labels.npy}
                variants:
                  - binarizer: sign
                  - {name: hyperplane-97-a, binarizer: hyperplane, bits: 97, seed: 1}
                  - {name: hyperplane-97-b, binarizer: hyperplane, bits: 97, seed: 2}
                  - {binarizer: sign, rescore: 3}
                  - binarizer: osq
                evaluation:
                  k: [1, 10, 64]
                output:
                  dir: %s
                """.formatted(dir.resolve("runs")));
        return config;
    }

    /** Every run directory's {@code metrics.json} under {@code dir/runs}, in name order. */
    static List<byte[]> metrics(Path dir) throws IOException {
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            List<byte[]> out = new ArrayList<>();
            for (Path run : runs.sorted().toList()) {
                out.add(Files.readAllBytes(run.resolve("metrics.json")));
            }
            return out;
        }
    }
}
