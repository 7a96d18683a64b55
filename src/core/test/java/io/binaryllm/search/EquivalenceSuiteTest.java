package io.binaryllm.search;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Codes;
import io.binaryllm.internal.search.ReferenceBackend;
import io.binaryllm.seed.SplitMix64;
import io.binaryllm.testing.FakeBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EquivalenceSuiteTest {
    /** A backend that breaks ties by the larger index: the suite must catch it on tie-heavy data. */
    static final class WrongTies extends FakeBackend {
        WrongTies() {
            super("wrong-ties", true, -1);
        }

        /** The reference's answer with every pair of equal keys swapped. */
        @Override
        public <C extends Codes> SearchResult search(C database, C queries, int k) {
            SearchResult r = new ReferenceBackend().search(database, queries, k);
            long[] idx = r.indices().clone();
            for (int i = 0; i + 1 < idx.length; i++) {
                if (r.keys()[i] == r.keys()[i + 1] && (i + 1) % k != 0) {
                    long t = idx[i];
                    idx[i] = idx[i + 1];
                    idx[i + 1] = t;
                    i++;
                }
            }
            return new SearchResult(r.queries(), k, idx, r.keys(), r.ranking());
        }
    }

    /** Hamming: rows x bits x kinds x ks; osq: dims x rows x widths x ks; each one-shot and through the index. */
    private static final int CHECKS = 8 * 10 * 2 * 3 * 2 + 6 * 3 * 6 * 3 * 2;

    @Test
    void theSuiteCatchesAWrongTieOrder() {
        List<EquivalenceSuite.Check> checks = EquivalenceSuite.run(new WrongTies(), c -> { });
        assertThat(checks).hasSize(CHECKS);
        assertThat(checks.stream().filter(c -> !c.ok())).isNotEmpty();
        assertThat(checks.stream().filter(c -> !c.ok() && c.what().contains("tie-heavy"))).isNotEmpty();
        assertThat(checks.stream().filter(c -> !c.ok() && c.what().startsWith("osq") && c.what().contains("tie-heavy"))).isNotEmpty();
        // the default index searches through the backend: its wrong ties are caught there too
        assertThat(checks.stream().filter(c -> !c.ok() && c.what().endsWith(" index"))).isNotEmpty();
    }

    @Test
    void theSuitePassesTheReferenceAgainstItselfAndReportsEveryCheck() {
        List<EquivalenceSuite.Check> seen = new ArrayList<>();
        List<EquivalenceSuite.Check> checks = EquivalenceSuite.run(new ReferenceBackend(), seen::add);
        assertThat(checks).allMatch(EquivalenceSuite.Check::ok).hasSize(CHECKS);
        assertThat(seen).isEqualTo(checks);
        assertThat(checks.getFirst().what()).isEqualTo("n=1 bits=1 random k=1");
        assertThat(checks.getFirst().backend()).isEqualTo("reference");
        assertThat(new EquivalenceSuite.Check("x", "y", "differs").ok()).isFalse();
    }

    /** Random codes use every bit of a word but the padding; tie-heavy ones are three patterns with rare flips. */
    @Test
    void theSuitesCodesAreWhatTheySayTheyAre() {
        for (int bits : new int[]{1, 63, 65, 130}) {
            try (BinaryCodeBatch random = EquivalenceSuite.codes(new SplitMix64(1), 400, bits, false);
                 BinaryCodeBatch ties = EquivalenceSuite.codes(new SplitMix64(1), 400, bits, true)) {
                long mask = BinaryCodeBatch.lastWordMask(bits);
                long[] or = new long[random.words()];
                Set<String> distinct = new HashSet<>();
                for (long r = 0; r < 400; r++) {
                    for (int w = 0; w < random.words(); w++) {
                        or[w] |= random.word(r, w);
                        assertThat(random.word(r, w) & ~(w == random.words() - 1 ? mask : -1L)).isZero();
                        assertThat(ties.word(r, w) & ~(w == ties.words() - 1 ? mask : -1L)).isZero();
                    }
                    long[] row = new long[ties.words()];
                    ties.copyRow(r, row);
                    distinct.add(Arrays.toString(row));
                }
                for (int w = 0; w < or.length; w++) {
                    assertThat(or[w]).isEqualTo(w == or.length - 1 ? mask : -1L);
                }
                // three patterns, and about a quarter of the rows with one bit flipped: far fewer distinct rows than rows
                assertThat(distinct.size()).as("bits=%d", bits).isBetween(bits == 1 ? 2 : 4, 3 + 400 / 2);
                // every tie-heavy row is within one bit of one of the patterns: most rows repeat exactly
                int repeats = 0;
                for (long r = 1; r < 400; r++) {
                    boolean same = false;
                    for (long s = 0; s < r && !same; s++) {
                        same = true;
                        for (int w = 0; w < ties.words(); w++) {
                            same &= ties.word(r, w) == ties.word(s, w);
                        }
                    }
                    repeats += same ? 1 : 0;
                }
                assertThat(repeats).as("bits=%d", bits).isGreaterThan(bits == 1 ? 390 : 200);
            }
        }
    }
}
