package io.binaryllm.gpu.internal;

import java.lang.foreign.MemorySegment;

/**
 * The low-bit sums on the device ({@code blm_ternary_sums}, {@code blm_tq2_sums}, {@code blm_binary_sums},
 * {@code blm_sign_sums}: one work-item per output row and token, {@code LowBitKernel}'s definitions): the weights and
 * activations sent for each call, the int32 sums of rows {@code [from, to)} read back into the caller's array.
 * <pre>
 *   ternary, tq2: out (batch, rows)            binary, signs: out (batch, rows, groups)
 * </pre>
 */
final class LowBitSums {
    private LowBitSums() {
    }

    /**
     * Runs {@code kernel} with weights {@code w} and activations {@code x}; {@code group} is 0 for the ternary kernels
     * (no group argument, one sum a row) and the group width for the binary ones.
     */
    static <B> void run(DeviceCalls<B> calls, Kernel kernel, MemorySegment w, int rows, int cols, int group, int from, int to,
                        MemorySegment x, int batch, int[] out) {
        int groups = group == 0 ? 1 : cols / group;
        B weights = calls.buffer("low-bit-weights", w.byteSize());
        B activations = calls.buffer("low-bit-activations", x.byteSize());
        B sums = calls.buffer("low-bit-sums", (long) batch * rows * groups * Integer.BYTES);
        calls.send(weights, w);
        calls.send(activations, x);
        long items = (long) (to - from) * batch;
        int size = calls.groupSize(kernel);
        var launch = calls.kernel(kernel, Math.toIntExact((items + size - 1) / size)).buffer(weights).i32(rows).i32(cols);
        if (group != 0) {
            launch.i32(group);
        }
        // (weights, rows, cols[, group], from, to, activations, batch, out)
        calls.launch(launch.i32(from).i32(to).buffer(activations).i32(batch).buffer(sums));
        int[] all = calls.readInts(sums, batch * rows * groups);
        for (int b = 0; b < batch; b++) {
            int at = (b * rows + from) * groups;
            System.arraycopy(all, at, out, at, (to - from) * groups);
        }
    }
}
