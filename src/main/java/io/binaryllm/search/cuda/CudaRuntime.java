package io.binaryllm.search.cuda;

import io.binaryllm.data.BinaryCodeBatch;
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
import jcuda.driver.CUjit_option;
import jcuda.driver.JITOptions;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
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
final class CudaRuntime extends io.binaryllm.search.gpu.TimedRuntime {
    private static final int GROUP = 64;

    private final CUcontext context;
    /** The runtime's one stream: copies and kernels in order, the host waiting on it (not on the whole context). */
    private final CUstream stream = new CUstream();
    /** Uploads' stream: a database chunk copies (from the upload thread) while a kernel runs on {@link #stream}. */
    private final CUstream copies = new CUstream();
    private final PinnedStages stages = new PinnedStages();
    private final CUfunction histogram;
    private final CUfunction collect;
    private final CUfunction small;
    private final CUfunction small8;
    private final CUfunction packSign;
    private final CUfunction packHyperplane;
    private final String description;

    private static final io.binaryllm.search.gpu.LoadOnce<GpuRuntime.Loaded> LOADED = new io.binaryllm.search.gpu.LoadOnce<>(CudaRuntime::load);

    static GpuRuntime.Loaded get() {
        return LOADED.get();
    }

    /** 32-bit popcounts per second: 16 per clock per SM (see PopcountBound). */
    private final double popcountRate;
    private final int multiprocessors;

    private CudaRuntime(CUdevice device) {
        this.context = new CUcontext();
        cuCtxCreate(context, 0, device);
        cuStreamCreate(stream, 0);
        cuStreamCreate(copies, 0);
        CUmodule module = loadModule((KernelSources.read("binaryllm.ptx") + "\0").getBytes(StandardCharsets.US_ASCII));
        this.histogram = new CUfunction();
        cuModuleGetFunction(histogram, module, "blm_histogram");
        this.collect = new CUfunction();
        cuModuleGetFunction(collect, module, "blm_collect");
        this.small = new CUfunction();
        cuModuleGetFunction(small, module, "blm_topk_small");
        this.small8 = new CUfunction();
        cuModuleGetFunction(small8, module, "blm_topk_small8");
        this.packSign = new CUfunction();
        cuModuleGetFunction(packSign, module, "blm_pack_sign");
        this.packHyperplane = new CUfunction();
        cuModuleGetFunction(packHyperplane, module, "blm_pack_hyperplane");
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        long[] memory = new long[1];
        cuDeviceTotalMem(memory, device);
        int[] major = new int[1];
        int[] minor = new int[1];
        cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        int[] sms = new int[1];
        int[] clockKhz = new int[1];
        cuDeviceGetAttribute(sms, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device);
        cuDeviceGetAttribute(clockKhz, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CLOCK_RATE, device);
        this.popcountRate = io.binaryllm.search.gpu.PopcountBound.rate(sms[0], clockKhz[0] * 1e3);
        this.multiprocessors = Math.max(1, sms[0]);
        int[] driver = new int[1];
        cuDriverGetVersion(driver);
        String deviceName = new String(name, StandardCharsets.US_ASCII).trim().replace("\0", "");
        this.description = deviceName + " (compute " + major[0] + "." + minor[0] + ", " + memory[0] / (1 << 20)
                + " MiB, " + sms[0] + " SMs at " + clockKhz[0] / 1000 + " MHz, driver CUDA " + driver[0] / 1000 + "."
                + (driver[0] % 1000) / 10 + ")";
    }

    /**
     * The kernels' module, JIT-compiled by the driver for this GPU (the PTX says ISA 7.8, sm_75: any driver from 2022
     * on). If the driver refuses it, the PTX is loaded once more with an error-log buffer, so the message carries
     * the JIT compiler's first line of complaint, not only an error code.
     */
    private static CUmodule loadModule(byte[] ptx) {
        CUmodule module = new CUmodule();
        try {
            cuModuleLoadData(module, ptx);
            return module;
        } catch (CudaException e) {
            throw new CudaException("cuModuleLoadData(binaryllm.ptx) returned " + e.getMessage() + jitLog(ptx));
        }
    }

