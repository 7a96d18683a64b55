package io.binaryllm.runner;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What a run's {@code metrics.json} holds, a pure function of config and data: the dataset, the float baseline and
 * every variant, in config order. Serialised in component order with snake_case names; absent parts (no qrels, no
 * labels, a metric not asked for) are left out. Maps keyed by k hold one entry for each k of the run, ascending.
 *
 * @param run          the run's name
 * @param dataset      what was measured
 * @param k            the k of every top-k metric, as configured
 * @param recallKPrime the k' of the float top-k's recall within the binary top-k'
 * @param floatMetrics the exact float baseline
 * @param variants     every variant, in config order
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunMetrics(String run, DatasetSummary dataset, List<Integer> k, @JsonProperty("recall_k_prime") int recallKPrime,
                         @JsonProperty("float") FloatMetrics floatMetrics, List<VariantMetrics> variants) {
    /**
     * @param name       the dataset's name
     * @param corpusRows documents
     * @param queryRows  queries
     * @param dims       dimensions of a vector
     * @param qrels      whether the queries have relevance judgments
     * @param labels     whether the documents have class labels
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DatasetSummary(String name, long corpusRows, long queryRows, int dims, boolean qrels, boolean labels)
            implements Serializable {
    }

    /**
     * @param bytesPerVector bytes of a float32 vector
     * @param retrieval      recall/nDCG/MRR by k, with qrels
     * @param classification kNN classification by exact cosine, with labels
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FloatMetrics(int bytesPerVector, Map<String, Retrieval> retrieval, ClassificationScores classification)
            implements Serializable {
    }

    /**
     * One variant's entry.
     *
     * @param name              the variant's name
     * @param binarizer         its encoding: a binarizer's name, or {@code osq}
     * @param bits              code length (osq: dimensions x bits a dimension)
     * @param bytesPerVector    bytes a row takes, corrections included
     * @param seed              the variant's seed
     * @param rescore           the rescoring factor (0: none)
     * @param queryBits         osq only: bits a dimension of the queries
     * @param overlap           overlap@k with the float top-k, by k
     * @param recallOfFloatTopKInTopKPrime the float top-k's share within the binary top-k', by k
     * @param retrieval         recall/nDCG/MRR by k, with qrels
     * @param retrievalRescored the same after rescoring
     * @param overlapRescored   overlap@k after rescoring
     * @param classification    kNN classification on the codes, with labels
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VariantMetrics(String name, String binarizer, int bits, long bytesPerVector, long seed, int rescore,
                                 Integer queryBits, Map<String, Double> overlap,
                                 @JsonProperty("recall_of_float_top_k_in_top_k_prime") Map<String, Double> recallOfFloatTopKInTopKPrime,
                                 Map<String, Retrieval> retrieval,
                                 Map<String, Retrieval> retrievalRescored, Map<String, Double> overlapRescored,
                                 ClassificationScores classification) implements Serializable {
        /** Whether the variant re-ranks its shortlist by exact cosine. */
        @JsonIgnore
        public boolean rescored() {
            return rescore > 0;
        }
    }

    /**
     * Retrieval metrics at one k.
     *
     * @param recall                 mean recall@k
     * @param ndcg                   mean nDCG@k
     * @param mrr                    mean reciprocal rank within k
     * @param evaluatedQueries       queries with at least one relevant document
     * @param queriesWithoutRelevant queries left out for having none
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Retrieval(double recall, double ndcg, double mrr, int evaluatedQueries, int queriesWithoutRelevant)
            implements Serializable {
    }

    /**
     * @param accuracy   share of held-out documents labelled right
     * @param macroF1    F1 averaged over the classes
     * @param tested     held-out documents
     * @param neighbours neighbours that vote
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ClassificationScores(double accuracy, double macroF1, int tested, int neighbours) implements Serializable {
    }
}
