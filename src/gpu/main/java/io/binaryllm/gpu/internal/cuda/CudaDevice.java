package io.binaryllm.gpu.internal.cuda;

import io.binaryllm.gpu.PopcountBound;
import io.binaryllm.gpu.internal.BindingErrors;
import io.binaryllm.gpu.internal.Device;
import io.binaryllm.gpu.internal.GpuRuntime;
import io.binaryllm.gpu.internal.Kernel;
import io.binaryllm.gpu.internal.KernelSources;
import io.binaryllm.gpu.internal.Launch;
import io.binaryllm.gpu.internal.LoadOnce;
import io.binaryllm.gpu.internal.Resources;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

import static jcuda.driver.JCudaDriver.*;

/**
 * The first CUDA device, with one context and the module JIT-compiled by the driver from the PTX kept in the jar (no
 * CUDA toolkit needed). Kernels run on one stream and are waited for; uploads run on a second stream through two
 * pinned stages ({@link PinnedStages}), so a chunked database uploads while a kernel runs; fills and reads use the
 * legacy default stream, which waits for the others' work. Every driver call is checked (exceptions enabled).
 */
final class CudaDevice implements Device<CUdeviceptr> {
    /** Work-items a work-group: every kernel takes 64 (the one-pass kernel's largest, BLM_SMALL_GROUP). */
    private static final int GROUP = 64;

    private static final LoadOnce<GpuRuntime.Loaded> LOADED = new LoadOnce<>(CudaDevice::load);

    private final CUcontext context;
    private final CUstream stream;
    private final CUstream copies;
    private final Map<Kernel, CUfunction> functions;
    private final PinnedStages stages = new PinnedStages();
    private final String description;
    private final double popcountRate;
    private final int multiprocessors;
    private final long memory;

