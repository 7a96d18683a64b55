package io.binaryllm.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.nio.file.Path;
import java.util.List;

/**
 * An evaluation run: which data, which binary variants, what to measure, where to write. Read strictly by
 * {@link ConfigLoader} from YAML or JSON (the same keys): unknown keys, missing required keys and wrong types are
 * refused with the key's path. Optional keys have documented defaults (see {@link #withDefaults()}), and the
 * resolved config, defaults filled in, is written into every run directory.
 *
 * @param name       run name, part of the run directory's name (required)
 * @param seed       master seed of every random draw of the run (default 0)
 * @param backend    search backend: auto, reference, cpu, native, ... (default auto)
 * @param dataset    the data (required)
 * @param variants   the binary variants to evaluate (required, at least one)
 * @param evaluation what to measure (default: see {@link Evaluation})
 * @param output     where runs go (default: {@code runs/} of the BinaryLLM home)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "seed", "backend", "dataset", "variants", "evaluation", "output"})
public record RunConfig(@JsonProperty(required = true) String name,
                        Long seed,
                        String backend,
                        @JsonProperty(required = true) Dataset dataset,
                        @JsonProperty(required = true) List<Variant> variants,
                        Evaluation evaluation,
                        Output output) {

    /**
     * Either a catalog {@code name} (see {@code binaryllm datasets}) or files: {@code corpus} and {@code queries}
     * (.npy, .fvecs, .bvecs), optionally {@code qrels} (TREC), {@code labels} (.npy of integer class per corpus row),
     * {@code corpus_ids} and {@code query_ids} (text, one id a line; default: the row number).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"name", "corpus", "queries", "qrels", "labels", "corpus_ids", "query_ids"})
    public record Dataset(String name, String corpus, String queries, String qrels, String labels,
                          @JsonProperty("corpus_ids") String corpusIds, @JsonProperty("query_ids") String queryIds) {
    }

    /**
     * @param name      label in reports (default: the binarizer, with the bits for hyperplane and osq, and "+rescore")
     * @param binarizer sign, scaled-sign, hyperplane or osq (required)
     * @param bits      code length: hyperplane's (required there); osq's dimensions x 1, 2 or 4 bits a dimension
     *                  (default: one bit a dimension)
     * @param queryBits osq only: bits a dimension of the queries, 4 (default) or 8
     * @param seed      master seed of this variant's random draws (the hyperplane projection); default: the run's
     *                  seed. Several variants that differ only in seed measure the spread of a random binarizer.
     * @param rescore   0 for none (default), else re-rank the binary top-(k x rescore) by exact float cosine
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"name", "binarizer", "bits", "query_bits", "seed", "rescore"})
    public record Variant(String name, @JsonProperty(required = true) String binarizer, Integer bits,
                          @JsonProperty("query_bits") Integer queryBits, Long seed, Integer rescore) {
        /** Whether this variant quantizes (osq) rather than binarizes. */
        public boolean quantized() {
            return "osq".equals(binarizer);
        }
    }

    /**
     * @param k              the k of every top-k metric (default [1, 10, 100], each at most the corpus size)
     * @param metrics        which ranking metrics to compute: {@code overlap} (overlap@k with the float top-k),
     *                       {@code recall_in_k_prime} (the float top-k within the binary top-k'), {@code retrieval}
     *                       (recall, nDCG, MRR against qrels, when the dataset has them); default all three
     * @param recallKPrime   k' of "recall of the float top-k within the binary top-k'" (default 100)
     * @param classification kNN classification, for datasets with labels (default: on when there are labels)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"k", "metrics", "recall_k_prime", "classification"})
    public record Evaluation(List<Integer> k, List<String> metrics, @JsonProperty("recall_k_prime") Integer recallKPrime,
                             Classification classification) {
        public static final List<String> METRICS = List.of("overlap", "recall_in_k_prime", "retrieval");
    }

    /**
     * @param enabled      default: true when the dataset has labels
     * @param neighbours   k of the kNN vote (default 10)
     * @param testFraction share of the corpus held out for testing, by a seeded split (default 0.2)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"enabled", "neighbours", "test_fraction"})
    public record Classification(Boolean enabled, Integer neighbours, @JsonProperty("test_fraction") Double testFraction) {
    }

    /** @param dir folder of run directories (default: runs/ of the BinaryLLM home, else ./runs) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(String dir) {
    }

    /** This config with every omitted optional key set to its documented default. */
    public RunConfig withDefaults() {
        Evaluation e = evaluation == null ? new Evaluation(null, null, null, null) : evaluation;
        long runSeed = seed == null ? 0L : seed;
        Classification c = e.classification() == null ? new Classification(null, null, null) : e.classification();
        return new RunConfig(name, runSeed, backend == null ? "auto" : backend, dataset,
                variants.stream().map(v -> new Variant(v.name() != null ? v.name() : defaultName(v), v.binarizer(), v.bits(),
                        v.queryBits() == null && v.quantized() ? Integer.valueOf(4) : v.queryBits(),
                        v.seed() == null ? runSeed : v.seed(), v.rescore() == null ? 0 : v.rescore())).toList(),
                new Evaluation(e.k() == null ? List.of(1, 10, 100) : e.k(), e.metrics() == null ? Evaluation.METRICS : e.metrics(),
                        e.recallKPrime() == null ? 100 : e.recallKPrime(),
                        new Classification(c.enabled(), c.neighbours() == null ? 10 : c.neighbours(),
                                c.testFraction() == null ? 0.2 : c.testFraction())),
                output != null && output.dir() != null ? output : new Output(
                        Path.of(System.getProperty("binaryllm.home", ".")).resolve("runs").toString()));
    }

    private static String defaultName(Variant v) {
        String base = v.binarizer() + (v.bits() != null ? "-" + v.bits() : "")
                + (v.queryBits() != null && v.queryBits() != 4 ? "-q" + v.queryBits() : "");
        return v.rescore() != null && v.rescore() > 0 ? base + "+rescore" + v.rescore() : base;
    }
}
