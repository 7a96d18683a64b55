package io.binaryllm.metric;

import io.binaryllm.data.BinaryCodeBatch;

/** Hamming distance = popcount(a XOR b), summed over the words of two codes of equal width. */
public final class Hamming {
    private Hamming() {
    }

    public static int distance(long[] a, long[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("codes of " + a.length + " and " + b.length + " words");
        }
        int d = 0;
        for (int w = 0; w < a.length; w++) {
            d += Long.bitCount(a[w] ^ b[w]);
        }
        return d;
    }

    public static int distance(BinaryCodeBatch a, long i, BinaryCodeBatch b, long j) {
        if (a.words() != b.words()) {
            throw new IllegalArgumentException("codes of " + a.words() + " and " + b.words() + " words");
        }
        int d = 0;
        for (int w = 0; w < a.words(); w++) {
            d += Long.bitCount(a.word(i, w) ^ b.word(j, w));
        }
        return d;
    }
}
