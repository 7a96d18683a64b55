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
 * summed by the scalar loops: their popcounts are already single instructions once the JIT has compiled them.
 * Loaded only when {@code jdk.incubator.vector} is in the module graph.
 */
final class PanamaLowBitKernel implements LowBitKernel {
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
    /** At most 32 byte lanes for packed blocks, so that a register never straddles a block's two halves. */
    private static final VectorSpecies<Byte> TQ2_BYTES = BYTES.vectorBitSize() > 256 ? ByteVector.SPECIES_256 : BYTES;
    private static final VectorSpecies<Short> TQ2_SHORTS = VectorSpecies.of(short.class, TQ2_BYTES.vectorShape());
    /** Registers a short lane adds 4 products of at most 3 x 128 from before a flush: 21 x 4 x 384 = 32,256 < 32,767. */
    private static final int TQ2_FLUSH = 21;

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
    @Override
    public void tq2Sums(byte[] blocks, int rows, int cols, int from, int to, byte[] q, int batch, int[] out) {
        int[] qSums = new int[batch];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < cols; c++) {
                qSums[b] += q[b * cols + c];
            }
        }
        for (int r = from; r < to; r++) {
            for (int b = 0; b < batch; b++) {
                out[b * rows + r] = tq2RowSum(blocks, r, cols, q, b * cols) - qSums[b];
            }
        }
    }

    /** Row r's sum over the stored values t + 1 (0, 1, 2); the caller subtracts the activations' sum. */
    private static int tq2RowSum(byte[] blocks, int r, int cols, byte[] q, int qBase) {
        int lanes = TQ2_BYTES.length();
        int perRow = cols / 256;
        ShortVector acc0 = ShortVector.zero(TQ2_SHORTS);
        ShortVector acc1 = ShortVector.zero(TQ2_SHORTS);
        int sum = 0;
        int pending = 0;
        for (int b = 0; b < perRow; b++) {
            int at = (r * perRow + b) * 66;
            for (int i = 0; i < 64; i += lanes) {
                ByteVector packed = ByteVector.fromArray(TQ2_BYTES, blocks, at + i);
                int first = qBase + b * 256 + (i / 32) * 128 + i % 32; // weight of field 0 in this register's first byte
                for (int n = 0; n < 4; n++) {
                    ByteVector codes = packed.lanewise(VectorOperators.LSHR, 2 * n).and((byte) 3);
                    ByteVector x = ByteVector.fromArray(TQ2_BYTES, q, first + n * 32);
                    acc0 = acc0.add(((ShortVector) codes.convert(VectorOperators.B2S, 0)).mul((ShortVector) x.convert(VectorOperators.B2S, 0)));
                    acc1 = acc1.add(((ShortVector) codes.convert(VectorOperators.B2S, 1)).mul((ShortVector) x.convert(VectorOperators.B2S, 1)));
                }
                if (++pending == TQ2_FLUSH) { // flushed before a short lane could overflow, even on a stored 3
                    sum += widenedSum(acc0) + widenedSum(acc1);
                    acc0 = ShortVector.zero(TQ2_SHORTS);
                    acc1 = ShortVector.zero(TQ2_SHORTS);
                    pending = 0;
                }
            }
        }
        return sum + widenedSum(acc0) + widenedSum(acc1);
    }

    @Override
    public void binarySums(long[] words, int rows, int cols, int group, int from, int to, byte[] q, int batch, int[] out) {
        ScalarLowBitKernel.binarySumsScalar(words, rows, cols, group, from, to, q, batch, out);
    }

    @Override
    public void signSums(long[] words, int rows, int cols, int group, int from, int to, long[] x, int batch, int[] out) {
        ScalarLowBitKernel.signSumsScalar(words, rows, cols, group, from, to, x, batch, out);
    }
}
