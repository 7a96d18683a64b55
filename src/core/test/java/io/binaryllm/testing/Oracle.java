package io.binaryllm.testing;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.SearchResult;

import java.util.Arrays;
import java.util.Comparator;

/**
 * An independent statement of the search contract, sharing no code with the backends: unpack every bit, count
 * differing bits one by one, sort all n candidates by (distance, index) and keep the first k.
 */
public final class Oracle {
    private Oracle() {
    }

    /** Codes given as 0/1 per dimension: {@code db[i][j]} is bit j of row i. */
    public static SearchResult topK(int[][] db, int[][] queries, int k) {
        long[] indices = new long[queries.length * k];
        int[] distances = new int[queries.length * k];
        for (int q = 0; q < queries.length; q++) {
            Integer[] order = new Integer[db.length];
            int[] dist = new int[db.length];
            for (int i = 0; i < db.length; i++) {
                order[i] = i;
                for (int j = 0; j < db[i].length; j++) {
                    dist[i] += db[i][j] != queries[q][j] ? 1 : 0;
                }
            }
            Arrays.sort(order, Comparator.<Integer>comparingInt(i -> dist[i]).thenComparingInt(i -> i));
            for (int r = 0; r < k; r++) {
                indices[q * k + r] = order[r];
                distances[q * k + r] = dist[order[r]];
            }
        }
        return new SearchResult(queries.length, k, indices, distances);
    }

    /** The 0/1 rows as a code batch, packed by {@link #packRows}. */
    public static BinaryCodeBatch codes(int[][] rows, int bits) {
        return BinaryCodeBatch.ofWords(packRows(rows, bits), rows.length, bits);
    }

    /** Packs 0/1 rows the way the bit-layout contract says, written out bit by bit (independent of BitPacking). */
    public static long[] packRows(int[][] rows, int bits) {
        int words = (bits + 63) / 64;
        long[] out = new long[rows.length * words];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < bits; j++) {
                if (rows[i][j] == 1) {
                    out[i * words + j / 64] |= 1L << (j % 64);
                }
            }
        }
        return out;
    }

    /** numpy.packbits(x > 0, bitorder='little') of one row, padded with zero bytes to {@code bytes}. */
    public static byte[] packbitsLittle(float[] row, int bytes) {
        byte[] out = new byte[bytes];
        for (int j = 0; j < row.length; j++) {
            if (row[j] > 0) {
                out[j / 8] |= (byte) (1 << (j % 8));
            }
        }
        return out;
    }
}
