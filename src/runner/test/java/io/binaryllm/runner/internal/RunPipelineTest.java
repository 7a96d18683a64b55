package io.binaryllm.runner.internal;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.FakeBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
        final List<BinaryCodeBatch> seen = new ArrayList<>();

        FailingSearch() {
            super("failing", true, 0);
        }

        @Override
        public SearchResult search(BinaryCodeBatch database, BinaryCodeBatch queries, int k) {
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
        for (BinaryCodeBatch codes : backend.seen) {
            assertThat(codes.segment().scope().isAlive()).as("the variant's codes were freed").isFalse();
        }
    }
}
