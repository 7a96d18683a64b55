package io.binaryllm.kvcache.internal;

import io.binaryllm.BadArgumentException;
import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.lowbit.BinaryMatVec;
import io.binaryllm.lowbit.BinaryMatrix;
import io.binaryllm.lowbit.Int8Activations;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.lowbit.PackedTernary;
import io.binaryllm.lowbit.SignActivations;
import io.binaryllm.lowbit.TernaryMatVec;
import io.binaryllm.lowbit.TernaryMatrix;
import io.binaryllm.metric.Dot;

/**
 * One projection of a decoder layer, {@code out[outOffset, +rows) = W x[xOffset, +cols)}: float weights in
 * {@link io.binaryllm.metric.Dot}'s order, or low-bit weights whose input is quantized first (int8 per token, or sign
 * bits) and multiplied by a backend's integer kernels. Immutable and shared by every decoder of a model. {@link #apply}
 * allocates its few scratch arrays; a decoder instead prepares an {@link Input} once for the projections that read it
 * and splits their rows across its threads ({@link #applyRows}), with the same bits.
 */
public sealed interface Linear {
    /**
     * One activation vector as the projections that read it take it: the floats, and the int8 codes or sign bits a
     * low-bit projection quantizes them to, each made once ({@link #prepare}, on one thread, before the rows are split).
     */
    final class Input {
        private final int n;
        private final byte[] q;         // (n) int8 codes
        private final long[] bits;      // (ceil(n / 64)) sign bits
        private float[] x;
        private int offset;
        private float qScale;
        private float bitsScale;
        private boolean hasQ;
        private boolean hasBits;

        public Input(int n) {
            this.n = n;
            this.q = new byte[n];
            this.bits = new long[(n + 63) >>> 6];
        }

        /** From now on the input is {@code x[offset, offset + n)}; its codes are made again when asked. */
        public Input of(float[] x, int offset) {
            this.x = x;
            this.offset = offset;
            hasQ = false;
            hasBits = false;
            return this;
        }

        void int8() {
            if (!hasQ) {
                qScale = Int8Activations.quantize(x, offset, n, q, 0);
                hasQ = true;
            }
        }

        void signs() {
            if (!hasBits) {
                bitsScale = SignActivations.quantize(x, offset, n, bits, 0);
                hasBits = true;
            }
        }
    }

    /** Output features. */
    int rows();

    /** Input features. */
    int cols();

    /** Bits a weight as held in memory, the scales included. */
    double bitsPerWeight();

    /** The plan's kind this projection is. */
    BitLinearPlan.Kind kind();

    /**
     * The product's work in float multiply-adds, for deciding whether a range of its rows is worth splitting over
     * threads ({@link WorkerTeam#SPLIT_FROM}): rows x cols for float weights; an integer kernel does
     * {@link #INTEGER_PRODUCTS_A_FLOAT_ONE} of its multiply-adds in a float one's time (64 int8 products an AVX-512
     * VNNI instruction against 8 widened double ones), so a low-bit projection counts that many times less and its
     * short ranges stay on one thread, where a hand-off would cost more than the half it saves.
     */
    default long work() {
        long products = (long) rows() * cols();
        return kind() == BitLinearPlan.Kind.FLOAT ? products : products / INTEGER_PRODUCTS_A_FLOAT_ONE;
    }

    /** Integer multiply-adds a float one costs, roughly: see {@link #work()}. */
    int INTEGER_PRODUCTS_A_FLOAT_ONE = 8;

    void apply(float[] x, int xOffset, float[] out, int outOffset);

    /** Makes {@code in} ready for {@link #applyRows}: its int8 codes or sign bits, once. On one thread, before a range. */
    default void prepare(Input in) {
    }

    /**
     * Rows {@code [from, to)} of {@link #apply} from {@code in} (prepared), on the calling thread: {@code out[outOffset + r]}.
     *
     * @param sums scratch of {@link #sumsLength()} ints, written at these rows only (threads share one over disjoint rows)
     */
    void applyRows(Input in, float[] out, int outOffset, int from, int to, int[] sums);

    /** Ints of {@link #applyRows}' scratch: a sum a row (a group) of the integer products; 0 for float weights. */
    default int sumsLength() {
        return 0;
    }

    /** The same weights multiplied by {@code kernels} (a float projection has none to change). */
    Linear withKernels(LowBitKernels kernels);

    /** The weights as floats, {@code trit * scale} or {@code sign * scale}, into {@code out[at, at + rows * cols)}. */
    void dequantize(float[] out, int at);

    /** Float32 weights, the (rows, cols) matrix at {@code w[offset]}. */
    record Float32(float[] w, int offset, int rows, int cols) implements Linear {
        @Override
        public BitLinearPlan.Kind kind() {
            return BitLinearPlan.Kind.FLOAT;
        }

        @Override
        public double bitsPerWeight() {
            return 32;
        }

        @Override
        public void apply(float[] x, int xOffset, float[] out, int outOffset) {
            ParallelMatVec.matVec(w, offset, rows, cols, x, xOffset, out, outOffset);
        }

        /** Rows [from, to) of {@link #apply} on the calling thread: a part of a range the caller splits. */
        public void applyRows(float[] x, int xOffset, float[] out, int outOffset, int from, int to) {
            Dot.matVec(w, offset + from * cols, to - from, cols, x, xOffset, out, outOffset + from);
        }

