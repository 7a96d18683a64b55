package io.binaryllm.kvcache.internal;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.kvcache.KvBudget;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.metric.Dot;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.Seeds;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The binary cache's selection: a code per cached key and key/value head, written once with the key; a query head's
 * code against its key/value head's codes by exact Hamming top-k on a search backend, (distance, position) order.
 * <p>
 * Centred codes code k - mu instead of k (the query stays as it is: q.(k - mu) ranks keys as q.k does, but the keys'
 * common component, which makes them all point one way, no longer decides their signs). mu is the mean of a key/value
 * head's first m keys, m the largest power of two not above the positions cached when the selection runs (sums in
 * double, in position order); when m doubles, the centre is recomputed and the cached keys recoded from the decoder's
 * key cache, so every code is always against one centre of at least half the keys, at about twice the coding work.
 * <p>
 * A re-rank ({@code rerank > 1}) takes the Hamming top of {@code rerank} times the picks as a shortlist, then the picks
 * of highest exact q.k among it (core's fixed-order {@link Dot} on the decoder's float keys; ties to the earlier
 * position): the codes choose where to look, the keys decide, at rerank x picks dot products a head and step instead
 * of one a cached position.
 */
public final class BinarySelector extends BudgetSelector {
    private final LlamaConfig c;
    private final Binarizer binarizer;
    private final int bits;
    private final int words;
    private final long[][][] codes; // [layer][kvHead][position * words + w]
    private final SearchBackend backend;
    private final boolean centred;
    private final float[][][] centres;  // [layer][kvHead][j]; centred codes only
    private final int[][] centredOver;  // [layer][kvHead]: the m the centre is the mean of (0: none yet)
    private final float[][] cache;      // [layer]: the decoder's key cache, for recoding and re-ranking
    private final int rerank;           // shortlist of rerank x picks by Hamming distance; 1: none

    public BinarySelector(LlamaConfig config, KvBudget budget, String binarizer, Integer bits, boolean centred, int rerank,
                          Seeds seeds, String backend) {
        super(budget);
        this.rerank = rerank;
        this.centred = centred;
        this.centres = centred ? new float[config.layers()][config.kvHeads()][config.headSize()] : null;
        this.centredOver = new int[config.layers()][config.kvHeads()];
        this.cache = new float[config.layers()][];
        this.c = config;
        // One binarizer for every layer and head: the same projection codes keys and queries alike.
        this.binarizer = Binarizers.create(binarizer, binarizer.equals("hyperplane") ? bits : null, seeds);
        this.bits = this.binarizer.bits(config.headSize());
        this.words = BinaryCodeBatch.wordsFor(this.bits);
        this.codes = new long[config.layers()][config.kvHeads()][config.seqLen() * words];
        this.backend = SearchBackends.open(backend);
    }

    @Override
    public void keyWritten(int layer, int pos, float[] keys, int offset) {
        cache[layer] = keys;
        int hs = c.headSize();
        for (int h = 0; h < c.kvHeads(); h++) {
            codeKey(layer, h, keys, offset + h * hs, pos);
        }
    }

    /** Key/value head h's key at {@code keys[offset...]}, position pos, coded (against the current centre if centred). */
    private void codeKey(int layer, int h, float[] keys, int offset, int pos) {
        if (!centred) {
            code(keys, offset, codes[layer][h], pos * words);
            return;
        }
        float[] mu = centres[layer][h];
        float[] d = new float[c.headSize()];
        for (int j = 0; j < d.length; j++) {
            d[j] = keys[offset + j] - mu[j];
        }
        code(d, 0, codes[layer][h], pos * words);
    }

