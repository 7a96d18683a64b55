package io.binaryllm.runner.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Codes;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.runner.Runner;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.FakeBackend;
import io.binaryllm.testing.SpecialFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A variant that fails half-way leaves no code batch open: off-heap memory is freed whatever throws. */
class RunPipelineTest {
    @TempDir
    Path dir;

    /** A backend that remembers the codes it was asked to search, then fails. */
    private static final class FailingSearch extends FakeBackend {
        final List<Codes> seen = new ArrayList<>();

        FailingSearch() {
            super("failing", true, 0);
        }

        @Override
        public <C extends Codes> SearchResult search(C database, C queries, int k) {
            seen.add(database);
            seen.add(queries);
            throw new IllegalStateException("the device fell over");
        }
    }

    @Test
    void aVariantThatFailsClosesItsCodes() throws Exception {
        Path config = dir.resolve("run.yaml");
        Files.writeString(config, """
                name: leak
                dataset: {name: golden/clusters}
                variants: [{binarizer: sign}, {binarizer: hyperplane, bits: 67}]
                evaluation: {k: [5], classification: {enabled: false}}
                output: {dir: %s}
                """.formatted(dir.resolve("runs")));
        FailingSearch backend = new FailingSearch();
        assertThatThrownBy(() -> RunPipeline.run(config, new PrintWriter(new StringWriter()),
                c -> BinaryEngine.builder().backend(backend).seed(c.seed()).build()))
                .hasMessage("the device fell over");
        assertThat(backend.seen).hasSize(2);
        for (Codes codes : backend.seen) {
            assertThat(((BinaryCodeBatch) codes).segment().scope().isAlive()).as("the variant's codes were freed").isFalse();
        }
    }

    private Path config(String name, String variants) throws Exception {
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                name: %s
                dataset: {name: golden/clusters}
                variants: %s
                evaluation: {k: [5], classification: {enabled: false}}
                output: {dir: %s}
                """.formatted(name, variants, dir.resolve("runs")));
        return config;
    }

    /** The run directory is staged hidden and renamed when complete: a failure half-way leaves none, not a partial one. */
    @Test
    void aRunThatFailsHalfWayLeavesNoRunDirectory() throws Exception {
        Path config = config("half", "[{binarizer: sign}]");
        assertThatThrownBy(() -> RunPipeline.run(config, new PrintWriter(new StringWriter()),
                c -> BinaryEngine.builder().backend(new FailingSearch()).seed(c.seed()).build()))
                .hasMessage("the device fell over");
        try (var entries = Files.list(dir.resolve("runs"))) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void theUnfinishedRunDirectoryOfAKilledRunIsDeletedByTheNextRun() throws Exception {
        // Killed two days ago in another container (a pid here says nothing of it): old enough to be surely dead.
        Path left = Files.createDirectories(dir.resolve("runs/.20261130-010203-t." + SpecialFiles.deadPid() + "@00000000.1.partial"));
        Files.writeString(left.resolve("events.jsonl"), "{}\n");
        Files.setLastModifiedTime(left, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Path config = config("next", "[{binarizer: sign}]");
        Runner.Outcome run = RunPipeline.run(config, new PrintWriter(new StringWriter()),
                c -> BinaryEngine.builder().backend("reference").seed(c.seed()).build());
        try (var entries = Files.list(dir.resolve("runs"))) {
            assertThat(entries).containsExactly(run.dir());
        }
        assertThat(run.dir().getFileName().toString()).endsWith("-next");
    }

    /** A library argument's problem during a run is the config's: named by its key, not as a command-line option. */
    @Test
    void anArgumentRefusedDuringARunNamesTheConfigsKey() throws Exception {
        Path config = config("key", "[{binarizer: sign}]");
        FakeBackend refusing = new FakeBackend("refusing", true, 0) {
            @Override
            public <C extends Codes> SearchResult search(C database, C queries, int k) {
                throw new BadArgumentException("k", "k=" + k + " is more than this backend takes");
            }
        };
        assertThatThrownBy(() -> RunPipeline.run(config, new PrintWriter(new StringWriter()),
                c -> BinaryEngine.builder().backend(refusing).seed(c.seed()).build()))
                .isInstanceOf(BadInputException.class)
                .hasMessage(config + ": evaluation.k: k=100 is more than this backend takes");
    }

    /** k x rescore is computed in 64 bits and capped at the corpus: an oversampling factor cannot overflow. */
    @Test
    void aHugeRescoreFactorRescoresTheWholeCorpus() throws Exception {
        Path config = config("rescore", "[{binarizer: sign, rescore: 2147483647}]");
        Runner.Outcome run = RunPipeline.run(config, new PrintWriter(new StringWriter()),
                c -> BinaryEngine.builder().backend("reference").seed(c.seed()).build());
        // Rescoring every document by exact cosine is the float ranking itself.
        assertThat(run.metrics().variants().getFirst().overlapRescored()).containsEntry("5", 1.0);
    }

    /** metrics.json keeps its names: snake_case, each where it was, whatever the types behind it. */
    @Test
    void metricsJsonNamesEveryFieldAsBefore() throws Exception {
        Path config = dir.resolve("names.yaml");
        Files.writeString(config, """
                name: names
                dataset: {name: golden/clusters}
                variants: [{binarizer: sign, rescore: 2}, {binarizer: osq}]
                evaluation: {k: [5]}
                output: {dir: %s}
                """.formatted(dir.resolve("runs")));
        Runner.Outcome run = RunPipeline.run(config, new PrintWriter(new StringWriter()),
                c -> BinaryEngine.builder().backend("reference").seed(c.seed()).build());
        JsonNode json = new ObjectMapper().readTree(run.dir().resolve("metrics.json").toFile());
        assertThat(names(json)).containsExactly("run", "dataset", "k", "recall_k_prime", "float", "variants");
        assertThat(names(json.get("dataset"))).containsExactly("name", "corpus_rows", "query_rows", "dims", "qrels", "labels");
        assertThat(names(json.get("float"))).containsExactly("bytes_per_vector", "retrieval", "classification");
        assertThat(names(json.get("float").get("retrieval").get("5")))
                .containsExactly("recall", "ndcg", "mrr", "evaluated_queries", "queries_without_relevant");
        assertThat(names(json.get("float").get("classification"))).containsExactly("accuracy", "macro_f1", "tested", "neighbours");
        assertThat(names(json.get("variants").get(0))).containsExactly("name", "binarizer", "bits", "bytes_per_vector", "seed",
                "rescore", "overlap", "recall_of_float_top_k_in_top_k_prime", "retrieval", "retrieval_rescored", "overlap_rescored",
                "classification");
        assertThat(names(json.get("variants").get(1))).containsExactly("name", "binarizer", "bits", "bytes_per_vector", "seed",
                "rescore", "query_bits", "overlap", "recall_of_float_top_k_in_top_k_prime", "retrieval", "classification");
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
