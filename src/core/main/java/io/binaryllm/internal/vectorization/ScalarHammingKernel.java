package io.binaryllm.internal.vectorization;

/** The blocked loops in plain Java ({@link Long#bitCount} is an intrinsic): the fallback without the vector module. */
final class ScalarHammingKernel implements HammingKernel {
    static final int LANES = 8;

    @Override
    public String describe() {
        return "scalar Java (Long.bitCount)";
    }

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public int queryGroup(int words) {
        return 1;
    }

    @Override
    public void topK(BlockedTile tile, long[] queries, int q0, int q1, FlatTopK heaps) {
        long[] data = tile.data();
        int words = tile.words();
        int codes = tile.codes();
        for (int q = q0; q < q1; q++) {
            int qBase = q * words;
            for (int c = 0; c < codes; c++) {
                int base = (c / LANES) * words * LANES + c % LANES;
                int d = 0;
                for (int w = 0; w < words; w++) {
                    d += Long.bitCount(data[base + w * LANES] ^ queries[qBase + w]);
                }
                if (d < heaps.worst(q)) {
                    heaps.offer(q, d, tile.first() + c);
                }
            }
        }
    }

    @Override
    public void distances(BlockedTile tile, long[] queries, int q, int[] out) {
        long[] data = tile.data();
        int words = tile.words();
        int qBase = q * words;
        for (int c = 0; c < tile.codes(); c++) {
            int base = (c / LANES) * words * LANES + c % LANES;
            int d = 0;
            for (int w = 0; w < words; w++) {
                d += Long.bitCount(data[base + w * LANES] ^ queries[qBase + w]);
            }
            out[c] = d;
        }
    }
}
