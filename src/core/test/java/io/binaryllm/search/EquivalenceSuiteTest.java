package io.binaryllm.search;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Codes;
import io.binaryllm.internal.search.ReferenceBackend;
import io.binaryllm.lowbit.BinaryMatrix;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.lowbit.PackedTernary;
import io.binaryllm.lowbit.TernaryMatrix;
import io.binaryllm.seed.SplitMix64;
import io.binaryllm.testing.FakeBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
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

    /**
     * A backend whose ternary kernel is off by one on the last row of every product of 5 tokens: the low-bit cases must
     * catch it there and only there.
     */
    static final class WrongLowBit extends FakeBackend {
        WrongLowBit() {
            super("wrong-low-bit", true, -1);
        }

        @Override
        public <C extends Codes> SearchResult search(C database, C queries, int k) {
            return new ReferenceBackend().search(database, queries, k);
        }

        @Override
        public Optional<LowBitKernels> lowBitKernels() {
            LowBitKernels scalar = LowBitKernels.scalar();
            return Optional.of(new LowBitKernels() {
                @Override
                public String describe() {
                    return "off by one";
                }

                @Override
                public void ternarySums(TernaryMatrix w, int from, int to, byte[] q, int batch, int[] out) {
                    scalar.ternarySums(w, from, to, q, batch, out);
                    if (batch == 5 && to == w.rows()) {
                        out[out.length - 1]++;
                    }
                }

                @Override
                public void tq2Sums(PackedTernary w, int from, int to, byte[] q, int batch, int[] out) {
                    scalar.tq2Sums(w, from, to, q, batch, out);
                }

                @Override
                public void binarySums(BinaryMatrix w, int from, int to, byte[] q, int batch, int[] out) {
                    scalar.binarySums(w, from, to, q, batch, out);
                }

                @Override
                public void signSums(BinaryMatrix w, int from, int to, long[] x, int batch, int[] out) {
                    scalar.signSums(w, from, to, x, batch, out);
                }
            });
        }
    }

    /** Hamming: rows x bits x kinds x ks; osq: dims x rows x widths x ks; each one-shot and through the index. */
    private static final int CHECKS = 8 * 10 * 2 * 3 * 2 + 6 * 3 * 6 * 3 * 2;
    /** Low-bit: 12 row lengths x 2 batches x (ternary, binary, XNOR), and for 256 columns TQ2_0 and groups of 128 too. */
    private static final int LOW_BIT_CHECKS = 12 * 2 * 3 + 2 * 3;

    @Test
    void theSuiteCatchesAWrongLowBitKernel() {
        List<EquivalenceSuite.Check> checks = EquivalenceSuite.run(new WrongLowBit(), c -> { });
        assertThat(checks).hasSize(CHECKS + LOW_BIT_CHECKS);
        assertThat(checks.stream().filter(c -> !c.ok()).map(EquivalenceSuite.Check::what))
                .isNotEmpty().allMatch(w -> w.startsWith("low-bit") && w.contains("batch=5 ternary"));
    }

    @Test
    void theSuiteCatchesAWrongTieOrder() {
        List<EquivalenceSuite.Check> checks = EquivalenceSuite.run(new WrongTies(), c -> { });
        assertThat(checks).as("a backend without low-bit kernels is checked on search only").hasSize(CHECKS);
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
        assertThat(checks).allMatch(EquivalenceSuite.Check::ok).hasSize(CHECKS + LOW_BIT_CHECKS);
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