        @Override
        public void applyRows(Input in, float[] out, int outOffset, int from, int to, int[] sums) {
            applyRows(in.x, in.offset, out, outOffset, from, to);
        }

        @Override
        public Linear withKernels(LowBitKernels kernels) {
            return this;
        }

        @Override
        public void dequantize(float[] out, int at) {
            System.arraycopy(w, offset, out, at, rows * cols);
        }
    }

    /** Ternary weights (one byte a trit, or TQ2_0 blocks) against the input quantized to int8. */
    record Ternary(TernaryMatrix unpacked, PackedTernary packed, LowBitKernels kernels) implements Linear {
        @Override
        public BitLinearPlan.Kind kind() {
            return BitLinearPlan.Kind.TERNARY;
        }

        public Ternary {
            if ((unpacked == null) == (packed == null)) {
                throw new BadArgumentException("packed", "a ternary projection holds either trits or packed blocks");
            }
        }

        @Override
        public int rows() {
            return packed != null ? packed.rows() : unpacked.rows();
        }

        @Override
        public int cols() {
            return packed != null ? packed.cols() : unpacked.cols();
        }

        @Override
        public double bitsPerWeight() {
            return packed != null ? packed.format().bitsPerWeight() : 8 + 32.0 * unpacked.scales().length / ((double) rows() * cols());
        }

        @Override
        public void apply(float[] x, int xOffset, float[] out, int outOffset) {
            byte[] q = new byte[cols()];
            float[] scale = {Int8Activations.quantize(x, xOffset, cols(), q, 0)};
            float[] y = packed != null ? TernaryMatVec.matMul(kernels, packed, q, scale) : TernaryMatVec.matMul(kernels, unpacked, q, scale);
            System.arraycopy(y, 0, out, outOffset, y.length);
        }

        @Override
        public void prepare(Input in) {
            in.int8();
        }

        @Override
        public void applyRows(Input in, float[] out, int outOffset, int from, int to, int[] sums) {
            if (packed != null) {
                TernaryMatVec.rows(kernels, packed, in.q, in.qScale, from, to, sums, out, outOffset);
            } else {
                TernaryMatVec.rows(kernels, unpacked, in.q, in.qScale, from, to, sums, out, outOffset);
            }
        }

        @Override
        public int sumsLength() {
            return rows();
        }

        @Override
        public Linear withKernels(LowBitKernels k) {
            return new Ternary(unpacked, packed, k);
        }

        @Override
        public void dequantize(float[] out, int at) {
            TernaryMatrix t = packed != null ? packed.unpack() : unpacked;
            for (int r = 0; r < t.rows(); r++) {
                for (int c = 0; c < t.cols(); c++) {
                    out[at + r * t.cols() + c] = t.trits()[r * t.cols() + c] * t.scale(r);
                }
            }
        }
    }

    /** Binary weights against the input quantized to int8, or to sign bits ({@code signs}: XNOR-popcount). */
    record Binary(BinaryMatrix w, boolean signs, LowBitKernels kernels) implements Linear {
        @Override
        public BitLinearPlan.Kind kind() {
            return signs ? BitLinearPlan.Kind.BINARY_SIGNS : BitLinearPlan.Kind.BINARY;
        }

        @Override
        public int rows() {
            return w.rows();
        }

        @Override
        public int cols() {
            return w.cols();
        }

        @Override
        public double bitsPerWeight() {
            return w.bitsPerWeight();
        }

        @Override
        public void apply(float[] x, int xOffset, float[] out, int outOffset) {
            float[] y;
            if (signs) {
                long[] bits = new long[w.rowWords()];
                float[] scale = {SignActivations.quantize(x, xOffset, w.cols(), bits, 0)};
                y = BinaryMatVec.signMatMul(kernels, w, bits, scale);
            } else {
                byte[] q = new byte[w.cols()];
                float[] scale = {Int8Activations.quantize(x, xOffset, w.cols(), q, 0)};
                y = BinaryMatVec.matMul(kernels, w, q, scale);
            }
            System.arraycopy(y, 0, out, outOffset, y.length);
        }

        @Override
        public void prepare(Input in) {
            if (signs) {
                in.signs();
            } else {
                in.int8();
            }
        }

        @Override
        public void applyRows(Input in, float[] out, int outOffset, int from, int to, int[] sums) {
            if (signs) {
                BinaryMatVec.signRows(kernels, w, in.bits, in.bitsScale, from, to, sums, out, outOffset);
            } else {
                BinaryMatVec.rows(kernels, w, in.q, in.qScale, from, to, sums, out, outOffset);
            }
        }

        @Override
        public int sumsLength() {
            return w.rows() * (w.cols() / w.group());
        }

        @Override
        public Linear withKernels(LowBitKernels k) {
            return new Binary(w, signs, k);
        }

        @Override
        public void dequantize(float[] out, int at) {
            for (int r = 0; r < w.rows(); r++) {
                for (int c = 0; c < w.cols(); c++) {
                    out[at + r * w.cols() + c] = w.sign(r, c) * w.scale(r, c);
                }
            }
        }
    }
}
