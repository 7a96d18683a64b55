package io.binaryllm.internal.vectorization;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.testing.Backends;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every kernel the provider hands out, at every level this JVM runs (scalar, the Vector API, and for Hamming the C
 * variants; the low-bit kernels have their own test), against the scalar kernels, the specification: identical heaps, distances, bits, scales and dot
 * products on word-boundary widths, tie-heavy codes and values across the whole float range. The scalar kernels are
 * themselves held to the documented summation orders and to the oracle.
 */
class VectorizationProviderTest {
    private static final VectorizationProvider SCALAR = VectorizationProvider.at(VectorizationProvider.Level.SCALAR);

    /** The vector provider; outside CI a JVM without the vector module skips, with the reason. */
    static VectorizationProvider vector() {
        VectorizationProvider v = VectorizationProvider.at(VectorizationProvider.Level.VECTOR);
        if (Backends.inCi()) {
            assertThat(v.javaLevel()).as("CI runs the tests with --add-modules jdk.incubator.vector")
                    .isEqualTo(VectorizationProvider.Level.VECTOR);
        }
        assumeTrue(v.javaLevel() == VectorizationProvider.Level.VECTOR, "jdk.incubator.vector is not in this JVM's module graph");
        return v;
    }

    /** Every C variant of the Hamming kernel this CPU runs; the native kernel must load in CI, elsewhere its absence skips. */
    private static List<HammingKernel> nativeHammingKernels() {
        VectorizationProvider nativeLevel = VectorizationProvider.at(VectorizationProvider.Level.NATIVE);
        if (Backends.inCi()) {
            assertThat(nativeLevel.nativeProblem()).as("CI builds the native library with gcc").isNull();
        }
        assumeTrue(nativeLevel.nativeKernel().isPresent(), () -> "native: " + nativeLevel.nativeProblem());
        NativeHammingKernel c = nativeLevel.nativeKernel().orElseThrow();
        List<HammingKernel> out = new ArrayList<>();
        for (int v = 0; v <= c.bestVariant(); v++) {
            out.add(c.withVariant(v));
        }
        return out;
    }

    @Test
    void theLevelsAreWhatTheyClaim() {
        assertThat(SCALAR.javaLevel()).isEqualTo(VectorizationProvider.Level.SCALAR);
        assertThat(SCALAR.describe()).isEqualTo("scalar Java");
        assertThat(SCALAR.nativeKernel()).isEmpty();
        assertThat(SCALAR.nativeProblem()).isEqualTo("native kernels are off (-Dbinaryllm.vectorization=scalar)");
        VectorizationProvider v = vector();
        assertThat(v.describe()).startsWith("Vector API");
        assertThat(v.nativeKernel()).isEmpty();
        assertThat(v.nativeProblem()).contains("=vector");
        assertThat(VectorizationProvider.get().cap()).as("the tests run uncapped").isEqualTo(VectorizationProvider.Level.NATIVE);
    }

    // ------------------------------------------------------------------------------------------------ Hamming

    @Test
    void theVectorHammingKernelEqualsTheScalarKernel() {
        assertHammingKernelsEqualTheScalarKernel(List.of(vector().hammingKernel()));
    }

    @Test
    void everyNativeHammingVariantEqualsTheScalarKernel() {
        assertHammingKernelsEqualTheScalarKernel(nativeHammingKernels());
    }

