package io.binaryllm.internal.vectorization;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row sums with the Vector API: a register of trits and one of activations at a time, widened to shorts (a product
 * of two int8s needs nine bits: -1 x -128), multiplied and added in short lanes, which are widened to int and summed
 * every {@value #FLUSH} registers, before they could overflow; the tail of a row scalar. Loaded only when {@code jdk.incubator.vector} is in the module graph.
 */
final class PanamaTernaryKernel implements TernaryKernel {
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;

    @Override
    public String describe() {
        return "Vector API, " + BYTES.vectorBitSize() + "-bit (" + BYTES.length() + " weights a register)";
    }

    /** Chunks a short lane takes before it is flushed to int: 255 products of at most 128 stay within a short. */
    private static final int FLUSH = 255;

    @Override
    public void sums(byte[] trits, int rows, int cols, byte[] q, int[] out) {
        int lanes = BYTES.length();
        int body = cols - cols % lanes;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int sum = 0;
            for (int start = 0; start < body; start += FLUSH * lanes) {
                int end = Math.min(body, start + FLUSH * lanes);
                ShortVector acc0 = ShortVector.zero(SHORTS);
                ShortVector acc1 = ShortVector.zero(SHORTS);
                for (int c = start; c < end; c += lanes) {
                    ByteVector t = ByteVector.fromArray(BYTES, trits, base + c);
                    ByteVector x = ByteVector.fromArray(BYTES, q, c);
                    acc0 = acc0.add(((ShortVector) t.convert(VectorOperators.B2S, 0)).mul((ShortVector) x.convert(VectorOperators.B2S, 0)));
                    acc1 = acc1.add(((ShortVector) t.convert(VectorOperators.B2S, 1)).mul((ShortVector) x.convert(VectorOperators.B2S, 1)));
                }
                sum += widenedSum(acc0) + widenedSum(acc1);
            }
            for (int c = body; c < cols; c++) {
                sum += trits[base + c] * q[c];
            }
            out[r] = sum;
        }
    }

    /** A short vector's lanes added as ints (their sum may leave a short's range). */
    private static int widenedSum(ShortVector v) {
        return ((IntVector) v.convert(VectorOperators.S2I, 0)).reduceLanes(VectorOperators.ADD)
                + ((IntVector) v.convert(VectorOperators.S2I, 1)).reduceLanes(VectorOperators.ADD);
    }
}
