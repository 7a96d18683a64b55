package io.binaryllm.internal.vectorization;

/** Plain Java row sums, one multiply-add a weight. */
final class ScalarTernaryKernel implements TernaryKernel {
    @Override
    public String describe() {
        return "scalar Java";
    }

    @Override
    public void sums(byte[] trits, int rows, int cols, byte[] q, int[] out) {
        for (int r = 0; r < rows; r++) {
            int sum = 0;
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                sum += trits[base + c] * q[c];
            }
            out[r] = sum;
        }
    }
}
