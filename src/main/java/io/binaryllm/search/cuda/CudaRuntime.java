package io.binaryllm.search.cuda;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.SearchResult;
import io.binaryllm.search.gpu.CountingSelection;
import io.binaryllm.search.gpu.GpuRuntime;
import io.binaryllm.search.gpu.KernelSources;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static jcuda.driver.JCudaDriver.*;

/**
 * One CUDA device, context and module (the PTX kept in the jar, JIT-compiled by the driver: no toolkit needed) for
 * the whole JVM. The same kernels and host logic as {@code opencl}: histogram, cut, collect, carried across
 * database chunks sized to the device's free memory. Every driver call is checked (exceptions enabled) and turned
 * into a message naming the call.
 */
final class CudaRuntime implements GpuRuntime {
    private static final int GROUP = 64;

    private final CUcontext context;
    private final CUfunction histogram;
    private final CUfunction collect;
    private final CUfunction small;
    private final String description;
    private final io.binaryllm.search.gpu.GpuTimings timings = new io.binaryllm.search.gpu.GpuTimings();
    private volatile io.binaryllm.search.gpu.GpuTimings.Seconds last;

    private static final io.binaryllm.search.gpu.LoadOnce<GpuRuntime.Loaded> LOADED = new io.binaryllm.search.gpu.LoadOnce<>(CudaRuntime::load);

    static GpuRuntime.Loaded get() {
        return LOADED.get();
    }

    private CudaRuntime(CUdevice device) {
        this.context = new CUcontext();
        cuCtxCreate(context, 0, device);
        CUmodule module = new CUmodule();
        byte[] ptx = (KernelSources.read("binaryllm.ptx") + "\0").getBytes(StandardCharsets.US_ASCII);
        cuModuleLoadData(module, ptx);
        this.histogram = new CUfunction();
        cuModuleGetFunction(histogram, module, "blm_histogram");
        this.collect = new CUfunction();
        cuModuleGetFunction(collect, module, "blm_collect");
        this.small = new CUfunction();
        cuModuleGetFunction(small, module, "blm_topk_small");
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        long[] memory = new long[1];
        cuDeviceTotalMem(memory, device);
        int[] major = new int[1];
        int[] minor = new int[1];
        cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        int[] driver = new int[1];
        cuDriverGetVersion(driver);
        String deviceName = new String(name, StandardCharsets.US_ASCII).trim().replace("\0", "");
        this.description = deviceName + " (compute " + major[0] + "." + minor[0] + ", " + memory[0] / (1 << 20)
                + " MiB, driver CUDA " + driver[0] / 1000 + "." + (driver[0] % 1000) / 10 + ")";
    }

