package io.binaryllm.internal.vectorization;

/** The specification of {@link Exponentials}: {@link StrictMath#exp}, element by element. */
final class ScalarExponentials implements Exponentials {
    @Override
    public void exp(double[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] = StrictMath.exp(x[i]);
        }
    }
}