    private CudaDevice(CUcontext context, CUstream stream, CUstream copies, Map<Kernel, CUfunction> functions, CUdevice device) {
        this.context = context;
        this.stream = stream;
        this.copies = copies;
        this.functions = functions;
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        long[] total = new long[1];
        cuDeviceTotalMem(total, device);
        this.memory = total[0];
        int major = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        int sms = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        int clockKhz = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CLOCK_RATE);
        this.popcountRate = PopcountBound.rate(sms, clockKhz * 1e3);
        this.multiprocessors = Math.max(1, sms);
        int[] driver = new int[1];
        cuDriverGetVersion(driver);
        String deviceName = new String(name, StandardCharsets.US_ASCII).trim().replace("\0", "");
        this.description = deviceName + " (compute " + major + "." + minor + ", " + memory / (1 << 20) + " MiB, " + sms
                + " SMs at " + clockKhz / 1000 + " MHz, driver CUDA " + driver[0] / 1000 + "." + (driver[0] % 1000) / 10 + ")";
    }

    /** The JVM's CUDA runtime, or why there is none; loaded on the first call. */
    static GpuRuntime.Loaded get() {
        return LOADED.get();
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
            byte[] ptx = (KernelSources.read("binaryllm.ptx") + "\0").getBytes(StandardCharsets.US_ASCII);
            return new GpuRuntime.Loaded(new GpuRuntime<>(open(device, ptx, new Resources())), null);
        } catch (LinkageError e) {
            return new GpuRuntime.Loaded(null, "no NVIDIA driver: " + rootCause(e.getMessage()));
        } catch (CudaException e) {
            String call = BindingErrors.apiCall(e);
            return new GpuRuntime.Loaded(null, "CUDA: " + (call == null ? "" : call + " returned ") + e.getMessage());
        } catch (RuntimeException e) {
            return new GpuRuntime.Loaded(null, "CUDA initialisation failed: " + e);
        }
    }

    /**
     * The device with the module loaded, every driver object registered with {@code resources} as it is made: if a
     * step fails (the driver refuses the PTX, a kernel is missing), those made so far are released.
     */
    static CudaDevice open(CUdevice device, byte[] ptx, Resources resources) {
        try (resources) {
            CUcontext context = new CUcontext();
            cuCtxCreate(context, 0, device);
            resources.add("context", context, JCudaDriver::cuCtxDestroy);
            CUstream stream = new CUstream();
            cuStreamCreate(stream, 0);
            resources.add("kernel stream", stream, JCudaDriver::cuStreamDestroy);
            CUstream copies = new CUstream();
            cuStreamCreate(copies, 0);
            resources.add("copy stream", copies, JCudaDriver::cuStreamDestroy);
            CUmodule module = resources.add("module", loadModule(ptx), JCudaDriver::cuModuleUnload);
            Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
            for (Kernel k : Kernel.values()) {
                CUfunction f = new CUfunction();
                cuModuleGetFunction(f, module, k.symbol());
                functions.put(k, f);
            }
            CudaDevice opened = new CudaDevice(context, stream, copies, functions, device);
            resources.keep();
            return opened;
        }
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

    private static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        cuDeviceGetAttribute(value, attribute, device);
        return value[0];
    }

    @Override
    public String backend() {
        return "cuda";
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public boolean isGpu() {
        return true;
    }

    /** 16 32-bit popcounts per clock per SM ({@link PopcountBound}). */
    @Override
    public double popcountsPerSecond() {
        return popcountRate;
    }

    /** Eight 64-thread work-groups an SM (16 warps: 48-56 registers and 16 KiB of shared memory each allow more). */
    @Override
    public int groupsToFill() {
        return 8 * multiprocessors;
    }

    @Override
    public int groupSize(Kernel kernel) {
        return GROUP;
    }

    @Override
    public long totalMemory() {
        return memory;
    }

    /** CUDA limits one allocation only by the memory there is. */
    @Override
    public long maxAllocation() {
        return memory;
    }

    @Override
    public long freeMemory() {
        long[] free = new long[1];
        long[] total = new long[1];
        cuMemGetInfo(free, total);
        return free[0];
    }

    /** The context is current on the thread that created it only; every thread that uses the device sets it. */
    @Override
    public void enter() {
        cuCtxSetCurrent(context);
    }

    @Override
    public CUdeviceptr allocate(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        cuMemAlloc(p, bytes);
        return p;
    }

    @Override
    public void free(CUdeviceptr buffer) {
        cuMemFree(buffer);
    }

    @Override
    public void upload(CUdeviceptr dst, MemorySegment data) {
        cuCtxSetCurrent(context); // chunk uploads run on the upload thread
        stages.upload(dst, data, copies);
    }

    @Override
    public void fill(CUdeviceptr dst, int value, long ints) {
        cuMemsetD32(dst, value, ints);
    }

    @Override
    public void readInts(CUdeviceptr src, int[] dst) {
        cuMemcpyDtoH(Pointer.to(dst), src, 4L * dst.length);
    }

    @Override
    public void readLongs(CUdeviceptr src, long[] dst) {
        cuMemcpyDtoH(Pointer.to(dst), src, 8L * dst.length);
    }

    /** Launches with the arguments in order and waits on the kernel stream, so timings separate kernels. */
    @Override
    public void launch(Launch<CUdeviceptr> launch) {
        Pointer[] params = new Pointer[launch.args().size()];
        for (int i = 0; i < params.length; i++) {
            params[i] = switch (launch.args().get(i)) {
                case CUdeviceptr p -> Pointer.to(p);
                case Long l -> Pointer.to(new long[]{l});
                case Integer n -> Pointer.to(new int[]{n});
                default -> throw new IllegalArgumentException("kernel argument " + launch.args().get(i));
            };
        }
        cuLaunchKernel(functions.get(launch.kernel()), launch.groups(), 1, 1, launch.groupSize(), 1, 1, 0, stream,
                Pointer.to(params), null);
        cuStreamSynchronize(stream);
    }

    /** The pinned staging buffers (allocated again on the next upload). */
    @Override
    public void releaseHostMemory() {
        stages.free();
    }
}
