package io.binaryllm.langchain4j.embed;

import io.binaryllm.data.FloatEmbeddingBatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Texts to a float batch through a model and (optionally) its cache: texts already cached are not embedded again,
 * a text that occurs twice is embedded once, and the rest go to the model in batches, in first-occurrence order,
 * each batch written to the cache as soon as it is done.
 */
public final class EmbeddingJob {
    /**
     * What a job did: the vectors (row i = text i), how many distinct texts came from the cache or the model, and
     * the damaged cache records it met (their texts were embedded again, see {@link EmbeddingCache#damaged()}).
     */
    public record Outcome(FloatEmbeddingBatch vectors, int fromCache, int embedded, List<String> repaired) {
        public Outcome {
            repaired = List.copyOf(repaired);
        }
    }

    private EmbeddingJob() {
    }

    /**
     * @param cache    null to embed everything
     * @param progress told how many texts each finished batch held
     */
    public static Outcome run(List<String> texts, TextEmbedder model, EmbeddingCache cache, int batchSize,
                              String source, IntConsumer progress) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        }
        Map<String, float[]> known = new HashMap<>();
        Set<String> missing = new LinkedHashSet<>();
        int fromCache = 0;
        for (String t : texts) {
            if (known.containsKey(t) || missing.contains(t)) {
                continue;
            }
            float[] v = cache == null ? null : cache.get(t);
            if (v != null) {
                known.put(t, v);
                fromCache++;
            } else {
                missing.add(t);
            }
        }
        List<String> todo = new ArrayList<>(missing);
        for (int from = 0; from < todo.size(); from += batchSize) {
            List<String> batch = todo.subList(from, Math.min(todo.size(), from + batchSize));
            float[][] vectors = model.embed(batch);
            requireSound(model, batch, vectors);
            if (cache != null) {
                cache.putAll(batch, vectors);
            }
            for (int i = 0; i < batch.size(); i++) {
                known.put(batch.get(i), vectors[i]);
            }
            progress.accept(batch.size());
        }
        FloatEmbeddingBatch out = FloatEmbeddingBatch.allocate(texts.size(), model.dimensions(), source);
        for (int r = 0; r < texts.size(); r++) {
            float[] v = known.get(texts.get(r));
            for (int j = 0; j < v.length; j++) {
                out.set(r, j, v[j]);
            }
        }
        return new Outcome(out, fromCache, todo.size(), cache == null ? List.of() : cache.damaged());
    }

    /** A model's answer must be one finite vector of its dimension per text (of norm 1 where it promises so). */
    private static void requireSound(TextEmbedder model, List<String> batch, float[][] vectors) {
        if (vectors.length != batch.size()) {
            throw new IllegalStateException(model.name() + " gave " + vectors.length + " vectors for " + batch.size() + " texts");
        }
        for (int i = 0; i < vectors.length; i++) {
            String problem = vectors[i].length != model.dimensions() ? "has " + vectors[i].length + " values, not " + model.dimensions()
                    : VectorChecks.problem(vectors[i], model.unitNorm());
            if (problem != null) {
                throw new IllegalStateException(model.name() + "'s vector of '" + batch.get(i) + "' " + problem);
            }
        }
    }
}
