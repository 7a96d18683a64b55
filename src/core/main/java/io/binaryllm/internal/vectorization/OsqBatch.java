package io.binaryllm.internal.vectorization;

/**
 * What an {@link OsqKernel} needs beside the tile.
 *
 * @param planeWords       words of one plane
 * @param docBits          document planes a row
 * @param queryBits        query planes a row
 * @param queries          the queries' planes, row-major: {@code [queries][queryBits * planeWords]}
 * @param queryCorrections {@code [queries][4]}: (ay, ly, q1, q0)
 * @param docCorrections   the documents' (ax, lx, x1, dadd) laid out like the tiles, in blocks of the kernel's
 *                         lanes: {@code [block][4][lanes]}, so one vector load gives a correction of a whole block
 *                         (zeros past the last row); {@link #blocked} makes it
 */
public record OsqBatch(int planeWords, int docBits, int queryBits, long[] queries, float[] queryCorrections,
                       float[] docCorrections) {
    /** Row-major {@code [rows][4]} corrections re-laid as {@code [block][4][lanes]}. */
    public static float[] blocked(float[] rowMajor, long rows, int lanes) {
        long blocks = (rows + lanes - 1) / lanes;
        float[] out = new float[Math.toIntExact(blocks * 4 * lanes)];
        for (int r = 0; r < rows; r++) {
            int base = r / lanes * 4 * lanes + r % lanes;
            for (int c = 0; c < 4; c++) {
                out[base + c * lanes] = rowMajor[r * 4 + c];
            }
        }
        return out;
    }
}
