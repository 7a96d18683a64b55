package io.binaryllm.quantize;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.MemoryBudget;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * {@code osq}, optimized scalar quantization (Lucene's {@code OptimizedScalarQuantizer}, the estimator of BBQ):
 * every vector is scaled to unit length and centred on the corpus centroid, then gets its own interval
 * {@code [a, b]}, initialised at the minimum-MSE Gaussian quantiles of its values and refined by a few steps of
 * coordinate descent on a loss that weighs the error along the vector ({@code 1 - lambda}) against the error
 * everywhere ({@code lambda}); each value becomes the nearest of {@code 2^B} levels in the interval. Documents take
 * 1, 2 or 4 bits a dimension, queries 4 or 8: the score of a pair ({@link OsqScores}) estimates their cosine.
 *
 * <p>Everything here is a pure function of the inputs, computed in one fixed order in Java (double where it sums,
 * float where it stores), so the codes and corrections are the same bytes everywhere; rows are encoded in parallel,
 * each independently. The steps are listed in docs/contracts.md.
 */
public final class OsqQuantizer {
    /** Weight of the error everywhere against the error along the vector (Lucene's default). */
    static final double LAMBDA = 0.1;
    /** Coordinate-descent rounds at most. */
    static final int ROUNDS = 5;
    /** Interval ends in standard deviations that minimise the MSE of a Gaussian at 1..8 bits. */
    private static final double[] GRID = {0.798, 1.493, 2.051, 2.514, 2.916, 3.278, 3.611, 3.922};
    private static final int ROWS_PER_TASK = 1024;

    private final float[] centroid;
    private final double centroidNorm2;
    private final int docBits;
    private final long centroidId;

    private OsqQuantizer(float[] centroid, int docBits) {
        OsqCodes.requireBits("bits", docBits, false);
        this.centroid = centroid.clone();
        double cc = 0;
        long id = 0x9e3779b97f4a7c15L ^ centroid.length;
        for (float c : this.centroid) {
            if (!Float.isFinite(c)) {
                throw new BadArgumentException("centroid", "centroid values must be finite, got " + c);
            }
            cc += (double) c * c;
            id = (id ^ Float.floatToRawIntBits(c)) * 0x100000001b3L;
        }
        this.centroidNorm2 = cc;
        this.centroidId = id ^ (id >>> 29);
        this.docBits = docBits;
    }

    /**
     * The quantizer of a corpus: its centroid is the mean of the corpus rows scaled to unit length, summed in double
     * in row order and rounded to float once per dimension.
     */
    public static OsqQuantizer fit(FloatEmbeddingBatch corpus, int docBits) {
        OsqCodes.requireBits("bits", docBits, false);
        if (corpus.rows() < 1) {
            throw BadInputException.in(corpus.source(), "osq needs at least one corpus row to find its centroid");
        }
        corpus.requireFinite();
        int dims = corpus.dims();
        double[] sum = new double[dims];
        float[] x = new float[dims];
        float[] y = new float[dims];
        for (long r = 0; r < corpus.rows(); r++) {
            corpus.copyRow(r, x);
            unitLength(x, y);
            for (int j = 0; j < dims; j++) {
                sum[j] += y[j];
            }
        }
        float[] centroid = new float[dims];
        for (int j = 0; j < dims; j++) {
            centroid[j] = (float) (sum[j] / corpus.rows());
        }
        return new OsqQuantizer(centroid, docBits);
    }

    /** A quantizer with a centroid kept from before (its {@link #centroid()}). */
    public static OsqQuantizer of(float[] centroid, int docBits) {
        if (centroid.length < 1) {
            throw new BadArgumentException("centroid", "the centroid needs at least one dimension");
        }
        return new OsqQuantizer(centroid, docBits);
    }

    public float[] centroid() {
        return centroid.clone();
    }

    public int dims() {
        return centroid.length;
    }

    /** Bits a dimension of a document (its codes' {@link OsqCodes#bitsPerDim()}). */
    public int bitsPerDim() {
        return docBits;
    }

    /** A 64-bit fingerprint of the centroid: codes made by quantizers with different centroids never meet. */
    public long centroidId() {
        return centroidId;
    }

    /** Documents at {@link #bitsPerDim()} bits a dimension. */
    public OsqCodes encodeDocuments(FloatEmbeddingBatch documents) {
        return encode(documents, docBits, false);
    }

    /** Queries at {@code queryBits} (4 or 8) bits a dimension, to be scored against this quantizer's documents. */
    public OsqCodes encodeQueries(FloatEmbeddingBatch queries, int queryBits) {
        OsqCodes.requireBits("query_bits", queryBits, true);
        return encode(queries, queryBits, true);
    }

    private OsqCodes encode(FloatEmbeddingBatch input, int bits, boolean queries) {
        int dims = centroid.length;
        if (input.dims() != dims) {
            throw BadInputException.in(input.source(), "rows have " + input.dims() + " dims, the osq centroid has " + dims);
        }
        input.requireFinite();
        long rows = input.rows();
        if (rows * OsqScores.CORRECTIONS > Integer.MAX_VALUE - 8) {
            throw BadInputException.in(input.source(), rows + " rows are more than osq corrections hold in one array ("
                    + (Integer.MAX_VALUE - 8) / OsqScores.CORRECTIONS + ")");
        }
        int planeWords = OsqCodes.planeWords(dims);
        BinaryCodeBatch planes = BinaryCodeBatch.allocate(rows, bits * planeWords * Long.SIZE, input.source());
        try {
            MemoryBudget.requireHeap(MemoryBudget.bytes(rows, OsqScores.CORRECTIONS, Float.BYTES), input.source(),
                    "the osq corrections of " + rows + " rows");
            float[] corrections = new float[(int) rows * OsqScores.CORRECTIONS];
            int tasks = (int) ((rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK);
            IntStream.range(0, tasks).parallel().forEach(t -> {
                RowEncoder encoder = new RowEncoder(dims, bits, planeWords);
                long end = Math.min(rows, (long) (t + 1) * ROWS_PER_TASK);
                for (long r = (long) t * ROWS_PER_TASK; r < end; r++) {
                    input.copyRow(r, encoder.x);
                    encoder.encode(queries, corrections, (int) r * OsqScores.CORRECTIONS);
                    for (int w = 0; w < encoder.words.length; w++) {
                        planes.setWord(r, w, encoder.words[w]);
                    }
                }
            });
            return new OsqCodes(planes, corrections, dims, bits, queries, centroidId);
        } catch (RuntimeException | Error e) {
            planes.close();
            throw e;
        }
    }

    /** x / |x| (|x| in double, summed in index order); the zero vector stays zero. */
    static void unitLength(float[] x, float[] y) {
        double n2 = 0;
        for (float v : x) {
            n2 += (double) v * v;
        }
        double norm = Math.sqrt(n2);
        for (int j = 0; j < x.length; j++) {
            y[j] = norm > 0 ? (float) (x[j] / norm) : 0f;
        }
    }

    /** One thread's scratch and the per-row steps. */
    private final class RowEncoder {
        final float[] x;
        final float[] y;
        final float[] r;
        final int[] levels;
        final long[] words;
        final int bits;
        final int planeWords;

        RowEncoder(int dims, int bits, int planeWords) {
            this.x = new float[dims];
            this.y = new float[dims];
            this.r = new float[dims];
            this.levels = new int[dims];
            this.words = new long[bits * planeWords];
            this.bits = bits;
            this.planeWords = planeWords;
        }

        /** Encodes {@link #x} into {@link #words} and its four corrections into {@code out[at ..]}. */
        void encode(boolean query, float[] out, int at) {
            int dims = x.length;
            unitLength(x, y);
            double dotCentroid = 0;
            for (int j = 0; j < dims; j++) {
                dotCentroid += (double) y[j] * centroid[j];
                r[j] = y[j] - centroid[j];
            }
            // Mean and variance by Welford's update, in index order; min, max and |r|^2 alongside.
            double mean = 0;
            double m2 = 0;
            double norm2 = 0;
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < dims; j++) {
                float v = r[j];
                min = Math.min(min, v);
                max = Math.max(max, v);
                norm2 += (double) v * v;
                double delta = v - mean;
                mean += delta / (j + 1);
                m2 += delta * (v - mean);
            }
            double std = Math.sqrt(m2 / dims);
            float[] interval = {
                    clamp((float) (mean - GRID[bits - 1] * std), min, max),
                    clamp((float) (mean + GRID[bits - 1] * std), min, max)};
            int steps = (1 << bits) - 1;
            refine(interval, norm2, steps);
            float a = interval[0];
            float b = interval[1];
            float step = (b - a) / steps;
            int sum = 0;
            Arrays.fill(words, 0L);
            for (int j = 0; j < dims; j++) {
                int level = step > 0 ? Math.min(steps, Math.round((clamp(r[j], a, b) - a) / step)) : 0;
                levels[j] = level;
                sum += level;
                for (int i = 0; i < bits; i++) {
                    words[i * planeWords + (j >>> 6)] |= (long) ((level >>> i) & 1) << (j & 63);
                }
            }
            float lower = a;
            float lx = step > 0 ? step : 0f;
            if (query) {
                float qa = lower * (float) dims;
                float qb = lx * (float) sum;
                out[at] = lower;
                out[at + 1] = lx;
                out[at + 2] = qa + qb;
                out[at + 3] = (float) (dotCentroid - centroidNorm2);
            } else {
                out[at] = lower;
                out[at + 1] = lx;
                out[at + 2] = (float) sum;
                out[at + 3] = (float) dotCentroid;
            }
        }

        /**
         * Coordinate descent on the interval: each round solves the 2x2 least-squares system for (a, b) with every
         * value's level fixed, and is kept only if the loss does not grow. Stops early when the interval stops moving.
         */
        private void refine(float[] interval, double norm2, int steps) {
            double scale = (1.0 - LAMBDA) / norm2;
            if (!Double.isFinite(scale)) {
                return;
            }
            double loss = loss(interval[0], interval[1], norm2, steps);
            for (int round = 0; round < ROUNDS; round++) {
                float a = interval[0];
                float b = interval[1];
                if (!(b > a)) {
                    return;
                }
                double stepInv = steps / ((double) b - a);
                double daa = 0, dab = 0, dbb = 0, dax = 0, dbx = 0;
                for (float v : r) {
                    double k = Math.round((clamp(v, a, b) - a) * stepInv);
                    double s = k / steps;
                    daa += (1.0 - s) * (1.0 - s);
                    dab += (1.0 - s) * s;
                    dbb += s * s;
                    dax += v * (1.0 - s);
                    dbx += v * s;
                }
                double m0 = scale * dax * dax + LAMBDA * daa;
                double m1 = scale * dax * dbx + LAMBDA * dab;
                double m2 = scale * dbx * dbx + LAMBDA * dbb;
                double det = m0 * m2 - m1 * m1;
                if (det == 0) {
                    return;
                }
                float aOpt = (float) ((m2 * dax - m1 * dbx) / det);
                float bOpt = (float) ((m0 * dbx - m1 * dax) / det);
                if (Math.abs(a - aOpt) < 1e-8 && Math.abs(b - bOpt) < 1e-8) {
                    return;
                }
                double next = loss(aOpt, bOpt, norm2, steps);
                if (!(next <= loss)) {
                    return;
                }
                interval[0] = aOpt;
                interval[1] = bOpt;
                loss = next;
            }
        }

        /** Error of quantizing r to the interval: along r weighted 1 - lambda (relative to |r|^2), everywhere lambda. */
        private double loss(float a, float b, double norm2, int steps) {
            double step = ((double) b - a) / steps;
            if (!(step > 0)) {
                return Double.POSITIVE_INFINITY;
            }
            double stepInv = 1.0 / step;
            double xe = 0;
            double e = 0;
            for (float v : r) {
                double q = a + step * Math.round((clamp(v, a, b) - a) * stepInv);
                double diff = v - q;
                xe += v * diff;
                e += diff * diff;
            }
            return (1.0 - LAMBDA) * xe * xe / norm2 + LAMBDA * e;
        }
    }

    private static float clamp(float v, float lo, float hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
