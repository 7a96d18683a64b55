package io.binaryllm.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.binaryllm.BadInputException;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.runner.internal.RunPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RunnerTest {
    static final Path HOME = Path.of(System.getProperty("binaryllm.home", "."));

    @TempDir
    Path dir;

    private Path config(String body) throws Exception {
        Path p = dir.resolve("run.yaml");
        Files.writeString(p, body + "output: {dir: " + dir.resolve("runs") + "}\n");
        return p;
    }

    private static final String GOLDEN = """
            name: golden-check
            seed: 20251123
            backend: reference
            dataset: {name: golden/clusters}
            variants:
              - binarizer: sign
              - {binarizer: sign, rescore: 3}
              - {binarizer: hyperplane, bits: 67}
            evaluation: {k: [1, 10], recall_k_prime: 30, classification: {neighbours: 5, test_fraction: 0.25}}
            """;

    @Test
    void aRunIsReproducibleAndNeverReusesADirectory() throws Exception {
        Path c = config(GOLDEN);
        Runner.Outcome a = Runner.run(c, new PrintWriter(new StringWriter()));
        Runner.Outcome b = Runner.run(c, new PrintWriter(new StringWriter()));
        assertThat(a.dir()).isNotEqualTo(b.dir());
        assertThat(Files.readAllBytes(a.dir().resolve("metrics.json"))).isEqualTo(Files.readAllBytes(b.dir().resolve("metrics.json")));
        for (String f : new String[]{"config.resolved.yaml", "metrics.json", "events.jsonl", "report.md",
                "quality_vs_bits.png", "hamming_distances.png", "throughput.png"}) {
            assertThat(a.dir().resolve(f)).isNotEmptyFile();
        }
        assertThat(Files.readString(a.dir().resolve("config.resolved.yaml"))).contains("enabled: true").contains("rescore: 0");
        assertThat(Files.readAllLines(a.dir().resolve("events.jsonl"))).first().asString().contains("\"event\":\"start\"");
    }

    /**
     * osq variants beside sign: one bit a dimension by default, 4-bit queries by default, bytes per vector counting the
     * 16 bytes of corrections, the same scores on every backend (the throughput step checks each against the run's),
     * and more bits keeping more of the float ranking.
     */
    @Test
    void osqVariantsRunBesideBinarizersWithTheirCorrectionsCounted() throws Exception {
        Path c = config(GOLDEN.replace("  - {binarizer: hyperplane, bits: 67}\n", """
                  - binarizer: osq
                  - {binarizer: osq, bits: 384, query_bits: 8, rescore: 3}
                """));
        Runner.Outcome run = Runner.run(c, new PrintWriter(new StringWriter()));
        JsonNode m = new ObjectMapper().readTree(run.dir().resolve("metrics.json").toFile());
        JsonNode osq = m.at("/variants/2");
        assertThat(osq.at("/name").asText()).isEqualTo("osq");
        assertThat(osq.at("/bits").asInt()).isEqualTo(96);
        assertThat(osq.at("/query_bits").asInt()).isEqualTo(4);
        assertThat(osq.at("/bytes_per_vector").asInt()).isEqualTo(2 * 8 + 16);
        assertThat(osq.at("/classification/accuracy").asDouble()).isBetween(0.0, 1.0);
        JsonNode wide = m.at("/variants/3");
        assertThat(wide.at("/name").asText()).isEqualTo("osq-384-q8+rescore3");
        assertThat(wide.at("/bytes_per_vector").asInt()).isEqualTo(4 * 2 * 8 + 16);
        assertThat(wide.at("/overlap/10").asDouble()).isGreaterThanOrEqualTo(osq.at("/overlap/10").asDouble());
        assertThat(osq.at("/overlap/10").asDouble()).isGreaterThan(m.at("/variants/0/overlap/10").asDouble());
        assertThat(run.dir().resolve("quality_vs_bytes.png")).isNotEmptyFile();
        assertThat(Files.readString(run.dir().resolve("report.md"))).contains("| osq | 96 | 32 |");
    }

    @Test
    void itsNumbersAgreeWithTheGoldenMetricsComputedIndependently() throws Exception {
        // The golden metrics file was written by GoldenSet (its own pipeline); the runner must reproduce its values.
        // The run's seed is the golden master seed, so hyperplane draws the same projection.
        Runner.Outcome run = Runner.run(config(GOLDEN), new PrintWriter(new StringWriter()));
        JsonNode golden = new ObjectMapper().readTree(HOME.resolve("golden/clusters/metrics.json").toFile());
        JsonNode metrics = new ObjectMapper().readTree(run.dir().resolve("metrics.json").toFile());
        assertThat(metrics.at("/float/retrieval/10/ndcg").asDouble()).isEqualTo(golden.at("/float/ndcg").asDouble());
        assertThat(metrics.at("/float/retrieval/10/mrr").asDouble()).isEqualTo(golden.at("/float/mrr").asDouble());
        assertThat(metrics.at("/float/retrieval/10/queries_without_relevant").asInt()).isEqualTo(1);
        JsonNode sign = metrics.at("/variants/0");
        assertThat(sign.at("/retrieval/10/ndcg").asDouble()).isEqualTo(golden.at("/variants/sign/ndcg").asDouble());
        assertThat(sign.at("/overlap/10").asDouble()).isEqualTo(golden.at("/variants/sign/overlapWithFloat").asDouble());
        assertThat(metrics.at("/variants/2/retrieval/10/ndcg").asDouble()).isEqualTo(golden.at("/variants/hyperplane-67/ndcg").asDouble());
        // Rescoring can only move the binary list towards the float one.
        assertThat(metrics.at("/variants/1/overlap_rescored/10").asDouble()).isGreaterThanOrEqualTo(sign.at("/overlap/10").asDouble());
        double accuracy = metrics.at("/float/classification/accuracy").asDouble();
        assertThat(accuracy).isBetween(0.0, 1.0);
        assertThat(metrics.at("/float/classification/tested").asInt()).isEqualTo(60); // 25% of 240
        assertThat(metrics.at("/variants/0/recall_of_float_top_k_in_top_k_prime/1").asDouble()).isCloseTo(1.0, within(0.5));
    }

    @Test
    void badConfigsExitTwoNamingTheKeyAndCreateNoRunDirectory() throws Exception {
        String[][] cases = {
                {GOLDEN.replace("golden/clusters", "golden/clusterz"), "dataset.name: unknown dataset 'golden/clusterz'; did you mean 'golden/clusters'?"},
                {GOLDEN.replace("bits: 67", "bits: 0"), "variants[2].bits: must be positive"},
                {GOLDEN.replace("{binarizer: sign, rescore: 3}", "{binarizer: sigm, rescore: 3}"), "variants[1].binarizer: unknown binarizer 'sigm'; did you mean 'sign'?"},
                {GOLDEN.replace("k: [1, 10]", "k: [1, 1000]"), "evaluation.k[1]: k=1000 exceeds the corpus size 240"},
                {GOLDEN.replace("backend: reference", "backend: gpu9"), "backend: unknown backend 'gpu9'"},
                {GOLDEN.replace("name: golden-check", "name: a/b"), "name: must be letters"},
                {GOLDEN.replace("recall_k_prime: 30", "recall_k_prime: 30, extra: 1"), "evaluation.extra: unknown key"},
                {GOLDEN.replace("recall_k_prime: 30", "recall_k_prime: 30, metrics: [overlap, ndcg]"), "evaluation.metrics[1]: unknown metric 'ndcg'"},
                {GOLDEN.replace("bits: 67}", "bits: 67, query_bits: 4}"), "variants[2].query_bits: query_bits applies to osq only"},
                {GOLDEN.replace("{binarizer: hyperplane, bits: 67}", "{binarizer: osq, query_bits: 2}"), "variants[2].query_bits: osq queries take 4 or 8 bits a dimension, got 2"},
                {GOLDEN.replace("{binarizer: hyperplane, bits: 67}", "{binarizer: osq, bits: 100}"), "variants[2].bits: osq keeps 1, 2 or 4 bits a dimension: for 96-dim vectors bits is 96, 192 or 384, got 100"},
                {GOLDEN.replace("{binarizer: hyperplane, bits: 67}", "{binarizer: osq, bits: 288}"), "variants[2].bits: osq keeps 1, 2 or 4 bits a dimension"},
                {GOLDEN.replace("{binarizer: hyperplane, bits: 67}", "{binarizer: osqq}"), "variants[2].binarizer: unknown binarizer 'osqq'; did you mean 'osq'?"},
        };
        for (String[] c : cases) {
            Path p = config(c[0]);
            assertThatThrownBy(() -> Runner.run(p, new PrintWriter(new StringWriter()))).as(c[1])
                    .isInstanceOf(BadInputException.class).hasMessageContaining(p.toString()).hasMessageContaining(c[1])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            assertThat(dir.resolve("runs")).as(c[1]).doesNotExist();
        }
    }

    @Test
    void variantSeedsAndMetricSelectionAreHonoured() throws Exception {
        Path c = config(GOLDEN.replace("{binarizer: hyperplane, bits: 67}", "{binarizer: hyperplane, bits: 67, seed: 99}")
                .replace("recall_k_prime: 30", "recall_k_prime: 30, metrics: [overlap]"));
        Runner.Outcome run = Runner.run(c, new PrintWriter(new StringWriter()));
        JsonNode metrics = new ObjectMapper().readTree(run.dir().resolve("metrics.json").toFile());
        assertThat(metrics.at("/variants/2/seed").asLong()).isEqualTo(99);
        assertThat(metrics.at("/variants/0/seed").asLong()).isEqualTo(20251123);
        assertThat(metrics.at("/variants/0/overlap/10").isMissingNode()).isFalse();
        assertThat(metrics.at("/variants/0/retrieval").isMissingNode()).isTrue();
        assertThat(metrics.at("/variants/0/recall_of_float_top_k_in_top_k_prime").isMissingNode()).isTrue();
        // A different projection seed gives different codes, hence (here) a different overlap.
        Runner.Outcome golden = Runner.run(config(GOLDEN), new PrintWriter(new StringWriter()));
        JsonNode g = new ObjectMapper().readTree(golden.dir().resolve("metrics.json").toFile());
        assertThat(metrics.at("/variants/2/overlap/10").asDouble()).isNotEqualTo(g.at("/variants/2/overlap/10").asDouble());
        assertThat(Files.readString(run.dir().resolve("report.md"))).contains("hyperplane-67");
    }

    @Test
    void aDatasetOfFilesRunsWithIdsQrelsAndLabels() throws Exception {
        // 6 documents on the unit circle's axes and diagonals, 2 queries; ids and qrels by name.
        float[][] docs = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}, {-1, 0}, {0, -1}};
        Npy.writeFloats(dir.resolve("docs.npy"), false, FloatEmbeddingBatch.of(docs));
        Npy.writeFloats(dir.resolve("qs.npy"), false,
                FloatEmbeddingBatch.of(new float[][]{{1, 0.05f}, {0.05f, 1}}));
        Files.writeString(dir.resolve("docs.txt"), "east\neast2\nnorth\nnorth2\nwest\nsouth\n");
        Files.writeString(dir.resolve("qs.txt"), "qe\nqn\n");
        Files.writeString(dir.resolve("qrels.txt"), "qe 0 east 1\nqe 0 east2 1\nqn 0 north 1\nqn 0 north2 1\n");
        Npy.write(dir.resolve("labels.npy"), false, NpyDtype.I4,
                Npy.le(new int[]{0, 0, 1, 1, 2, 3}), 6);
        Path c = config("""
                name: files
                dataset: {corpus: docs.npy, queries: qs.npy, qrels: qrels.txt, labels: labels.npy, corpus_ids: docs.txt, query_ids: qs.txt}
                variants: [{binarizer: sign}]
                evaluation: {k: [2], recall_k_prime: 3, classification: {neighbours: 1, test_fraction: 0.5}}
                """);
        Runner.Outcome run = Runner.run(c, new PrintWriter(new StringWriter()));
        JsonNode m = new ObjectMapper().readTree(run.dir().resolve("metrics.json").toFile());
        // Float cosine ranks east, east2 first for qe and north, north2 for qn: recall@2 = 1 for both.
        assertThat(m.at("/float/retrieval/2/recall").asDouble()).isEqualTo(1.0);
        assertThat(m.at("/float/retrieval/2/evaluated_queries").asInt()).isEqualTo(2);
        assertThat(m.at("/dataset/corpus_rows").asInt()).isEqualTo(6);
        assertThat(m.at("/float/classification/tested").asInt()).isEqualTo(3);
        assertThat(m.at("/variants/0/bits").asInt()).isEqualTo(2);
    }

    @Test
    void nanInADatasetFileIsExitTwoBeforeAnyRunDirectory() throws Exception {
        Npy.writeFloats(dir.resolve("docs.npy"), false,
                FloatEmbeddingBatch.of(new float[][]{{1, 0}, {0, Float.NaN}, {1, 1}}));
        Npy.writeFloats(dir.resolve("qs.npy"), false, FloatEmbeddingBatch.of(new float[][]{{1, 0}}));
        Path c = config("""
                name: nan
                dataset: {corpus: docs.npy, queries: qs.npy}
                variants: [{binarizer: sign}]
                evaluation: {k: [1]}
                """);
        assertThatThrownBy(() -> Runner.run(c, new PrintWriter(new StringWriter()))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("docs.npy: row 1, column 1 is NaN");
        assertThat(dir.resolve("runs")).doesNotExist();
    }

    @Test
    void theDefaultAndExampleConfigsAreValid() throws Exception {
        try (Stream<Path> configs = Files.list(HOME.resolve("configs"))) {
            for (Path p : configs.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".json")).toList()) {
                RunConfig c = ConfigLoader.load(p).withDefaults();
                if (c.dataset().name() != null) {
                    RunPipeline.validate(p, c);
                }
            }
        }
    }
}
