package io.binaryllm.quantize;

/**
 * The asymmetric osq score, the specification every backend reproduces bit for bit (docs/contracts.md, "osq").
 *
 * <p>The integer part is the dot product of the quantized document and query, computed from bit planes:
 * {@code qc = sum over document plane i and query plane j of popcount(doc_i & query_j) << (i + j)}. It is exact, so
 * its order does not matter. The float part folds in the corrections, each step a float32 operation rounded to
 * nearest, in exactly this order and never fused into a multiply-add:
 * <pre>
 *   u = ay * x1;  v = ly * (float) qc;  t = u + v;  s = lx * t;  w = ax * q1;  s = s + w;  s = s + q0;  s = s + dadd
 * </pre>
 * with the document's corrections {@code (ax, lx, x1, dadd)} and the query's {@code (ay, ly, q1, q0)}
 * ({@link OsqCodes#corrections()}). Algebraically this is Lucene's OSQ estimate of the dot product of the two
 * unit-length vectors: {@code ax*ay*dims + ay*lx*x1 + ax*ly*y1 + lx*ly*qc + q.c + d.c - c.c}, regrouped so that
 * a pair costs four multiplications and four additions.
 *
 * <p>Ranking: higher scores first, ties by ascending index. Backends select on {@link io.binaryllm.data.Ranking#keyOf(float)}, an int
 * whose ascending order is exactly that descending score order (-0.0 ranks just below +0.0), so the selection code of
 * the Hamming search serves unchanged.
 */
public final class OsqScores {
    /** Floats of corrections a row holds. */
    public static final int CORRECTIONS = 4;

    private OsqScores() {
    }

    /** The exact integer dot product of a document's {@code docBits} planes and a query's {@code queryBits} planes. */
    public static long dot(long[] doc, int docOffset, int docBits, long[] query, int queryOffset, int queryBits, int planeWords) {
        long qc = 0;
        for (int i = 0; i < docBits; i++) {
            for (int j = 0; j < queryBits; j++) {
                long count = 0;
                for (int w = 0; w < planeWords; w++) {
                    count += Long.bitCount(doc[docOffset + i * planeWords + w] & query[queryOffset + j * planeWords + w]);
                }
                qc += count << (i + j);
            }
        }
        return qc;
    }

    /**
     * The score of a document (corrections {@code doc[d .. d + 4)}) and a query (corrections {@code query[q .. q + 4)})
     * whose integer dot product is {@code qc}, in the specified order.
     */
    public static float score(long qc, float[] doc, int d, float[] query, int q) {
        float u = query[q] * doc[d + 2];
        float v = query[q + 1] * (float) qc;
        float t = u + v;
        float s = doc[d + 1] * t;
        float w = doc[d] * query[q + 2];
        s = s + w;
        s = s + query[q + 3];
        return s + doc[d + 3];
    }
}
