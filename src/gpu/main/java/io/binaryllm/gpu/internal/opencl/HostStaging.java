package io.binaryllm.gpu.internal.opencl;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Host-to-device copies of any segment (heap arrays, off-heap memory, memory-mapped files) through one direct
 * buffer: drivers take a pointer to native memory, and a mapped database may exceed what one ByteBuffer can view.
 */
final class HostStaging {
    private static final int STAGE = 16 << 20;

    /** A slice of the data, staged in native memory, and where it goes on the device. */
    @FunctionalInterface
    interface Sink {
        void accept(long deviceOffset, ByteBuffer staged, int length);
    }

    private HostStaging() {
    }

    static void copy(MemorySegment data, Sink sink) {
        ByteBuffer stage = ByteBuffer.allocateDirect((int) Math.max(8, Math.min(STAGE, data.byteSize()))).order(ByteOrder.nativeOrder());
        MemorySegment staged = MemorySegment.ofBuffer(stage);
        for (long off = 0; off < data.byteSize(); off += stage.capacity()) {
            int len = (int) Math.min(stage.capacity(), data.byteSize() - off);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, off, staged, ValueLayout.JAVA_BYTE, 0, len);
            sink.accept(off, stage, len);
        }
    }
}
