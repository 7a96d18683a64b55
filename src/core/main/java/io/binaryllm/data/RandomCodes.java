package io.binaryllm.data;

import io.binaryllm.seed.SplitMix64;

/** Uniformly random codes from a seeded stream, padding bits cleared: the benchmark's default data. */
public final class RandomCodes {
    private RandomCodes() {
    }

    public static BinaryCodeBatch generate(SplitMix64 rng, long rows, int bits, String name) {
        BinaryCodeBatch out = BinaryCodeBatch.allocate(rows, bits, name);
        int words = out.words();
        long lastMask = BinaryCodeBatch.lastWordMask(bits);
        for (long r = 0; r < rows; r++) {
            for (int w = 0; w < words; w++) {
                long v = rng.nextLong();
                out.setWord(r, w, w == words - 1 ? v & lastMask : v);
            }
        }
        return out;
    }
}