    private static void assertHammingKernelsEqualTheScalarKernel(List<HammingKernel> kernels) {
        for (int bits : new int[]{1, 63, 64, 65, 127, 129, 256, 257, 1031}) {
            for (int n : new int[]{1, 7, 8, 9, 77}) {
                int[][] db = n % 2 == 1 ? CodeGen.tieHeavy(n * 31L + bits, n, bits) : CodeGen.random(n * 31L + bits, n, bits);
                int[][] q = CodeGen.tieHeavy(bits, 16, bits); // 16: a multiple of every kernel's query group
                q[5] = db[n - 1].clone();
                BinaryCodeBatch dbCodes = Oracle.codes(db, bits);
                long[] queries = Oracle.packRows(q, bits);
                for (int k : new int[]{1, Math.min(5, n), n}) {
                    String expectedTop = topK(SCALAR.hammingKernel(), dbCodes, queries, q.length, k);
                    int[] expectedDistances = distances(SCALAR.hammingKernel(), dbCodes, queries, q.length);
                    for (HammingKernel kernel : kernels) {
                        String what = kernel.describe() + " bits=" + bits + " n=" + n + " k=" + k;
                        assertThat(topK(kernel, dbCodes, queries, q.length, k)).as(what).isEqualTo(expectedTop);
                        assertThat(distances(kernel, dbCodes, queries, q.length)).as(what).isEqualTo(expectedDistances);
                    }
                }
            }
        }
    }

