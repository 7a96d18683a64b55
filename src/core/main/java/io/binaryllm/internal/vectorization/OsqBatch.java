package io.binaryllm.internal.vectorization;

/**
 * What an {@link OsqKernel} needs beside the tile.
 *
 * @param planeWords       words of one plane
 * @param docBits          document planes a row
 * @param queryBits        query planes a row
 * @param queries          the queries' planes, row-major: {@code [queries][queryBits * planeWords]}
 * @param queryCorrections {@code [queries][4]}: (ay, ly, q1, q0)
 * @param docCorrections   {@code [documents][4]}: (ax, lx, x1, dadd), indexed by database row; a kernel lays out a
 *                         tile's share itself if it wants them by block
 */
public record OsqBatch(int planeWords, int docBits, int queryBits, long[] queries, float[] queryCorrections,
                       float[] docCorrections) {
}