    /** The JIT error log's first line for {@code ptx}, as " (JIT: ...)", or "" if there is none. Failure path only. */
    private static String jitLog(byte[] ptx) {
        try {
            byte[] log = new byte[4096];
            JITOptions options = new JITOptions();
            options.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, log.length);
            options.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, log);
            CUmodule retry = new CUmodule();
            try {
                cuModuleLoadDataJIT(retry, Pointer.to(ptx), options);
                cuModuleUnload(retry); // loaded the second time: nothing to explain
                return "";
            } catch (CudaException expected) {
                String text = options.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
                return text == null ? "" : text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                        .map(l -> " (JIT: " + l + ")").orElse("");
            }
        } catch (RuntimeException | LinkageError e) {
            return ""; // the log is a courtesy: the original error is reported either way
        }
    }

    @Override
    public double popcountsPerSecond() {
        return popcountRate;
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
            String call = io.binaryllm.search.gpu.DeviceFailure.apiCall(e);
            return new GpuRuntime.Loaded(null, "CUDA: " + (call == null ? "" : call + " returned ") + e.getMessage());
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
    public boolean isGpu() {
        return true;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    protected io.binaryllm.search.gpu.GpuHost<?> host() {
        return device;
    }

    /** The context is current on the thread that created it only; every thread that uses the device sets it. */
    @Override
    protected void enter() {
        cuCtxSetCurrent(context);
    }

    /** Frees the device buffers and the pinned staging buffers. */
    @Override
    public synchronized void releaseBuffers() {
        super.releaseBuffers();
        try {
            stages.free();
        } catch (CudaException e) {
            throw io.binaryllm.search.gpu.DeviceFailure.of(backend(), "freeing its pinned buffers", e);
        }
    }

    @Override
    protected String backend() {
        return "cuda";
    }

    /**
     * What is free on the device less a reserve for searches on it (their queries, keys and histograms: up to
     * 2 x 256 MiB a pass, and 64 MiB more), and at most {@code maxChunkBytes}.
     */
    @Override
    protected long keepableBytes(long maxChunkBytes) {
        long[] free = new long[1];
        long[] total = new long[1];
        cuMemGetInfo(free, total);
        return Math.min(maxChunkBytes, free[0] - (576L << 20));
    }

    /** Chunks sized to half the free device memory (two are in flight) or {@code maxChunkBytes}. */
    @Override
    protected long chunkRows(BinaryCodeBatch db, BinaryCodeBatch queries, int k, long maxChunkBytes) {
        long rowBytes = (long) db.words() * Long.BYTES;
        long[] free = new long[1];
        long[] total = new long[1];
        cuMemGetInfo(free, total);
        free[0] += device.pooledDatabaseBytes(); // our kept database buffers are reused or replaced: count them free
        int pass = io.binaryllm.search.gpu.GpuHost.queriesPerPass(Math.toIntExact(queries.rows()), db.bits() + 1, k);
        long working = queries.segment().byteSize() + pass * (4L * (db.bits() + 1) + 16L + 8L * k) + (64L << 20);
        long chunkRows = Math.max(1, Math.min(db.rows(), Math.min(maxChunkBytes, Math.max(rowBytes, free[0] - working) / 2) / rowBytes));
        return chunkRows;
    }

    /** One per runtime: its buffers are reused from search to search (guarded by this runtime's lock). */
    private final Device device = new Device();

    /**
     * The device operations through the driver API, on the runtime's stream; every launch is waited for, so timings
     * separate kernels. Fills and reads use the legacy default stream, which waits for the (blocking) stream's work.
     */
    private final class Device extends io.binaryllm.search.gpu.GpuHost<CUdeviceptr> {
        @Override
        protected CUdeviceptr allocate(long bytes) {
            CUdeviceptr p = new CUdeviceptr();
            cuMemAlloc(p, bytes);
            return p;
        }

        @Override
        protected void free(CUdeviceptr buffer) {
            cuMemFree(buffer);
        }

        @Override
        protected void upload(CUdeviceptr dst, MemorySegment data) {
            cuCtxSetCurrent(context); // chunk uploads run on GpuHost's upload thread
            stages.upload(dst, data, copies);
        }

        @Override
        protected void fill(CUdeviceptr dst, int value, long ints) {
            cuMemsetD32(dst, value, ints);
        }

        @Override
        protected void readInts(CUdeviceptr src, int[] dst) {
            cuMemcpyDtoH(Pointer.to(dst), src, 4L * dst.length);
        }

        @Override
        protected void readLongs(CUdeviceptr src, long[] dst) {
            cuMemcpyDtoH(Pointer.to(dst), src, 8L * dst.length);
        }

        @Override
        protected void histogram(CUdeviceptr db, long rows, int words, CUdeviceptr queries, int q0, int m, int qt, int slices,
                                 int bits, CUdeviceptr hist, int groups) {
            launch(CudaRuntime.this.histogram, groups, GROUP, db, rows, words, queries, q0, m, qt, slices, bits, hist);
        }

        @Override
        protected void collect(CUdeviceptr db, long rows, long first, int words, CUdeviceptr queries, int q0, int m, int slices,
                               CUdeviceptr cut,
                               CUdeviceptr ties, int k, CUdeviceptr doneBelow, CUdeviceptr doneAt, CUdeviceptr keys, int groups) {
            launch(CudaRuntime.this.collect, groups, GROUP, db, rows, first, words, queries, q0, m, slices, cut, ties, k, doneBelow,
                    doneAt, keys);
        }

        @Override
        protected void topKSmall(CUdeviceptr db, long rows, long first, int words, CUdeviceptr queries, int q0, int m, int k,
                                 int slices, CUdeviceptr keys, int tile, int groups) {
            launch(tile == 8 ? small8 : small, groups, CountingSelection.SMALL_GROUP, db, rows, first, words, queries, q0, m, k,
                    slices, keys);
        }

        /** Eight 64-thread work-groups an SM (16 warps: 48-56 registers and 16 KiB of shared memory each allow more). */
        @Override
        protected int groupsToFill() {
            return 8 * multiprocessors;
        }

        @Override
        protected void packSign(CUdeviceptr x, long rows, int dims, CUdeviceptr codes, int groups) {
            launch(packSign, groups, io.binaryllm.search.gpu.GpuHost.PACK_GROUP, x, rows, dims, codes);
        }

        @Override
        protected void packHyperplane(CUdeviceptr x, long rows, int dims, CUdeviceptr planes, int bits, CUdeviceptr codes, int groups) {
            launch(packHyperplane, groups, io.binaryllm.search.gpu.GpuHost.PACK_GROUP, x, rows, dims, planes, bits, codes);
        }

        /** Launches with arguments (device pointer, long or int) in order, and waits. */
        private void launch(CUfunction f, int groups, int threads, Object... args) {
            Pointer[] params = new Pointer[args.length];
            for (int i = 0; i < args.length; i++) {
                params[i] = switch (args[i]) {
                    case CUdeviceptr p -> Pointer.to(p);
                    case Long l -> Pointer.to(new long[]{l});
                    case Integer n -> Pointer.to(new int[]{n});
                    default -> throw new IllegalArgumentException("kernel argument " + args[i]);
                };
            }
            cuLaunchKernel(f, groups, 1, 1, threads, 1, 1, 0, stream, Pointer.to(params), null);
            cuStreamSynchronize(stream);
        }
    }
}