    @Test
    void theScalarHammingKernelEqualsTheOracle() {
        int bits = 130;
        int[][] db = CodeGen.tieHeavy(3, 41, bits);
        int[][] q = CodeGen.random(4, 3, bits);
        String top = topK(SCALAR.hammingKernel(), Oracle.codes(db, bits), Oracle.packRows(q, bits), q.length, 7);
        var expected = Oracle.topK(db, q, 7);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < expected.indices().length; i++) {
            s.append(expected.distances()[i]).append(':').append(expected.indices()[i]).append(i % 7 == 6 ? "\n" : " ");
        }
        assertThat(top).isEqualTo(s.toString());
    }

    /** Every query's k smallest (distance:index) in order, "d:i d:i ...\n" a query, from one tile of the whole database. */
    private static String topK(HammingKernel kernel, BinaryCodeBatch db, long[] queries, int nq, int k) {
        BlockedTile tile = BlockedTile.laidOut(db, 0, (int) db.rows(), kernel.lanes());
        FlatTopK heaps = new FlatTopK(nq, k);
        kernel.topK(tile, queries, 0, nq, heaps);
        StringBuilder s = new StringBuilder();
        long[] idx = new long[k];
        int[] dist = new int[k];
        for (int q = 0; q < nq; q++) {
            int size = heaps.drainSorted(q, idx, dist, 0);
            for (int i = 0; i < size; i++) {
                s.append(dist[i]).append(':').append(idx[i]).append(i == size - 1 ? "\n" : " ");
            }
        }
        return s.toString();
    }

    private static int[] distances(HammingKernel kernel, BinaryCodeBatch db, long[] queries, int nq) {
        BlockedTile tile = BlockedTile.laidOut(db, 0, (int) db.rows(), kernel.lanes());
        int n = (int) db.rows();
        int[] out = new int[nq * n];
        int[] row = new int[n];
        for (int q = 0; q < nq; q++) {
            kernel.distances(tile, queries, q, row);
            System.arraycopy(row, 0, out, q * n, n);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------- sign packing

    /** Values across the whole float range, so the summation order of the scales matters. */
    private static float[][] nasty(long seed, int rows, int d) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[rows][d];
        for (float[] row : out) {
            for (int j = 0; j < d; j++) {
                row[j] = switch (r.nextInt(8)) {
                    case 0 -> 0.0f;
                    case 1 -> -0.0f;
                    case 2 -> Float.MIN_VALUE * (r.nextBoolean() ? 1 : -1);
                    case 3 -> (float) (r.nextDouble() * 1e30);
                    case 4 -> (float) (-r.nextDouble() * 1e-30);
                    default -> (float) (r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10));
                };
            }
        }
        return out;
    }

    @Test
    void signPackersEqualTheScalarPacker() {
        SignPacker scalar = SCALAR.signPacker();
        SignPacker vector = vector().signPacker();
        for (int d = 1; d <= 300; d += (d < 70 ? 1 : 37)) {
            try (FloatEmbeddingBatch in = FloatEmbeddingBatch.of(nasty(d, 5, d));
                 BinaryCodeBatch a = BinaryCodeBatch.allocate(5, d, "a");
                 BinaryCodeBatch b = BinaryCodeBatch.allocate(5, d, "b")) {
                scalar.packSigns(in, a);
                vector.packSigns(in, b);
                assertThat(b.segment().mismatch(a.segment())).as("d=%d", d).isEqualTo(-1);
                assertThat(vector.meanAbs(in)).as("d=%d", d).containsExactly(scalar.meanAbs(in));
            }
        }
    }

    @Test
    void scalesFollowTheDocumentedSummationOrderAtEveryLevel() {
        // 2^53 then fifteen 1s: left to right, every +1 is rounded away (the spacing of doubles at 2^53 is 2) and
        // the sum stays 2^53; with eight lane sums the 1s first meet each other and the total is 2^53 + 14.
        float[] row = new float[16];
        Arrays.fill(row, 1f);
        row[0] = 0x1p53f;
        double leftToRight = 0;
        for (float v : row) {
            leftToRight += v;
        }
        assertThat(leftToRight).isEqualTo(0x1p53);
        try (FloatEmbeddingBatch in = FloatEmbeddingBatch.of(new float[][]{row})) {
            assertThat(SCALAR.signPacker().meanAbs(in)).containsExactly((0x1p53 + 14) / 16);
            assertThat(vector().signPacker().meanAbs(in)).containsExactly((0x1p53 + 14) / 16);
        }
    }

    @Test
    void signPackersRefuseNonFiniteValuesWithTheSameMessage() {
        float[][] x = nasty(3, 4, 40);
        x[2][37] = Float.POSITIVE_INFINITY;
        for (SignPacker p : new SignPacker[]{SCALAR.signPacker(), vector().signPacker()}) {
            try (FloatEmbeddingBatch in = FloatEmbeddingBatch.of(x); BinaryCodeBatch out = BinaryCodeBatch.allocate(4, 40, "o")) {
                assertThatThrownBy(() -> p.packSigns(in, out)).isInstanceOf(BadInputException.class)
                        .hasMessage("<memory>: row 2, column 37 is Infinity (embeddings must be finite)");
            }
        }
    }

    // ------------------------------------------------------------------------------------------ projections

    @Test
    void projectionSignsEqualTheScalarProjection() {
        ProjectionSigns scalar = SCALAR.projectionSigns();
        ProjectionSigns vector = vector().projectionSigns();
        SplittableRandom rng = new SplittableRandom(5);
        for (int d : new int[]{1, 5, 33, 65, 257}) {
            for (int m : new int[]{1, 7, 63, 64, 65, 129, 300}) {
                int pass = Math.max(scalar.outputsPerPass(), vector.outputsPerPass());
                int stride = (m + pass - 1) / pass * pass; // a multiple of both kernels' granularity
                float[] rt = new float[d * stride];
                for (int j = 0; j < d; j++) {
                    for (int i = 0; i < m; i++) {
                        rt[j * stride + i] = (float) rng.nextGaussian();
                    }
                }
                for (int row = 0; row < 9; row++) {
                    float[] x = new float[d];
                    for (int j = 0; j < d; j++) {
                        // Mixed magnitudes make rounding matter; exact zeros make sums land on zero.
                        x[j] = rng.nextInt(5) == 0 ? 0f : (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(7) - 3));
                    }
                    long[] expected = new long[(m + 63) / 64];
                    long[] actual = new long[expected.length];
                    scalar.signs(rt, stride, m, x, expected);
                    vector.signs(rt, stride, m, x, actual);
                    assertThat(actual).as("d=%d m=%d row %d", d, m, row).isEqualTo(expected);
                }
            }
        }
    }

    // --------------------------------------------------------------------------------------------- dot product

    @Test
    void dotProductsEqualTheScalarOnEveryLength() {
        SplittableRandom r = new SplittableRandom(9);
        DotProduct scalar = SCALAR.dotProduct();
        DotProduct vector = vector().dotProduct();
        for (int d = 1; d <= 70; d++) {
            float[] a = gaussians(r, d + 3);
            float[] b = gaussians(r, 6 * d + 9);
            assertThat(vector.dot(a, 3, b, 5, d)).as("d=%d", d).isEqualTo(scalar.dot(a, 3, b, 5, d));
            int[] o = {3, 5 * d + 9 - d, 1, 2 * d};
            for (DotProduct dp : new DotProduct[]{scalar, vector}) {
                double[] out = new double[4];
                dp.dot4(a, 2, b, o[0], o[1], o[2], o[3], d, out);
                for (int i = 0; i < 4; i++) {
                    assertThat(out[i]).as("dot4 d=%d row %d", d, i).isEqualTo(scalar.dot(a, 2, b, o[i], d));
                }
            }
        }
    }

    @Test
    void rowProductsEqualTheScalarInBothVectorWidths() {
        SplittableRandom r = new SplittableRandom(10);
        DotProduct scalar = SCALAR.dotProduct();
        DotProduct[] vectors = {new PanamaDotProduct(true), new PanamaDotProduct(false)};
        for (int d = 1; d <= 70; d++) {
            for (int rows : new int[]{1, 3, 4, 5, 8, 9}) {
                int stride = d + (rows % 3); // rows apart as a matrix's (stride d) or as cached keys (stride > d)
                float[] x = gaussians(r, d + 3);
                float[] w = gaussians(r, 5 + rows * stride);
                for (DotProduct dp : vectors) {
                    double[] dots = new double[rows + 2];
                    dp.dots(x, 3, w, 5, stride, rows, d, dots, 1);
                    float[] mv = new float[rows + 2];
                    dp.matVec(w, 5, rows, d, x, 3, mv, 1);
                    for (int i = 0; i < rows; i++) {
                        assertThat(dots[1 + i]).as("dots d=%d rows=%d row %d", d, rows, i).isEqualTo(scalar.dot(x, 3, w, 5 + i * stride, d));
                        assertThat(mv[1 + i]).as("matVec d=%d rows=%d row %d", d, rows, i).isEqualTo((float) scalar.dot(x, 3, w, 5 + i * d, d));
                    }
                    assertThat(dots[0]).isZero();
                    assertThat(dots[rows + 1]).isZero();
                    assertThat(mv[0]).isZero();
                    assertThat(mv[rows + 1]).isZero();
                }
            }
        }
    }

    @Test
    void rowProductsKeepTheDocumentedSummationOrderOnEveryPath() {
        // Each row: 2^27 squared, then ones: left to right the ones vanish (doubles near 2^54 are 4 apart); in the
        // specified eight lanes part of them survives. Rows of 17 to 19 floats leave tails of 1 to 3 past the blocks;
        // 9 rows take the eight-row and one-row paths (four-row and dot() in 256 bits), the larger count the streamed one.
        DotProduct scalar = SCALAR.dotProduct();
        for (int d = 17; d <= 19; d++) {
            for (int rows : new int[]{9, (1 << 19) / d + 9}) { // the second past 2 MiB of floats
                float[] x = new float[d];
                Arrays.fill(x, 1f);
                x[0] = 0x1p27f;
                float[] w = new float[rows * d];
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(x, 0, w, r * d, d);
                    w[r * d + 1 + r % (d - 1)] = r % 3 == 0 ? 0f : 1f; // ties and exact zeros in some rows
                }
                for (DotProduct dp : new DotProduct[]{new PanamaDotProduct(true), new PanamaDotProduct(false)}) {
                    double[] dots = new double[rows];
                    dp.dots(x, 0, w, 0, d, rows, d, dots, 0);
                    float[] mv = new float[rows];
                    dp.matVec(w, 0, rows, d, x, 0, mv, 0);
                    for (int r = 0; r < rows; r++) {
                        double expected = scalar.dot(x, 0, w, r * d, d);
                        assertThat(dots[r]).as("d=%d rows=%d row %d", d, rows, r).isEqualTo(expected);
                        assertThat(mv[r]).as("d=%d rows=%d row %d", d, rows, r).isEqualTo((float) expected);
                    }
                }
            }
        }
    }

    @Test
    void matrixProductsKeepTheOrderOnRowsWhoseFloatTheOrderDecides() {
        // Rows whose float another order would change (OrderSensitiveRows): the eight-row, one-row and streamed (four
        // rows a quarter apart) paths in 512 bits, the four-row and one-row ones in 256.
        DotProduct scalar = SCALAR.dotProduct();
        SplittableRandom r = new SplittableRandom(25);
        for (int d : new int[]{17, 24, 65, 771}) {
            for (int rows : new int[]{9, (1 << 19) / d + 9}) {
                OrderSensitiveRows m = new OrderSensitiveRows(r, rows, d);
                assertThat(m.rowsTheOrderDecides(scalar)).isGreaterThan(rows / 2);
                for (DotProduct dp : new DotProduct[]{new PanamaDotProduct(true), new PanamaDotProduct(false)}) {
                    float[] out = new float[rows];
                    dp.matVec(m.w, 0, rows, d, m.x, 0, out, 0);
                    for (int i = 0; i < rows; i++) {
                        assertThat(out[i]).as("d=%d rows=%d row %d", d, rows, i).isEqualTo((float) scalar.dot(m.x, 0, m.w, i * d, d));
                    }
                }
            }
        }
    }

    @Test
    void aMatrixLargerThanTheCacheIsReadAsFourFarStreamsToTheSameBits() {
        SplittableRandom r = new SplittableRandom(12);
        int rows = 701;
        int d = 771; // 2.06 MiB of floats: past the size read as four streams (701 rows: one left over); a tail of 3
        float[] x = gaussians(r, d);
        float[] w = gaussians(r, 1 + rows * d);
        DotProduct scalar = SCALAR.dotProduct();
        for (DotProduct dp : new DotProduct[]{new PanamaDotProduct(true), new PanamaDotProduct(false)}) {
            float[] out = new float[rows];
            dp.matVec(w, 1, rows, d, x, 0, out, 0);
            for (int i = 0; i < rows; i++) {
                assertThat(out[i]).as("row %d", i).isEqualTo((float) scalar.dot(x, 0, w, 1 + i * d, d));
            }
        }
    }

    @Test
    void weightedValueRowsEqualTheScalarInEveryLaneCountAndOrder() {
        // Widths around one, two and four vectors of every species (8 and 16 floats), rows in order or chosen (out
        // of order, repeated), weights that make the float sums' order matter: a huge first product, then small ones.
        SplittableRandom r = new SplittableRandom(13);
        DotProduct scalar = SCALAR.dotProduct();
        for (int d : new int[]{1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 97, 128, 131}) {
            for (int n : new int[]{1, 2, 5, 37}) {
                int stride = d + 3;
                float[] v = gaussians(r, 4 + (n + 2) * stride);
                float[] weights = gaussians(r, n);
                weights[0] = 3e7f;
                int[] chosen = new int[n];
                for (int i = 0; i < n; i++) {
                    chosen[i] = (int) ((i * 7L + 3) % (n + 2));
                }
                for (int[] rows : new int[][]{null, chosen}) {
                    float[] expected = new float[d + 2];
                    scalar.weightedRows(weights, n, rows, v, 4, stride, d, expected, 1);
                    float[] leftToRight = new float[d];
                    for (int j = 0; j < d; j++) {
                        for (int i = 0; i < n; i++) {
                            leftToRight[j] += weights[i] * v[4 + (rows == null ? i : rows[i]) * stride + j];
                        }
                    }
                    assertThat(Arrays.copyOfRange(expected, 1, d + 1)).isEqualTo(leftToRight);
                    assertThat(expected[0]).isZero();
                    assertThat(expected[d + 1]).isZero();
                    for (DotProduct dp : new DotProduct[]{vector().dotProduct(), new PanamaDotProduct(true), new PanamaDotProduct(false)}) {
                        float[] out = new float[d + 2];
                        Arrays.fill(out, Float.NaN); // whatever out held before is not summed into
                        out[0] = 0f;
                        out[d + 1] = 0f;
                        dp.weightedRows(weights, n, rows, v, 4, stride, d, out, 1);
                        assertThat(out).as("d=%d n=%d chosen=%s", d, n, rows != null).isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void exponentialsAreStrictMathsBitsOnEveryPath() {
        // fdlibm's paths by |x|: below 2^-28, below 0.5 ln 2, below 1.5 ln 2, reduced, past 704 (StrictMath's lanes),
        // its edges bit by bit on both sides, the specials, and random doubles on every scale, in vectors that mix them.
        SplittableRandom r = new SplittableRandom(14);
        List<Double> xs = new ArrayList<>(List.of(0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.NaN,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE, -Double.MAX_VALUE, 1.0, -1.0));
        for (long high : new long[]{0x3e300000L, 0x3fd62e42L, 0x3ff0a2b2L, 0x40860000L, 0x40862e42L, 0x4087464dL}) {
            for (long delta = -3; delta <= 3; delta++) {
                for (long low : new long[]{0L, 1L, 0xffffffffL}) {
                    double edge = Double.longBitsToDouble((high << 32) + delta * (1L << 32) + low);
                    xs.add(edge);
                    xs.add(-edge);
                }
            }
        }
        for (double edge : new double[]{0.5 * Math.log(2), 1.5 * Math.log(2), 704, 708.3964185322641, 709.782712893384, 745.1332191019411}) {
            for (int ulps = -4; ulps <= 4; ulps++) {
                double e = edge + ulps * Math.ulp(edge);
                xs.add(e);
                xs.add(-e);
            }
        }
        for (int i = 0; i < 200_000; i++) {
            double scale = Math.scalb(1.0, r.nextInt(-40, 11)); // 2^-40 .. 2^10
            xs.add((r.nextDouble() * 2 - 1) * scale);
        }
        for (int i = 0; i < 50_000; i++) {
            xs.add(-r.nextDouble() * 60); // a softmax's differences from its maximum
        }
        double[] in = xs.stream().mapToDouble(Double::doubleValue).toArray();
        for (int shuffle = 0; shuffle < 2; shuffle++) {
            for (Exponentials kernel : new Exponentials[]{vector().exponentials(), new PanamaExponentials(), SCALAR.exponentials()}) {
                double[] x = in.clone();
                kernel.exp(x, 1, x.length - 2);
                for (int i = 0; i < x.length; i++) {
                    double expected = i >= 1 && i < x.length - 2 ? StrictMath.exp(in[i]) : in[i];
                    if (Double.doubleToRawLongBits(x[i]) != Double.doubleToRawLongBits(expected) && !(Double.isNaN(x[i]) && Double.isNaN(expected))) {
                        throw new AssertionError(kernel.getClass().getSimpleName() + ": exp(" + in[i] + ") = " + x[i] + ", StrictMath " + expected);
                    }
                }
            }
            for (int i = in.length - 1; i > 0; i--) { // the same values beside other neighbours in a vector
                int j = r.nextInt(i + 1);
                double t = in[i];
                in[i] = in[j];
                in[j] = t;
            }
        }
    }

    @Test
    void dotProductsFollowTheDocumentedSummationOrderAtEveryLevel() {
        // Products 2^54, then fifteen 1s: left to right every +1 is rounded away (doubles near 2^54 are 4 apart);
        // in eight lanes the 1s are added to each other first and part of them survives.
        float[] a = new float[16];
        Arrays.fill(a, 1f);
        a[0] = 0x1p27f;
        double[] s = new double[8];
        for (int j = 0; j < 16; j++) {
            s[j & 7] += (double) a[j] * a[j];
        }
        double expected = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
        double leftToRight = 0;
        for (float v : a) {
            leftToRight += (double) v * v;
        }
        assertThat(expected).isNotEqualTo(leftToRight);
        assertThat(SCALAR.dotProduct().dot(a, 0, a, 0, 16)).isEqualTo(expected);
        assertThat(vector().dotProduct().dot(a, 0, a, 0, 16)).isEqualTo(expected);
    }

    static float[] gaussians(SplittableRandom r, int n) {
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6));
        }
        return out;
    }
}
