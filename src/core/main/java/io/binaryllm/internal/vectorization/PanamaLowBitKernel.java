package io.binaryllm.internal.vectorization;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Ternary sums with the Vector API: a register of trits and one of activations at a time, widened to shorts (a
 * product of two int8s needs nine bits: -1 x -128), multiplied and added in short lanes, which are widened to int and
 * summed every {@value #FLUSH} registers, before they could overflow; the tail of a row scalar. Binary weights are
 * summed by popcounts ({@link BitPlaneSums}, and XNOR for sign activations), which the JIT makes single instructions.
 * Loaded only when {@code jdk.incubator.vector} is in the module graph.
 */
final class PanamaLowBitKernel implements LowBitKernel {
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;

    @Override
    public String describe() {
        return "Vector API, " + BYTES.vectorBitSize() + "-bit (" + BYTES.length() + " weights a register)";
    }

    /** Chunks a short lane takes before it is flushed to int: 255 products of at most 128 stay within a short. */
    private static final int FLUSH = 255;

    @Override
    public void ternarySums(byte[] trits, int rows, int cols, int from, int to, byte[] q, int batch, int[] out) {
        for (int r = from; r < to; r++) {
            for (int b = 0; b < batch; b++) {
                out[b * rows + r] = rowSum(trits, r * cols, q, b * cols, cols);
            }
        }
    }

    private static int rowSum(byte[] trits, int base, byte[] q, int qBase, int cols) {
        int lanes = BYTES.length();
        int body = cols - cols % lanes;
        int sum = 0;
        for (int start = 0; start < body; start += FLUSH * lanes) {
            int end = Math.min(body, start + FLUSH * lanes);
            ShortVector acc0 = ShortVector.zero(SHORTS);
            ShortVector acc1 = ShortVector.zero(SHORTS);
            for (int c = start; c < end; c += lanes) {
                ByteVector t = ByteVector.fromArray(BYTES, trits, base + c);
                ByteVector x = ByteVector.fromArray(BYTES, q, qBase + c);
                acc0 = acc0.add(((ShortVector) t.convert(VectorOperators.B2S, 0)).mul((ShortVector) x.convert(VectorOperators.B2S, 0)));
                acc1 = acc1.add(((ShortVector) t.convert(VectorOperators.B2S, 1)).mul((ShortVector) x.convert(VectorOperators.B2S, 1)));
            }
            sum += widenedSum(acc0) + widenedSum(acc1);
        }
        for (int c = body; c < cols; c++) {
            sum += trits[base + c] * q[qBase + c];
        }
        return sum;
    }

    /** A short vector's lanes added as ints (their sum may leave a short's range). */
    private static int widenedSum(ShortVector v) {
        return ((IntVector) v.convert(VectorOperators.S2I, 0)).reduceLanes(VectorOperators.ADD)
                + ((IntVector) v.convert(VectorOperators.S2I, 1)).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Registers of at most 32 bytes of a block's 64: such a register lies in one half j of the block, so its 2-bit
     * field n holds weights j * 128 + n * 32 + m for consecutive m, whose activations are consecutive too. The sum
     * is taken over the stored values t + 1 (0, 1, 2) and the row's sum of activations subtracted once.
     */
    /**
     * Each row's blocks unpacked into trits first (a shift, a mask and a subtraction for every 32 weights, into a
     * scratch row that stays in L1), then summed as unpacked trits against every token: TQ2_0's bytes are read once.
     */
    @Override
    public void tq2Sums(byte[] blocks, int rows, int cols, int from, int to, byte[] q, int batch, int[] out) {
        byte[] trits = new byte[cols];
        int perRow = cols / 256;
        for (int r = from; r < to; r++) {
            for (int b = 0; b < perRow; b++) {
                int at = (r * perRow + b) * 66;
                for (int j = 0; j < 2; j++) {
                    ByteVector packed = ByteVector.fromArray(ByteVector.SPECIES_256, blocks, at + j * 32);
                    for (int n = 0; n < 4; n++) {
                        packed.lanewise(VectorOperators.LSHR, 2 * n).and((byte) 3).sub((byte) 1)
                                .intoArray(trits, b * 256 + j * 128 + n * 32);
                    }
                }
            }
            for (int b = 0; b < batch; b++) {
                out[b * rows + r] = rowSum(trits, 0, q, b * cols, cols);
            }
        }
    }

    @Override
    public void binarySums(long[] words, int rows, int cols, int group, int from, int to, byte[] q, int batch, int[] out) {
        BitPlaneSums.binarySums(words, rows, cols, group, from, to, q, batch, out);
    }

    @Override
    public void signSums(long[] words, int rows, int cols, int group, int from, int to, long[] x, int batch, int[] out) {
        ScalarLowBitKernel.signSumsScalar(words, rows, cols, group, from, to, x, batch, out);
    }
}
