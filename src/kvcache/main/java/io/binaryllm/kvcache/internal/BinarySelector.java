package io.binaryllm.kvcache.internal;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.kvcache.KvPolicy;
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
public final class BinarySelector implements KvPolicy.Selector {
    private final LlamaConfig c;
    private final int budget;
    private final int sink;
    private final int recent;
    private final Binarizer binarizer;
    private final int bits;
    private final int words;
    private final long[][][] codes; // [layer][kvHead][position * words + w]
    private final SearchBackend backend;

    public BinarySelector(LlamaConfig config, int budget, int sink, int recent, String binarizer, Integer bits, Seeds seeds,
                          String backend) {
        this.c = config;
        this.budget = budget;
        this.sink = sink;
        this.recent = recent;
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

    @Override
    public int[] select(int layer, int head, float[] q, int qOffset, int n) {
        if (n <= budget) {
            return null;
        }
        int middle = budget - sink - recent;
        int[] picked = new int[Math.max(0, middle)];
        if (middle > 0) {
            long[] query = new long[words];
            code(q, qOffset, query, 0);
            int searched = n - recent; // positions [0, n - recent): the top-(middle + sink) less the sink is the top-middle of the rest
            int k = Math.min(searched, middle + sink);
            SearchResult r;
            MemorySegment cached = MemorySegment.ofArray(codes[layer][head / c.groupSize()]).asSlice(0, (long) searched * words * Long.BYTES);
            try (BinaryCodeBatch db = BinaryCodeBatch.wrap(cached, searched, bits, "the binary cache", null);
                 BinaryCodeBatch qb = BinaryCodeBatch.ofWords(query, 1, bits)) {
                r = backend.search(db, qb, k);
            }
            int taken = 0;
            for (long p : r.indicesOf(0)) {
                if (p >= sink && taken < middle) {
                    picked[taken++] = (int) p;
                }
            }
        }
        return ScoredSelector.assemble(sink, picked, recent, n);
    }

    @Override
    public void close() {
        backend.close();
    }
}
