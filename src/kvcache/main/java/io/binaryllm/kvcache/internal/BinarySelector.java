package io.binaryllm.kvcache.internal;

import io.binaryllm.kvcache.KvBudget;
import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.Seeds;

import java.lang.foreign.MemorySegment;

/**
 * The binary cache's selection: a code per cached key and key/value head, written once with the key; a query head's
 * code against its key/value head's codes by exact Hamming top-k on a search backend, (distance, position) order.
 */
public final class BinarySelector extends BudgetSelector {
    private final LlamaConfig c;
    private final Binarizer binarizer;
    private final int bits;
    private final int words;
    private final long[][][] codes; // [layer][kvHead][position * words + w]
    private final SearchBackend backend;

    public BinarySelector(LlamaConfig config, KvBudget budget, String binarizer, Integer bits, Seeds seeds, String backend) {
        super(budget);
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
        int hs = c.headSize();
        for (int h = 0; h < c.kvHeads(); h++) {
            code(keys, offset + h * hs, codes[layer][h], pos * words);
        }
    }

    /**
     * The code of the head-sized vector at {@code v[offset]} into {@code out[at, at + words)}. Sign codes are written
     * here directly (bit j of the code, bit j % 64 of word j / 64, set when v[j] > 0: the sign binarizer's layout);
     * hyperplane codes go through the binarizer, whose projection is the point.
     */
    private void code(float[] v, int offset, long[] out, int at) {
        if (binarizer.name().equals("sign")) {
            java.util.Arrays.fill(out, at, at + words, 0L);
            for (int j = 0; j < c.headSize(); j++) {
                if (v[offset + j] > 0) {
                    out[at + (j >>> 6)] |= 1L << (j & 63);
                }
            }
            return;
        }
        float[] row = java.util.Arrays.copyOfRange(v, offset, offset + c.headSize());
        try (FloatEmbeddingBatch one = FloatEmbeddingBatch.of(new float[][]{row}); Binarized b = binarizer.binarize(one)) {
            for (int w = 0; w < words; w++) {
                out[at + w] = b.codes().word(0, w);
            }
        }
    }

    /** The query's code against [0, to): the top-(picked + sink) less the sink is the top of [from = sink, to). */
    @Override
    protected void choose(int layer, int head, float[] q, int qOffset, int from, int to, int[] picked) {
        long[] query = new long[words];
        code(q, qOffset, query, 0);
        int k = Math.min(to, picked.length + from);
        SearchResult r;
        MemorySegment cached = MemorySegment.ofArray(codes[layer][head / c.groupSize()]).asSlice(0, (long) to * words * Long.BYTES);
        try (BinaryCodeBatch db = BinaryCodeBatch.wrap(cached, to, bits, "the binary cache", null);
             BinaryCodeBatch qb = BinaryCodeBatch.ofWords(query, 1, bits)) {
            r = backend.search(db, qb, k);
        }
        int taken = 0;
        for (long p : r.indicesOf(0)) {
            if (p >= from && taken < picked.length) {
                picked[taken++] = (int) p;
            }
        }
    }

    @Override
    public void close() {
        backend.close();
    }
}
