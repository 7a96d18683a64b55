package io.binaryllm.metric;

import io.binaryllm.data.Qrels;

import java.util.List;
import java.util.Map;

/**
 * recall@k, nDCG@k and MRR@k of ranked document ids against relevance judgments.
 *
 * <p>nDCG uses linear gain (the grade) and a {@code log2(rank + 1)} discount with ranks from 1, normalised by the
 * DCG of the ideal ranking of all judged grades: the definition of scikit-learn's {@code ndcg_score} for a ranking
 * without ties. Grades of 0 or less add no gain. A query with no relevant document has no defined recall or nDCG:
 * it is excluded from every mean and counted in {@link Scores#queriesWithoutRelevant()}.
 */
public final class RetrievalMetrics {
    private RetrievalMetrics() {
    }

    /** Means over the evaluated queries. */
    public record Scores(int k, double recall, double ndcg, double mrr, int evaluatedQueries, int queriesWithoutRelevant) {
    }

    public static double recallAtK(List<String> ranked, Map<String, Integer> judged, int k) {
        long relevant = judged.values().stream().filter(g -> g > 0).count();
        if (relevant == 0) {
            throw new IllegalArgumentException("recall is undefined without relevant documents");
        }
        int hits = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (judged.getOrDefault(ranked.get(i), 0) > 0) {
                hits++;
            }
        }
        return (double) hits / relevant;
    }

    public static double ndcgAtK(List<String> ranked, Map<String, Integer> judged, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            dcg += gain(judged.getOrDefault(ranked.get(i), 0)) / log2(i + 2);
        }
        int[] ideal = judged.values().stream().mapToInt(RetrievalMetrics::gain).sorted().toArray();
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.length); i++) {
            idcg += ideal[ideal.length - 1 - i] / log2(i + 2);
        }
        if (idcg == 0) {
            throw new IllegalArgumentException("nDCG is undefined without relevant documents");
        }
        return dcg / idcg;
    }

    /** 1 / rank of the first relevant document within the top k, 0 if none is there. */
    public static double reciprocalRankAtK(List<String> ranked, Map<String, Integer> judged, int k) {
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (judged.getOrDefault(ranked.get(i), 0) > 0) {
                return 1.0 / (i + 1);
            }
        }
        return 0.0;
    }

    /**
     * Mean scores over queries; {@code ranked.get(q)} is the ranking of query {@code queryIds.get(q)}, best first.
     */
    public static Scores evaluate(List<String> queryIds, List<List<String>> ranked, Qrels qrels, int k) {
        if (queryIds.size() != ranked.size()) {
            throw new IllegalArgumentException(queryIds.size() + " query ids but " + ranked.size() + " rankings");
        }
        double recall = 0;
        double ndcg = 0;
        double mrr = 0;
        int evaluated = 0;
        int without = 0;
        for (int q = 0; q < queryIds.size(); q++) {
            Map<String, Integer> judged = qrels.judged(queryIds.get(q));
            if (qrels.relevantCount(queryIds.get(q)) == 0) {
                without++;
                continue;
            }
            recall += recallAtK(ranked.get(q), judged, k);
            ndcg += ndcgAtK(ranked.get(q), judged, k);
            mrr += reciprocalRankAtK(ranked.get(q), judged, k);
            evaluated++;
        }
        return evaluated == 0
                ? new Scores(k, Double.NaN, Double.NaN, Double.NaN, 0, without)
                : new Scores(k, recall / evaluated, ndcg / evaluated, mrr / evaluated, evaluated, without);
    }

    private static int gain(int grade) {
        return Math.max(grade, 0);
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }

}
