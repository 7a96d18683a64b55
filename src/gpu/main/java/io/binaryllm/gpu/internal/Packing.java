package io.binaryllm.gpu.internal;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;

import java.lang.foreign.MemorySegment;

/**
 * Sign and hyperplane codes packed on the device ({@code blm_pack_sign}, {@code blm_pack_hyperplane}: one work-item
 * per output word), the float rows sent in chunks of at most {@link #CHUNK_BYTES}, the codes read back into an
 * off-heap batch. The caller has refused NaN and infinities, as the binarizers do.
 */
final class Packing {
    /** Float rows sent to the device at once stay under this many bytes. */
    static final long CHUNK_BYTES = 64L << 20;

    private Packing() {
    }

    /** Codes of {@code bits} bits of every row: sign codes when {@code planes} is null, else {@code planes} (bits x dims) applied. */
    static <B> BinaryCodeBatch pack(DeviceCalls<B> calls, FloatEmbeddingBatch x, float[] planes, int bits) {
        int dims = x.dims();
        if (planes != null && planes.length != (long) bits * dims) {
            throw new IllegalArgumentException(planes.length + " projection values for " + bits + " x " + dims);
        }
        int words = BinaryCodeBatch.wordsFor(bits);
        long rowBytes = (long) dims * Float.BYTES;
        long chunkRows = Math.max(1, Math.min(x.rows(), CHUNK_BYTES / rowBytes));
        Kernel kernel = planes == null ? Kernel.PACK_SIGN : Kernel.PACK_HYPERPLANE;
        int group = calls.groupSize(kernel);
        BinaryCodeBatch out = BinaryCodeBatch.allocate(x.rows(), bits, x.source());
        try {
            B input = calls.buffer("pack-input", chunkRows * rowBytes);
            B codes = calls.buffer("pack-codes", chunkRows * words * Long.BYTES);
            B planeBuffer = planes == null ? null : calls.buffer("pack-planes", (long) planes.length * Float.BYTES);
            if (planes != null) {
                calls.send(planeBuffer, MemorySegment.ofArray(planes));
            }
            for (long first = 0; first < x.rows(); first += chunkRows) {
                long rows = Math.min(chunkRows, x.rows() - first);
                calls.send(input, x.segment().asSlice(first * rowBytes, rows * rowBytes));
                int groups = Math.toIntExact((rows * words + group - 1) / group);
                var launch = calls.kernel(kernel, groups).buffer(input).i64(rows).i32(dims);
                // blm_pack_sign(x, rows, dims, codes); blm_pack_hyperplane(x, rows, dims, planes, bits, codes)
                calls.launch(planes == null ? launch.buffer(codes) : launch.buffer(planeBuffer).i32(bits).buffer(codes));
                long[] packed = calls.readLongs(codes, Math.toIntExact(rows * words));
                MemorySegment.copy(packed, 0, out.segment(), BinaryCodeBatch.U64, first * words * Long.BYTES, packed.length);
            }
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }
}
