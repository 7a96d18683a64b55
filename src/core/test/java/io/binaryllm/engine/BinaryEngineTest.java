package io.binaryllm.engine;

import io.binaryllm.BadArgumentException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Codes;
import io.binaryllm.search.AbstractBinaryIndex;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.FakeBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine owns the indexes it built: closing it closes those left open, every one, even when some fail. */
class BinaryEngineTest {
    /** A backend whose indexes count their closes, the first {@code failing} of them failing to close. */
    private static final class Recording extends FakeBackend {
        final List<String> closed = new ArrayList<>();
        private final int failing;
        private int built;

        Recording(int failing) {
            super("recording", true, 0);
            this.failing = failing;
        }

        @Override
        public <C extends Codes> SearchResult search(C database, C queries, int k) {
            database.requireSearchable(queries, k);
            return new SearchResult((int) queries.rows(), k, new long[(int) queries.rows() * k], new int[(int) queries.rows() * k]);
        }

        @Override
        public <C extends Codes> BinaryIndex<C> index(C database) {
            String id = "index " + built;
            boolean fails = built++ < failing;
            return new AbstractBinaryIndex<>(name(), database) {
                @Override
                protected SearchResult searchCopy(C queries, int k) {
                    return Recording.this.search(database, queries, k);
                }

                @Override
                protected void release() {
                    closed.add(id);
                    if (fails) {
                        throw new IllegalStateException(id + " failed to close");
                    }
                }

                @Override
                public String residence() {
                    return "recorded";
                }
            };
        }

        @Override
        public void close() {
            closed.add("backend");
        }
    }

    private static final BinaryCodeBatch CODES = BinaryCodeBatch.ofWords(new long[]{1, 2, 3}, 3, 64);

    @Test
    void closingTheEngineClosesEveryIndexLeftOpenAndKeepsEveryFailure() {
        Recording backend = new Recording(2);
        BinaryEngine engine = BinaryEngine.builder().backend(backend).build();
        for (int i = 0; i < 3; i++) {
            engine.index(CODES);
        }
        assertThatThrownBy(engine::close).isInstanceOf(IllegalStateException.class).hasMessageEndingWith("failed to close")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().extracting(Throwable::getMessage).asString()
                        .endsWith("failed to close"));
        assertThat(backend.closed).containsExactlyInAnyOrder("index 0", "index 1", "index 2", "backend");
    }

    @Test
    void anIndexClosedByItsUserIsNotClosedAgain() {
        Recording backend = new Recording(0);
        try (BinaryEngine engine = BinaryEngine.builder().backend(backend).build()) {
            try (BinaryIndex<BinaryCodeBatch> index = engine.index(CODES)) {
                assertThat(index.search(CODES, 1).k()).isEqualTo(1);
                assertThat(index.residence()).isEqualTo("recorded");
            }
            engine.index(CODES);
        }
        assertThat(backend.closed).containsExactly("index 0", "index 1", "backend");
    }

    @Test
    void builderArgumentsAreChecked() {
        assertThatThrownBy(() -> BinaryEngine.builder().backend((String) null)).isInstanceOf(BadArgumentException.class)
                .hasMessage("the backend name is null");
        assertThatThrownBy(() -> BinaryEngine.builder().backend("tpu").build()).isInstanceOf(BadArgumentException.class)
                .hasMessageStartingWith("unknown backend 'tpu'");
    }
}
