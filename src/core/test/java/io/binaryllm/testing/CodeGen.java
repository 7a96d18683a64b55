package io.binaryllm.testing;

import java.util.SplittableRandom;

/** Seeded test data: random or tie-heavy 0/1 code rows. */
public final class CodeGen {
    private CodeGen() {
    }

    public static int[][] random(long seed, int rows, int bits) {
        SplittableRandom r = new SplittableRandom(seed);
        int[][] out = new int[rows][bits];
        for (int[] row : out) {
            for (int j = 0; j < bits; j++) {
                row[j] = r.nextInt(2);
            }
        }
        return out;
    }

    /**
     * Rows copied from a few patterns with rare flips, so distances collide constantly and the index decides
     * most ranks: the case where an unstable selection shows.
     */
    public static int[][] tieHeavy(long seed, int rows, int bits) {
        SplittableRandom r = new SplittableRandom(seed);
        int[][] patterns = random(seed ^ 0x5eed, 3, bits);
        int[][] out = new int[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = patterns[r.nextInt(patterns.length)].clone();
            if (r.nextInt(4) == 0) {
                int j = r.nextInt(bits);
                out[i][j] ^= 1;
            }
        }
        return out;
    }
}
