package io.binaryllm.runner.internal.datasets;

import io.binaryllm.data.Dataset;
import io.binaryllm.data.EmbeddingDataset;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.Qrels;
import io.binaryllm.data.QueryDataset;
import io.binaryllm.seed.SplitMix64;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Labelled, judged Gaussian data in three levels: {@code classes} centres ~ N(0, I); topics = a centre + N(0, I);
 * documents = a topic + N(0, docNoise^2 I), {@code docsPerTopic} of them, labelled with the topic's class (topic t
 * belongs to class t % classes). Query q is its topic (q x topics / nq) + the same document noise, and the topic's
 * documents are its relevant ones (grade 1). Ids are {@code d<i>} and {@code q<i>}.
 */
public record SyntheticClusters(int n, int d, int nq, int classes, int docsPerTopic, double docNoise) {
    public Dataset generate(String name, SplitMix64 rng) {
        int topics = n / docsPerTopic;
        float[][] centres = gaussian(rng, classes, d, null, 1.0);
        float[][] topicVectors = new float[topics][];
        for (int t = 0; t < topics; t++) {
            topicVectors[t] = gaussian(rng, 1, d, centres[t % classes], 1.0)[0];
        }
        FloatEmbeddingBatch corpus = FloatEmbeddingBatch.allocate(n, d, name + " corpus");
        int[] labels = new int[n];
        List<String> docIds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int topic = i % topics;
            labels[i] = topic % classes;
            docIds.add("d" + i);
            float[] v = gaussian(rng, 1, d, topicVectors[topic], docNoise)[0];
            for (int j = 0; j < d; j++) {
                corpus.set(i, j, v[j]);
            }
        }
        FloatEmbeddingBatch queries = FloatEmbeddingBatch.allocate(nq, d, name + " queries");
        List<String> queryIds = new ArrayList<>(nq);
        Map<String, Map<String, Integer>> judgments = new LinkedHashMap<>();
        for (int q = 0; q < nq; q++) {
            int topic = (int) ((long) q * topics / nq);
            queryIds.add("q" + q);
            float[] v = gaussian(rng, 1, d, topicVectors[topic], docNoise)[0];
            for (int j = 0; j < d; j++) {
                queries.set(q, j, v[j]);
            }
            Map<String, Integer> judged = new LinkedHashMap<>();
            for (int i = topic; i < n; i += topics) {
                judged.put("d" + i, 1);
            }
            judgments.put("q" + q, judged);
        }
        return new Dataset(new EmbeddingDataset(name, corpus, docIds, Optional.of(labels)),
                new QueryDataset(name, queries, queryIds, Optional.of(new Qrels(judgments))));
    }

    private static float[][] gaussian(SplitMix64 rng, int rows, int d, float[] mean, double sigma) {
        float[][] out = new float[rows][d];
        for (float[] row : out) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) ((mean == null ? 0 : mean[j]) + sigma * rng.nextGaussian());
            }
        }
        return out;
    }
}
