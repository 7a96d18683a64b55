package io.binaryllm.internal.vectorization;

import io.binaryllm.testing.Backends;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.binaryllm.internal.vectorization.VectorizationProviderTest.gaussians;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The C row products (each variant this CPU runs: scalar C, AVX2, AVX-512) against the scalar Java specification,
 * float for float (the matrix-vector product) and double for double (rows spaced apart, as a head's cached keys): every row length around the blocks of eight (1 to 70), row counts around the
 * eight- and four-row groups, offsets into larger arrays, matrices past the size read row by row, rows wider than
 * the stack copy of x, and rows whose sum depends on the specified order.
 */
class NativeDotProductTest {
    private static final VectorizationProvider SCALAR = VectorizationProvider.at(VectorizationProvider.Level.SCALAR);
    private static final VectorizationProvider NATIVE = VectorizationProvider.at(VectorizationProvider.Level.NATIVE);

    /** Every C variant; the native library must load in CI, elsewhere its absence skips. */
    private static List<DotProduct> variants() {
        if (Backends.inCi()) {
            assertThat(NATIVE.nativeProblem()).as("CI builds the native library with gcc").isNull();
        }
        assumeTrue(NATIVE.nativeDotProductVariants() > 0, () -> "native: " + NATIVE.nativeProblem());
        List<DotProduct> out = new ArrayList<>();
        for (int v = 0; v < NATIVE.nativeDotProductVariants(); v++) {
            out.add(NATIVE.nativeDotProduct(v).orElseThrow());
        }
        return out;
    }

    /** Each C variant's product of the (rows, d) matrix at w[wOffset] and x[xOffset] equals the specification's floats. */
    private static void assertEveryVariantEqualsTheScalar(List<DotProduct> variants, float[] w, int wOffset, int rows, int d, float[] x, int xOffset) {
        DotProduct scalar = SCALAR.dotProduct();
        float[] expected = new float[rows + 2];
        for (int i = 0; i < rows; i++) {
            expected[1 + i] = (float) scalar.dot(x, xOffset, w, wOffset + i * d, d);
        }
        for (DotProduct dp : variants) {
            float[] out = new float[rows + 2];
            dp.matVec(w, wOffset, rows, d, x, xOffset, out, 1);
            assertThat(out).as("%s d=%d rows=%d", dp, d, rows).isEqualTo(expected); // and the floats around untouched
        }
    }

    @Test
    void theProductEqualsTheScalarOnEveryLengthAndRowCount() {
        List<DotProduct> variants = variants();
        SplittableRandom r = new SplittableRandom(21);
        for (int d = 1; d <= 70; d++) {
            for (int rows : new int[]{1, 3, 4, 5, 7, 8, 9, 17}) {
                assertEveryVariantEqualsTheScalar(variants, gaussians(r, 5 + rows * d), 5, rows, d, gaussians(r, d + 3), 3);
            }
        }
    }

    @Test
    void rowsSpacedApartGiveTheScalarDoublesOnEveryPath() {
        // One head's cached keys: rows stride apart (stride > d), sums in double, so any other order shows; spiked rows
        // make it show on most rows. In cache (grouped and one by one) and past 2 MiB (four streams).
        List<DotProduct> variants = variants();
        DotProduct scalar = SCALAR.dotProduct();
        SplittableRandom r = new SplittableRandom(24);
        for (int d : new int[]{1, 7, 8, 9, 17, 32, 48, 65}) {
            for (int rows : new int[]{1, 3, 4, 5, 8, 9, 17, (1 << 19) / (d + 3) + 5}) {
                int stride = d + 3;
                float[] x = OrderSensitiveRows.unitGaussians(r, d + 2);
                float[] w = OrderSensitiveRows.unitGaussians(r, 4 + rows * stride);
                if (d >= 8) { // products of +-2^60 at columns 1 and d - 2 that cancel, the rest near 1
                    x[2 + 1] = 0x1p20f;
                    x[2 + d - 2] = 0x1p20f;
                    for (int i = 0; i < rows; i++) {
                        w[4 + i * stride + 1] = i % 2 == 0 ? 0x1p40f : -0x1p40f;
                        w[4 + i * stride + d - 2] = i % 2 == 0 ? -0x1p40f : 0x1p40f;
                    }
                }
                for (DotProduct dp : variants) {
                    double[] out = new double[rows + 2];
                    dp.dots(x, 2, w, 4, stride, rows, d, out, 1);
                    assertThat(out[0]).isZero();
                    assertThat(out[rows + 1]).isZero();
                    for (int i = 0; i < rows; i++) {
                        assertThat(out[1 + i]).as("%s d=%d rows=%d row %d", dp, d, rows, i).isEqualTo(scalar.dot(x, 2, w, 4 + i * stride, d));
                    }
                }
            }
        }
    }

    @Test
    void aMatrixPastTheCacheAndRowsWiderThanTheStackCopyGiveTheSameFloats() {
        List<DotProduct> variants = variants();
        SplittableRandom r = new SplittableRandom(22);
        assertEveryVariantEqualsTheScalar(variants, gaussians(r, 1 + 701 * 771), 1, 701, 771, gaussians(r, 771), 0); // 2.06 MiB, tail 3
        assertEveryVariantEqualsTheScalar(variants, gaussians(r, 9 * 1031), 0, 9, 1031, gaussians(r, 1031), 0); // x past 1,024
        assertEveryVariantEqualsTheScalar(variants, gaussians(r, 70 * 8195), 0, 70, 8195, gaussians(r, 8195), 0); // both
    }

    @Test
    void everyPathKeepsTheDocumentedSummationOrder() {
        // Rows whose float another order would change (OrderSensitiveRows); lengths with tails of 0 to 7 and long rows;
        // 9 rows take the grouped and one-row paths, the larger counts the streamed one.
        List<DotProduct> variants = variants();
        SplittableRandom r = new SplittableRandom(23);
        for (int d : new int[]{17, 18, 19, 23, 24, 64, 65, 771, 1024, 1031, 8195}) {
            for (int rows : new int[]{9, (1 << 19) / d + 9}) {
                OrderSensitiveRows m = new OrderSensitiveRows(r, rows, d);
                assertThat(m.rowsTheOrderDecides(SCALAR.dotProduct())).as("d=%d rows=%d: rows whose float another order changes", d, rows)
                        .isGreaterThan(rows / 2);
                assertEveryVariantEqualsTheScalar(variants, m.w, 0, rows, d, m.x, 0);
            }
        }
    }

    @Test
    void rangesOutsideTheArraysAreRefusedBeforeTheCall() {
        for (DotProduct dp : variants()) {
            float[] w = new float[12];
            float[] x = new float[4];
            float[] out = new float[3];
            assertThatThrownBy(() -> dp.matVec(w, 1, 3, 4, x, 0, out, 0)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> dp.matVec(w, 0, 3, 4, x, 1, out, 0)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> dp.matVec(w, 0, 3, 4, x, 0, out, 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> dp.matVec(w, 0, 1 << 16, 1 << 16, x, 0, out, 0)).isInstanceOf(ArithmeticException.class);
            double[] sums = new double[3];
            assertThatThrownBy(() -> dp.dots(x, 0, w, 1, 4, 3, 4, sums, 0)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> dp.dots(x, 0, w, 0, 5, 3, 4, sums, 0)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> dp.dots(x, 1, w, 0, 4, 3, 4, sums, 0)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> dp.dots(x, 0, w, 0, 4, 3, 4, sums, 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> dp.dots(x, 0, w, 0, -1, 3, 4, sums, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theNativeLevelsDotProductTakesTheCProductWhenTheLibraryLoads() {
        assumeTrue(NATIVE.nativeDotProductVariants() > 0, () -> "native: " + NATIVE.nativeProblem());
        assertThat(NATIVE.dotProduct()).isInstanceOf(NativeDotProduct.class);
        assertThat(VectorizationProviderTest.vector().dotProduct()).isNotInstanceOf(NativeDotProduct.class);
        assertThat(NATIVE.dotProduct().toString()).startsWith(NativeLibrary.F32_VARIANTS[NATIVE.nativeDotProductVariants() - 1]);
    }
}
