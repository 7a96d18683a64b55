package io.binaryllm.gpu.internal.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

/**
 * Host-to-device copies through two page-locked (pinned) staging buffers on one stream. The DMA engine reads only
 * pinned memory: a copy from pageable memory (a heap array, a mapped file) is staged by the driver anyway, at about
 * half the PCIe rate. Here the host fills one stage while the other one's asynchronous copy runs, so reading the
 * (possibly memory-mapped) database overlaps the transfer. Allocated on first use, kept until {@link #free()}.
 * Callers hold the runtime's lock: one upload at a time.
 */
final class PinnedStages {
    static final int STAGE_BYTES = 16 << 20;

    private final Pointer[] host = new Pointer[2];
    private final MemorySegment[] view = new MemorySegment[2];
    private final CUevent[] copied = new CUevent[2];
    private final boolean[] inFlight = new boolean[2];

    /** Copies {@code data} to {@code dst} and returns when the device has it all. */
    void upload(CUdeviceptr dst, MemorySegment data, CUstream stream) {
        allocate();
        int s = 0;
        for (long off = 0; off < data.byteSize(); off += STAGE_BYTES, s ^= 1) {
            int len = (int) Math.min(STAGE_BYTES, data.byteSize() - off);
            if (inFlight[s]) {
                cuEventSynchronize(copied[s]); // this stage's previous copy is done: it may be refilled
            }
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, off, view[s], ValueLayout.JAVA_BYTE, 0, len);
            cuMemcpyHtoDAsync(dst.withByteOffset(off), host[s], len, stream);
            cuEventRecord(copied[s], stream);
            inFlight[s] = true;
        }
        cuStreamSynchronize(stream);
        inFlight[0] = inFlight[1] = false;
    }

    private void allocate() {
        for (int s = 0; s < 2; s++) {
            if (host[s] == null) {
                Pointer p = new Pointer();
                cuMemAllocHost(p, STAGE_BYTES);
                host[s] = p;
                view[s] = MemorySegment.ofBuffer(p.getByteBuffer(0, STAGE_BYTES));
                CUevent e = new CUevent();
                cuEventCreate(e, 0);
                copied[s] = e;
            }
        }
    }

    /** Frees the pinned buffers and events (allocated again on the next upload). */
    void free() {
        for (int s = 0; s < 2; s++) {
            if (host[s] != null) {
                cuMemFreeHost(host[s]);
                cuEventDestroy(copied[s]);
                host[s] = null;
                view[s] = null;
                copied[s] = null;
                inFlight[s] = false;
            }
        }
    }
}
