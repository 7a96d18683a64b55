package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.metric.Dot;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.seed.Seeds;
import io.binaryllm.seed.SplitMix64;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cache policies: what they select, and that a budget as long as the context is full attention exactly. */
class KvPolicyTest {
    private static final LlamaConfig C = DecoderTest.GQA; // 6 query heads on 2 key/value heads, head size 6, 20 positions
    private static final int[] TOKENS = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3};

    private static List<KvPolicy> policies(int budget) {
        List<KvPolicy> out = new ArrayList<>(List.of(KvPolicies.window(budget, 2), KvPolicies.random(budget, 1, 2, 7),
                KvPolicies.exact(KvBudget.positions(budget, 1, 2)),
                KvPolicies.binaryAsym(budget, 1, 2, 24, 3), KvPolicies.pages(budget, 1, 2, 4)));
        for (String backend : available()) {
            out.add(KvPolicies.binary(KvBudget.positions(budget, 1, 2), "sign", null, 0, backend));
            out.add(KvPolicies.binary(KvBudget.positions(budget, 1, 2), "hyperplane", 13, 5, backend));
            out.add(KvPolicies.binary(KvBudget.positions(budget, 1, 2), "hyperplane", 13, true, 5, backend));
        }
        return out;
    }

    private static List<String> available() {
        List<String> names = new ArrayList<>();
        for (SearchBackend b : SearchBackends.loadAll()) {
            try (b) {
                if (b.availability().available()) {
                    names.add(b.name());
                }
            }
        }
        return names;
    }

    @Test
    void aBudgetAsLongAsTheContextIsFullAttentionBitForBit() {
        LlamaModel m = RandomLlama.model(C, 11);
        for (KvPolicy p : policies(C.seqLen())) {
            try (Decoder full = m.decoder(); Decoder d = m.decoder(p)) {
                for (int token : TOKENS) {
                    assertThat(Arrays.equals(d.next(token), full.next(token))).as(p.describe()).isTrue();
                }
            }
        }
    }

    private static List<KvPolicy> sharePolicies(KvBudget b) {
        List<KvPolicy> out = new ArrayList<>(List.of(KvPolicies.window(b), KvPolicies.random(b, 7), KvPolicies.binaryAsym(b, 24, 3),
                KvPolicies.pages(b, 2)));
        for (String backend : available()) {
            out.add(KvPolicies.binary(b, "sign", null, 0, backend));
            out.add(KvPolicies.binary(b, "sign", null, true, 0, backend));
        }
        return out;
    }

    @Test
    void aShareOfAllPositionsIsFullAttentionBitForBit() {
        LlamaModel m = RandomLlama.model(C, 11);
        for (KvPolicy p : sharePolicies(KvBudget.share(1.0, 0.0625, 0.25))) {
            try (Decoder full = m.decoder(); Decoder d = m.decoder(p)) {
                for (int token : TOKENS) {
                    assertThat(Arrays.equals(d.next(token), full.next(token))).as(p.describe()).isTrue();
                }
            }
        }
    }

    /**
     * A share of the keys is that share at every step, its sink and recent positions inside it and scaled with it (a
     * fixed sink of 8 in a 25% budget once let a query at n = 10..39 see the sink and itself only).
     */
    @Test
    void aShareKeepsAtMostItsFractionAtEveryStepWithItsSinkAndRecentPositionsInside() {
        KvBudget quarter = KvBudget.share(0.25, 0.125, 0.25);
        LlamaModel m = RandomLlama.model(C, 5);
        for (KvPolicy p : sharePolicies(quarter)) {
            Recording rec = new Recording(p, C);
            try (Decoder d = m.decoder(rec)) {
                for (int token : TOKENS) {
                    d.next(token);
                }
            }
            assertThat(rec.selections).as(p.describe()).isNotEmpty();
            for (int i = 0; i < rec.selections.size(); i++) {
                int[] chosen = rec.selections.get(i);
                int n = rec.keys.get(i).length;
                assertThat(chosen.length).as(p.describe()).isLessThanOrEqualTo((n + 3) / 4); // ceil(n / 4), all included
                assertThat(chosen).isSorted().doesNotHaveDuplicates();
                assertThat(Arrays.stream(chosen).allMatch(t -> t >= 0 && t < n)).isTrue();
                int keys = (n + 3) / 4;
                for (int t = 0; t < keys / 8; t++) {
                    assertThat(chosen).as("sink at n = %d", n).contains(t);
                }
                for (int t = n - keys / 4; t < n; t++) {
                    assertThat(chosen).as("recent at n = %d", n).contains(t);
                }
            }
        }
        // n = 20: ceil(0.25 x 20) = 5 positions, floor(0.125 x 5) = 0 sink, floor(0.25 x 5) = 1 recent, 4 chosen
        assertThat(quarter.keysAt(20)).isEqualTo(5);
        assertThat(quarter.sinkAt(20)).isZero();
        assertThat(quarter.recentAt(20)).isEqualTo(1);
        // n = 64: 16 positions, 2 of them the sink, 4 recent
        assertThat(List.of(quarter.keysAt(64), quarter.sinkAt(64), quarter.recentAt(64))).containsExactly(16, 2, 4);
        assertThat(quarter.keysAt(3)).isEqualTo(1); // a quarter, rounded up, and no more
        assertThat(quarter.keysAt(1)).isEqualTo(1);
        // the products are exact on the decimals written: 10% of 30 is 3, not ceil(3.0000000000000004) = 4
        assertThat(KvBudget.share(0.1, 0, 0).keysAt(30)).isEqualTo(3);
        assertThat(KvPolicies.window(quarter).open(C).select(0, 0, new float[6], 0, 64)).containsExactly(
                0, 1, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63);
        assertThat(quarter.selectingSteps(512)).isEqualTo(511);
        assertThat(KvBudget.positions(128, 8, 32).selectingSteps(512)).isEqualTo(384);
        assertThat(quarter.label()).isEqualTo("25%");
        assertThat(KvBudget.share(0.125, 0.0625, 0.25).describe()).isEqualTo("budget=12.5%, sink=6.25% of it, recent=25% of it");
        assertThat(KvBudget.positions(128, 8, 32).describe()).isEqualTo("budget=128, sink=8, recent=32");
        assertThatThrownBy(() -> KvBudget.share(1.5, 0, 0.25)).isInstanceOf(BadArgumentException.class).hasMessageContaining("in (0, 1]");
        assertThatThrownBy(() -> KvBudget.share(0.5, 0.5, 0.75)).hasMessageContaining("at most 1 together");
    }

    /** Positions a selector returns for every layer and head as a decoder runs (the decoder's real keys and queries). */
    private static final class Recording implements KvPolicy {
        final KvPolicy inner;
        final List<int[]> selections = new ArrayList<>();
        final List<float[]> queries = new ArrayList<>();
        final List<float[][]> keys = new ArrayList<>(); // per call: the key/value head's keys at 0..n-1
        final float[][][] written;

        Recording(KvPolicy inner, LlamaConfig c) {
            this.inner = inner;
            this.written = new float[c.layers()][c.seqLen()][];
        }

        @Override
        public String describe() {
            return inner.describe();
        }

        @Override
        public int selectionBitsPerPosition(LlamaConfig config) {
            return inner.selectionBitsPerPosition(config);
        }

        @Override
        public Selector open(LlamaConfig c) {
            Selector s = inner.open(c);
            return new Selector() {
                @Override
                public void keyWritten(int layer, int pos, float[] k, int offset) {
                    written[layer][pos] = Arrays.copyOfRange(k, offset, offset + c.kvDim());
                    s.keyWritten(layer, pos, k, offset);
                }

                @Override
                public int[] select(int layer, int head, float[] q, int qOffset, int n) {
                    int[] r = s.select(layer, head, q, qOffset, n);
                    if (r != null) {
                        selections.add(r);
                        queries.add(Arrays.copyOfRange(q, qOffset, qOffset + c.headSize()));
                        float[][] ks = new float[n][];
                        int kvh = head / c.groupSize();
                        for (int t = 0; t < n; t++) {
                            ks[t] = Arrays.copyOfRange(written[layer][t], kvh * c.headSize(), (kvh + 1) * c.headSize());
                        }
                        keys.add(ks);
                    }
                    return r;
                }

                @Override
                public void close() {
                    s.close();
                }
            };
        }
    }

    /** Sign codes by hand: bit j set when x[j] > 0. */
    private static long sign(float[] x) {
        long code = 0;
        for (int j = 0; j < x.length; j++) {
            if (x[j] > 0) {
                code |= 1L << j;
            }
        }
        return code;
    }

    @Test
    void theBinaryCacheSelectsTheNearestSignCodesOnEveryBackendAsASortWould() {
        nearestSignCodes(false);
    }

    /**
     * Centred: each key's sign code is that of k - mu, mu the float mean (summed in double, position order) of the
     * first m keys, m the largest power of two <= n; the query's code is its own signs.
     */
    @Test
    void theCentredCacheSelectsTheNearestCentredSignCodesOnEveryBackend() {
        // and centring changes what is chosen (else this test could not tell the two apart)
        assertThat(nearestSignCodes(true)).usingRecursiveComparison().isNotEqualTo(nearestSignCodes(false));
    }

    private static float[] centredOn(float[][] ks, int t) {
        int m = Integer.highestOneBit(ks.length);
        float[] out = new float[ks[t].length];
        for (int j = 0; j < out.length; j++) {
            double sum = 0;
            for (int i = 0; i < m; i++) {
                sum += ks[i][j];
            }
            out[j] = ks[t][j] - (float) (sum / m);
        }
        return out;
    }

    /**
     * The selection of a budget with sink 1 and recent 2 out of n positions: position 0, the budget - 3 middle
     * positions first by {@code better} (ties to the earlier position), and the last two, ascending.
     */
    private static int[] sinkBestAndRecent(int n, int budget, Comparator<Integer> better) {
        Integer[] middle = new Integer[n - 3];
        for (int t = 0; t < middle.length; t++) {
            middle[t] = 1 + t;
        }
        Arrays.sort(middle, better.thenComparingInt(t -> t));
        int[] expected = new int[budget];
        int[] chosen = Arrays.stream(middle, 0, budget - 3).mapToInt(Integer::intValue).sorted().toArray();
        System.arraycopy(chosen, 0, expected, 1, chosen.length);
        expected[budget - 2] = n - 2;
        expected[budget - 1] = n - 1;
        return expected;
    }

    /** {@code policy}'s selections as m decodes {@link #TOKENS} (at least one: the budget is below the sequence). */
    private static Recording recorded(LlamaModel m, KvPolicy policy) {
        Recording rec = new Recording(policy, C);
        try (Decoder d = m.decoder(rec)) {
            for (int token : TOKENS) {
                d.next(token);
            }
        }
        assertThat(rec.selections).as(policy.describe()).isNotEmpty();
        return rec;
    }

    private static List<int[]> nearestSignCodes(boolean centred) {
        LlamaModel m = RandomLlama.model(C, 12);
        int budget = 8;
        int sink = 1;
        int recent = 2;
        List<int[]> first = null;
        for (String backend : available()) {
            Recording rec = recorded(m, KvPolicies.binary(KvBudget.positions(budget, sink, recent), "sign", null, centred, 0, backend));
            for (int i = 0; i < rec.selections.size(); i++) {
                float[][] ks = rec.keys.get(i);
                int n = ks.length;
                long q = sign(rec.queries.get(i));
                int[] expected = sinkBestAndRecent(n, budget, Comparator.<Integer>comparingInt(
                        t -> Long.bitCount(sign(centred ? centredOn(ks, t) : ks[t]) ^ q)));
                assertThat(rec.selections.get(i)).as("%s call %d", backend, i).containsExactly(expected);
            }
            if (first == null) {
                first = rec.selections;
            } else {
                assertThat(rec.selections).usingRecursiveComparison().isEqualTo(first);
            }
        }
        return first;
    }

    /**
     * A re-ranked binary cache: the Hamming shortlist of rerank x the picks ((distance, position) order), then the picks
     * of highest exact q.k among it (ties to the earlier position), the same on every backend.
     */
    @Test
    void aRerankedBinaryCacheTakesTheExactTopOfItsHammingShortlist() {
        LlamaModel m = RandomLlama.model(C, 15);
        int budget = 7;
        int picks = budget - 3; // sink 1, recent 2
        for (int rerank : new int[]{2, 3}) {
            List<int[]> first = null;
            for (String backend : available()) {
                Recording rec = recorded(m, KvPolicies.binary(KvBudget.positions(budget, 1, 2), "sign", null, false, rerank, 0, backend));
                int differsFromHamming = 0;
                for (int i = 0; i < rec.selections.size(); i++) {
                    float[][] ks = rec.keys.get(i);
                    float[] q = rec.queries.get(i);
                    int n = ks.length;
                    long qc = sign(q);
                    List<Integer> candidates = new ArrayList<>();
                    for (int t = 1; t < n - 2; t++) {
                        candidates.add(t);
                    }
                    candidates.sort(Comparator.<Integer>comparingInt(t -> Long.bitCount(sign(ks[t]) ^ qc)).thenComparingInt(t -> t));
                    List<Integer> shortlist = new ArrayList<>(candidates.subList(0, Math.min(candidates.size(), rerank * picks)));
                    shortlist.sort(Comparator.<Integer>comparingDouble(t -> -Dot.dot(q, 0, ks[t], 0, q.length)).thenComparingInt(t -> t));
                    int[] chosen = shortlist.subList(0, picks).stream().mapToInt(Integer::intValue).sorted().toArray();
                    int[] expected = new int[budget];
                    System.arraycopy(chosen, 0, expected, 1, picks);
                    expected[budget - 2] = n - 2;
                    expected[budget - 1] = n - 1;
                    assertThat(rec.selections.get(i)).as("%s x%d call %d", backend, rerank, i).containsExactly(expected);
                    int[] hamming = candidates.subList(0, picks).stream().mapToInt(Integer::intValue).sorted().toArray();
                    differsFromHamming += Arrays.equals(hamming, chosen) ? 0 : 1;
                }
                assertThat(differsFromHamming).as("the re-rank changes selections").isPositive();
                if (first == null) {
                    first = rec.selections;
                } else {
                    assertThat(rec.selections).usingRecursiveComparison().isEqualTo(first);
                }
            }
        }
        assertThatThrownBy(() -> KvPolicies.binary(KvBudget.positions(8, 1, 1), "sign", null, false, 0, 0, "reference"))
                .isInstanceOf(BadArgumentException.class).hasMessageContaining("re-ranked shortlist")
                .extracting(e -> ((BadArgumentException) e).argument()).isEqualTo("rerank");
    }

    @Test
    void theOracleSelectsTheHighestExactScores() {
        LlamaModel m = RandomLlama.model(C, 13);
        int budget = 7;
        Recording rec = recorded(m, KvPolicies.exact(KvBudget.positions(budget, 1, 2)));
        for (int i = 0; i < rec.selections.size(); i++) {
            float[][] ks = rec.keys.get(i);
            float[] q = rec.queries.get(i);
            int[] expected = sinkBestAndRecent(ks.length, budget,
                    Comparator.<Integer>comparingDouble(t -> -Dot.dot(q, 0, ks[t], 0, q.length)));
            assertThat(rec.selections.get(i)).as("call %d", i).containsExactly(expected);
        }
    }

    @Test
    void windowAndRandomKeepTheirShape() {
        KvPolicy.Selector w = KvPolicies.window(5, 2).open(C);
        assertThat(w.select(0, 0, new float[6], 0, 5)).isNull();
        assertThat(w.select(0, 0, new float[6], 0, 12)).containsExactly(0, 1, 9, 10, 11);
        KvPolicy.Selector r = KvPolicies.random(6, 1, 2, 3).open(C);
        int[] a = r.select(1, 4, new float[6], 0, 15);
        assertThat(a).hasSize(6).startsWith(0).endsWith(13, 14).isSorted().doesNotHaveDuplicates();
        assertThat(KvPolicies.random(6, 1, 2, 3).open(C).select(1, 4, new float[6], 0, 15)).containsExactly(a);
        assertThat(KvPolicies.random(6, 1, 2, 4).open(C).select(1, 4, new float[6], 0, 15)).isNotEqualTo(a);
        assertThatThrownBy(() -> KvPolicies.window(3, 4)).isInstanceOf(BadArgumentException.class).hasMessageContaining("fit the budget");
        assertThatThrownBy(() -> KvPolicies.binary(KvBudget.positions(8, 1, 1), "osq", null, 0, "reference")).hasMessageContaining("sign or hyperplane");
        assertThat(KvPolicies.binary(KvBudget.positions(8, 1, 1), "hyperplane", 32, 0, "reference").selectionBitsPerPosition(C)).isEqualTo(2 * 32);
    }

    /** A test policy: every position, named explicitly (so that the decoder measures it), or the exact top-b by q.k. */
    private static KvPolicy explicit(Integer topB) {
        return new KvPolicy() {
            @Override
            public String describe() {
                return topB == null ? "all, explicitly" : "exact top-" + topB;
            }

            @Override
            public int selectionBitsPerPosition(LlamaConfig config) {
                return 0;
            }

            @Override
            public Selector open(LlamaConfig c) {
                float[][][] keys = new float[c.layers()][c.seqLen()][];
                return new Selector() {
                    @Override
                    public void keyWritten(int layer, int pos, float[] k, int offset) {
                        keys[layer][pos] = Arrays.copyOfRange(k, offset, offset + c.kvDim());
                    }

                    @Override
                    public int[] select(int layer, int head, float[] q, int qOffset, int n) {
                        if (topB == null) {
                            return IntStream.range(0, n).toArray();
                        }
                        if (n <= topB) {
                            return null;
                        }
                        int kvh = head / c.groupSize();
                        double[] score = new double[n];
                        for (int t = 0; t < n; t++) {
                            score[t] = Dot.dot(q, qOffset, keys[layer][t], kvh * c.headSize(), c.headSize());
                        }
                        return IntStream.range(0, n).boxed()
                                .sorted((a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b))
                                .limit(topB).mapToInt(Integer::intValue).sorted().toArray();
                    }
                };
            }
        };
    }

    @Test
    void selectionStatsMeasureAgainstExactAttention() {
        LlamaModel m = RandomLlama.model(C, 13);
        try (Decoder all = m.measuringDecoder(explicit(null)); Decoder full = m.measuringDecoder(KvPolicies.full())) {
            for (int token : TOKENS) {
                assertThat(Arrays.equals(all.next(token), full.next(token))).isTrue();
            }
            assertThat(full.stats().steps(0, 0)).isZero(); // attending to everything is not a selection
            assertThat(full.stats().meanMass()).isNaN();
            assertThat(all.stats().steps(2, 5)).isEqualTo(TOKENS.length);
            assertThat(all.stats().meanMass()).isCloseTo(1.0, Offset.offset(1e-9));
            assertThat(all.stats().meanRecall()).isEqualTo(1.0);
            assertThat(all.stats().meanOutputError()).isLessThan(1e-5); // float against double
        }
        try (Decoder top = m.measuringDecoder(explicit(4)); Decoder window = m.measuringDecoder(KvPolicies.window(4, 1))) {
            for (int token : TOKENS) {
                top.next(token);
                window.next(token);
            }
            assertThat(top.stats().steps(1, 3)).isEqualTo(TOKENS.length - 4);
            assertThat(top.stats().meanRecall()).isEqualTo(1.0);
            assertThat(window.stats().meanRecall()).isLessThan(1.0);
            assertThat(top.stats().meanMass()).isBetween(0.0, 1.0).isGreaterThan(window.stats().meanMass());
            assertThat(window.stats().meanOutputError()).isGreaterThan(top.stats().meanOutputError());
        }
    }

    /** Quest's bound by hand: head size 2, query (1, 0), so a page's bound is the largest first key component in it. */
    @Test
    void pagesTakeWholePagesOfHighestBoundThatFit() {
        LlamaConfig c = new LlamaConfig(2, 4, 1, 1, 1, 5, 16, true);
        float[] first = {3, 0.1f, 0.2f, 5, 0, 1, 1, 9, 2};
        KvPolicy.Selector four = KvPolicies.pages(4, 1, 1, 2).open(c);
        KvPolicy.Selector five = KvPolicies.pages(5, 1, 1, 2).open(c);
        for (int t = 0; t < first.length; t++) {
            four.keyWritten(0, t, new float[]{first[t], -1}, 0);
            five.keyWritten(0, t, new float[]{first[t], -1}, 0);
        }
        float[] q = {1, 0};
        // Pages from position 0: {0,1} {2,3} {4,5} {6,7} {8}; sink {0}, recent {8}, so the candidates 1..7 are {1} (the
        // page the sink cuts, bounded over its candidate: 0.1), {2,3} (5), {4,5} (1), {6,7} (9).
        assertThat(four.select(0, 0, q, 0, 9)).containsExactly(0, 6, 7, 8);
        assertThat(five.select(0, 0, q, 0, 9)).containsExactly(0, 1, 6, 7, 8); // {2,3} does not fit beside {6,7}; {1} does
        // Keys written past the visible positions (a causal mask over a whole window) change nothing.
        KvPolicy.Selector seven = KvPolicies.pages(4, 1, 1, 2).open(c);
        for (int t = 0; t < 7; t++) {
            seven.keyWritten(0, t, new float[]{first[t], -1}, 0);
        }
        for (int n = 5; n <= 7; n++) {
            assertThat(four.select(0, 0, q, 0, n)).as("n=%d", n).containsExactly(seven.select(0, 0, q, 0, n));
        }
        assertThat(KvPolicies.pages(4, 1, 1, 2).selectionBitsPerPosition(c)).isEqualTo(2 * 2 * 32 / 2);
    }

    /** QJL's estimate by hand-written order: the top of |k| * (Sq . sign(Sk)) over the recorded keys and queries. */
    @Test
    void theAsymmetricCacheSelectsTheTopEstimatedScores() {
        LlamaModel m = RandomLlama.model(C, 14);
        int bits = 24;
        Recording rec = new Recording(KvPolicies.binaryAsym(8, 1, 2, bits, 9), C);
        try (Decoder d = m.decoder(rec)) {
            for (int token : TOKENS) {
                d.next(token);
            }
        }
        int hs = C.headSize();
        float[] projection = new float[bits * hs];
        SplitMix64 r = new Seeds(9).stream("kv-cache/qjl");
        for (int i = 0; i < projection.length; i++) {
            projection[i] = (float) r.nextGaussian();
        }
        assertThat(rec.selections).isNotEmpty();
        for (int i = 0; i < rec.selections.size(); i++) {
            float[][] ks = rec.keys.get(i);
            int n = ks.length;
            float[] pq = project(projection, rec.queries.get(i), bits, hs);
            double[] score = new double[n];
            for (int t = 1; t < n - 2; t++) {
                float[] pk = project(projection, ks[t], bits, hs);
                float[] sign = new float[bits];
                for (int b = 0; b < bits; b++) {
                    sign[b] = pk[b] > 0 ? 1f : -1f;
                }
                float norm = (float) Math.sqrt(Dot.dot(ks[t], 0, ks[t], 0, hs));
                score[t] = norm * Dot.dot(pq, 0, sign, 0, bits);
            }
            List<Integer> middle = new ArrayList<>();
            for (int t = 1; t < n - 2; t++) {
                middle.add(t);
            }
            middle.sort((a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b));
            int[] chosen = middle.subList(0, 5).stream().mapToInt(Integer::intValue).sorted().toArray();
            int[] expected = new int[8];
            System.arraycopy(chosen, 0, expected, 1, 5);
            expected[6] = n - 2;
            expected[7] = n - 1;
            assertThat(rec.selections.get(i)).as("call %d", i).containsExactly(expected);
        }
    }

    private static float[] project(float[] p, float[] x, int bits, int hs) {
        float[] out = new float[bits];
        Dot.matVec(p, 0, bits, hs, x, 0, out, 0);
        return out;
    }
}