    private static GpuRuntime.Loaded load() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] count = new int[1];
            cuDeviceGetCount(count);
            if (count[0] == 0) {
                return new GpuRuntime.Loaded(null, "the NVIDIA driver reports no CUDA device");
            }
            CUdevice device = new CUdevice();
            cuDeviceGet(device, 0);
            return new GpuRuntime.Loaded(new CudaRuntime(device), null);
        } catch (LinkageError e) {
            return new GpuRuntime.Loaded(null, "no NVIDIA driver: " + rootCause(e.getMessage()));
        } catch (CudaException e) {
            return new GpuRuntime.Loaded(null, "CUDA: " + e.getMessage());
        } catch (RuntimeException e) {
            return new GpuRuntime.Loaded(null, "CUDA initialisation failed: " + e);
        }
    }

    /**
     * JCuda's load error is a page of nested stack traces; the line that matters says which shared object was
     * missing (normally libcuda.so.1, the driver).
     */
    static String rootCause(String message) {
        if (message == null) {
            return "the JCuda driver library did not load";
        }
        for (String line : message.split("\n")) {
            int at = line.indexOf(": lib");
            if (line.contains("cannot open shared object file") && at >= 0) {
                return line.substring(at + 2).strip();
            }
        }
        return message.lines().findFirst().orElse(message).strip();
    }

    @Override
    public io.binaryllm.search.gpu.GpuTimings.Seconds lastTimings() {
        return last;
    }

    @Override
    public boolean isGpu() {
        return true;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public synchronized SearchResult search(BinaryCodeBatch db, BinaryCodeBatch queries, int k, long maxChunkBytes) {
        cuCtxSetCurrent(context);
        timings.reset();
        int words = db.words();
        int nq = Math.toIntExact(queries.rows());
        int bins = db.bits() + 1;
        long rowBytes = (long) words * Long.BYTES;
        long[] free = new long[1];
        long[] total = new long[1];
        cuMemGetInfo(free, total);
        int chunk = (int) Math.max(1, Math.min(nq, Math.min((256L << 20) / (4L * bins), (256L << 20) / (8L * k))));
        long working = queries.segment().byteSize() + chunk * (4L * bins + 16L + 8L * k) + (64L << 20);
        long chunkRows = Math.max(1, Math.min(db.rows(), Math.min(maxChunkBytes, Math.max(rowBytes, free[0] - working) / 2) / rowBytes));
        boolean resident = chunkRows >= db.rows();
        long[] indices = new long[nq * k];
        int[] distances = new int[nq * k];
        CUdeviceptr dbBuf = alloc(chunkRows * rowBytes);
        CUdeviceptr qBuf = alloc(queries.segment().byteSize());
        CUdeviceptr histBuf = alloc(4L * bins * chunk);
        CUdeviceptr cutBuf = alloc(4L * chunk);
        CUdeviceptr tieBuf = alloc(4L * chunk);
        CUdeviceptr belowBuf = alloc(4L * chunk);
        CUdeviceptr atBuf = alloc(4L * chunk);
        CUdeviceptr keyBuf = alloc(8L * k * chunk);
        try {
            write(qBuf, queries.segment());
            if (resident) {
                write(dbBuf, db.segment());
            }
            for (int q0 = 0; q0 < nq; q0 += chunk) {
                int m = Math.min(chunk, nq - q0);
                if (k <= CountingSelection.SMALL_K) {
                    cuMemsetD32(keyBuf, -1, 2L * m * k); // no key yet: all ones
                    for (long first = 0; first < db.rows(); first += chunkRows) {
                        long rows = Math.min(chunkRows, db.rows() - first);
                        if (!resident) {
                            write(dbBuf, db.segment().asSlice(first * rowBytes, rows * rowBytes));
                        }
                        launch(small, m, CountingSelection.SMALL_GROUP, Pointer.to(dbBuf), Pointer.to(new long[]{rows}),
                                Pointer.to(new long[]{first}), Pointer.to(new int[]{words}), Pointer.to(qBuf),
                                Pointer.to(new int[]{q0}), Pointer.to(new int[]{k}), Pointer.to(keyBuf));
                    }
                    long[] keys = new long[m * k];
                    read(Pointer.to(keys), keyBuf, 8L * keys.length);
                    CountingSelection.unpack(keys, m, k, indices, distances, q0 * k);
                    continue;
                }
                cuMemsetD32(histBuf, 0, (long) m * bins);
                for (long first = 0; first < db.rows(); first += chunkRows) {
                    long rows = Math.min(chunkRows, db.rows() - first);
                    if (!resident) {
                        write(dbBuf, db.segment().asSlice(first * rowBytes, rows * rowBytes));
                    }
                    launch(histogram, m, GROUP, Pointer.to(dbBuf), Pointer.to(new long[]{rows}), Pointer.to(new int[]{words}),
                            Pointer.to(qBuf), Pointer.to(new int[]{q0}), Pointer.to(new int[]{db.bits()}), Pointer.to(histBuf));
                }
                int[] hist = new int[m * bins];
                read(Pointer.to(hist), histBuf, 4L * hist.length);
                int[][] cuts = CountingSelection.cuts(hist, m, bins, k);
                cuMemcpyHtoD(cutBuf, Pointer.to(cuts[0]), 4L * m);
                cuMemcpyHtoD(tieBuf, Pointer.to(cuts[1]), 4L * m);
                cuMemsetD32(belowBuf, 0, m);
                cuMemsetD32(atBuf, 0, m);
                for (long first = 0; first < db.rows(); first += chunkRows) {
                    long rows = Math.min(chunkRows, db.rows() - first);
                    if (!resident) {
                        write(dbBuf, db.segment().asSlice(first * rowBytes, rows * rowBytes));
                    }
                    launch(collect, m, GROUP, Pointer.to(dbBuf), Pointer.to(new long[]{rows}), Pointer.to(new long[]{first}),
                            Pointer.to(new int[]{words}), Pointer.to(qBuf), Pointer.to(new int[]{q0}), Pointer.to(cutBuf),
                            Pointer.to(tieBuf), Pointer.to(new int[]{k}), Pointer.to(belowBuf), Pointer.to(atBuf), Pointer.to(keyBuf));
                }
                long[] keys = new long[m * k];
                read(Pointer.to(keys), keyBuf, 8L * keys.length);
                CountingSelection.unpack(keys, m, k, indices, distances, q0 * k);
            }
        } finally {
            for (CUdeviceptr p : new CUdeviceptr[]{dbBuf, qBuf, histBuf, cutBuf, tieBuf, belowBuf, atBuf, keyBuf}) {
                cuMemFree(p);
            }
        }
        last = timings.snapshot();
        return new SearchResult(nq, k, indices, distances);
    }

    /** Launches and waits, so kernel time is measured apart from the copies. */
    private void launch(CUfunction f, int groups, int threads, Pointer... args) {
        long t = System.nanoTime();
        cuLaunchKernel(f, groups, 1, 1, threads, 1, 1, 0, null, Pointer.to(args), null);
        cuCtxSynchronize();
        timings.kernels(t);
    }

    private void read(Pointer dst, CUdeviceptr src, long bytes) {
        long t = System.nanoTime();
        cuMemcpyDtoH(dst, src, bytes);
        timings.download(t);
    }

    private static CUdeviceptr alloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        cuMemAlloc(p, Math.max(8, bytes));
        return p;
    }

    /** Host to device (timed as upload). */
    private void write(CUdeviceptr dst, MemorySegment data) {
        long t = System.nanoTime();
        io.binaryllm.search.gpu.HostStaging.copy(data, (off, stage, len) -> cuMemcpyHtoD(dst.withByteOffset(off), Pointer.to(stage), len));
        timings.upload(t);
    }
}
