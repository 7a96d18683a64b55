package io.binaryllm.metric;

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
}
