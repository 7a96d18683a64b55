package io.binaryllm.search;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.internal.search.ReferenceBackend;
import io.binaryllm.testing.FakeBackend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EquivalenceSuiteTest {
    /** A backend that breaks ties by the larger index: the suite must catch it on tie-heavy data. */
    static final class WrongTies extends FakeBackend {
        WrongTies() {
            super("wrong-ties", true, -1);
        }

        @Override
        public SearchResult search(BinaryCodeBatch database, BinaryCodeBatch queries, int k) {
            SearchResult r = new ReferenceBackend().search(database, queries, k);
            long[] idx = r.indices().clone();
            for (int i = 0; i + 1 < idx.length; i++) {
                if (r.distances()[i] == r.distances()[i + 1] && (i + 1) % k != 0) {
                    long t = idx[i];
                    idx[i] = idx[i + 1];
                    idx[i + 1] = t;
                    i++;
                }
            }
            return new SearchResult(r.queries(), k, idx, r.distances());
        }
    }

    @Test
    void theSuiteCatchesAWrongTieOrder() {
        List<EquivalenceSuite.Check> checks = EquivalenceSuite.run(new WrongTies(), c -> { });
        assertThat(checks).hasSize(8 * 10 * 2 * 3 * 2); // each case one-shot and through the index
        assertThat(checks.stream().filter(c -> !c.ok())).isNotEmpty();
        assertThat(checks.stream().filter(c -> !c.ok() && c.what().contains("tie-heavy"))).isNotEmpty();
        // the default index searches through the backend: its wrong ties are caught there too
        assertThat(checks.stream().filter(c -> !c.ok() && c.what().endsWith(" index"))).isNotEmpty();
    }
}