    /** Recentres key/value head h of the layer on its first m keys, m the largest power of two <= n, if m grew. */
    private void recentre(int layer, int h, int n) {
        int m = Integer.highestOneBit(n);
        if (m <= centredOver[layer][h]) {
            return;
        }
        int hs = c.headSize();
        int kv = c.kvDim();
        float[] k = cache[layer];
        double[] sum = new double[hs];
        for (int t = 0; t < m; t++) {
            for (int j = 0; j < hs; j++) {
                sum[j] += k[t * kv + h * hs + j];
            }
        }
        for (int j = 0; j < hs; j++) {
            centres[layer][h][j] = (float) (sum[j] / m);
        }
        centredOver[layer][h] = m;
        for (int t = 0; t < n; t++) {
            codeKey(layer, h, k, t * kv + h * hs, t);
        }
    }

    /**
     * The code of the head-sized vector at {@code v[offset]} into {@code out[at, at + words)}. Sign codes are written
     * here directly (bit j of the code, bit j % 64 of word j / 64, set when v[j] > 0: the sign binarizer's layout);
     * hyperplane codes go through the binarizer, whose projection is the point.
     */
    private void code(float[] v, int offset, long[] out, int at) {
        if (binarizer.name().equals("sign")) {
            Arrays.fill(out, at, at + words, 0L);
            for (int j = 0; j < c.headSize(); j++) {
                if (v[offset + j] > 0) {
                    out[at + (j >>> 6)] |= 1L << (j & 63);
                }
            }
            return;
        }
        float[] row = Arrays.copyOfRange(v, offset, offset + c.headSize());
        try (FloatEmbeddingBatch one = FloatEmbeddingBatch.of(new float[][]{row}); Binarized b = binarizer.binarize(one)) {
            for (int w = 0; w < words; w++) {
                out[at + w] = b.codes().word(0, w);
            }
        }
    }

    /** Centred codes are brought to the centre of this step's epoch before the selection reads them. */
    @Override
    public int[] select(int layer, int head, float[] q, int qOffset, int n) {
        if (centred && n > budget.keysAt(n)) {
            recentre(layer, head / c.groupSize(), n);
        }
        return super.select(layer, head, q, qOffset, n);
    }

    /** The query's code against [0, to): the top-(picked + sink) less the sink is the top of [from = sink, to). */
    @Override
    protected void choose(int layer, int head, float[] q, int qOffset, int from, int to, int[] picked) {
        long[] query = new long[words];
        code(q, qOffset, query, 0);
        int shortlist = (int) Math.min(to - from, (long) rerank * picked.length);
        int k = Math.min(to, shortlist + from);
        SearchResult r;
        MemorySegment cached = MemorySegment.ofArray(codes[layer][head / c.groupSize()]).asSlice(0, (long) to * words * Long.BYTES);
        try (BinaryCodeBatch db = BinaryCodeBatch.wrap(cached, to, bits, "the binary cache", null);
             BinaryCodeBatch qb = BinaryCodeBatch.ofWords(query, 1, bits)) {
            r = backend.search(db, qb, k);
        }
        int[] near = new int[shortlist];
        int taken = 0;
        for (long p : r.indicesOf(0)) {
            if (p >= from && taken < shortlist) {
                near[taken++] = (int) p;
            }
        }
        if (rerank == 1) {
            System.arraycopy(near, 0, picked, 0, picked.length);
            return;
        }
        // The shortlist in position order, scored by exact q.k; its top by (score desc, position asc), by a primitive
        // selection (no boxed comparator: this runs for every head and token).
        Arrays.sort(near);
        int kv = c.kvDim();
        int at = (head / c.groupSize()) * c.headSize();
        double[] score = new double[shortlist];
        for (int i = 0; i < shortlist; i++) {
            score[i] = Dot.dot(q, qOffset, cache[layer], near[i] * kv + at, c.headSize());
        }
        int[] best = new int[picked.length];
        ScoredSelector.top(score, 0, shortlist, best);
        for (int i = 0; i < best.length; i++) {
            picked[i] = near[best[i]];
        }
    }

    @Override
    public void close() {
        backend.close();
    }
}
