package io.binaryllm.gpu.internal.opencl;

import io.binaryllm.gpu.internal.Device;
import io.binaryllm.gpu.internal.GpuRuntime;
import io.binaryllm.gpu.internal.Kernel;
import io.binaryllm.gpu.internal.KernelSources;
import io.binaryllm.gpu.internal.Launch;
import io.binaryllm.gpu.internal.LoadOnce;
import io.binaryllm.gpu.internal.Resources;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.jocl.CL.*;

/**
 * The first OpenCL device found (a GPU, else an accelerator, else a CPU device such as pocl), with one context, the
 * program built from {@code binaryllm.cl} (seconds on some drivers: once per JVM) and two queues: kernels, fills and
 * reads on one, uploads (blocking) on the other, so a chunked database uploads while a kernel runs.
 */
final class OpenClDevice implements Device<cl_mem> {
    /** Work-items of the counting kernels: their prefix sums hold at most BLM_MAX_GROUP (256). */
    private static final int COUNTING_GROUP = 64;
    /** Work-items of the packing kernels (one per output word). */
    private static final int PACKING_GROUP = 64;

    private static final LoadOnce<GpuRuntime.Loaded> LOADED = new LoadOnce<>(OpenClDevice::load);

    private final cl_context context;
    private final cl_command_queue queue;
    private final cl_command_queue uploads;
    private final Map<Kernel, cl_kernel> kernels;
    private final Map<Kernel, Integer> groupSizes;
    private final String description;
    private final boolean gpu;
    private final long maxAllocation;
    private final long memory;
    private final int computeUnits;

    private OpenClDevice(cl_context context, cl_command_queue queue, cl_command_queue uploads, Map<Kernel, cl_kernel> kernels,
                         cl_platform_id platform, cl_device_id device, boolean gpu) {
        this.context = context;
        this.queue = queue;
        this.uploads = uploads;
        this.kernels = kernels;
        this.gpu = gpu;
        // One group size for both tile kernels (a power of two: their sort needs one), the smaller of what the device allows each.
        int tile = Integer.highestOneBit((int) Math.max(1, Math.min(64, Math.min(
                workGroupSize(kernels.get(Kernel.TOP_K_TILE_4), device), workGroupSize(kernels.get(Kernel.TOP_K_TILE_8), device)))));
        int counting = (int) Math.max(1, Math.min(COUNTING_GROUP, Math.min(
                workGroupSize(kernels.get(Kernel.COLLECT), device), workGroupSize(kernels.get(Kernel.HISTOGRAM), device))));
        this.groupSizes = new EnumMap<>(Map.of(Kernel.TOP_K_TILE_4, tile, Kernel.TOP_K_TILE_8, tile, Kernel.HISTOGRAM, counting,
                Kernel.COLLECT, counting));
        // one work-item an output: packing, osq keys and the low-bit sums
        for (Kernel k : List.of(Kernel.PACK_SIGN, Kernel.PACK_HYPERPLANE, Kernel.OSQ_KEYS, Kernel.TERNARY_SUMS, Kernel.TQ2_SUMS,
                Kernel.BINARY_SUMS, Kernel.SIGN_SUMS)) {
            groupSizes.put(k, PACKING_GROUP);
        }
        this.maxAllocation = deviceLong(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
        this.memory = deviceLong(device, CL_DEVICE_GLOBAL_MEM_SIZE);
        int[] units = new int[1];
        clGetDeviceInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint, Pointer.to(units), null);
        this.computeUnits = Math.max(1, units[0]);
        this.description = deviceString(device, CL_DEVICE_NAME) + " (" + (gpu ? "GPU" : "CPU") + ", "
                + platformString(platform, CL_PLATFORM_NAME) + ", " + deviceString(device, CL_DEVICE_VERSION).strip() + ", "
                + memory / (1 << 20) + " MiB, driver " + deviceString(device, CL_DRIVER_VERSION) + ")";
    }

    /** The JVM's OpenCL runtime, or why there is none; loaded on the first call. */
    static GpuRuntime.Loaded get() {
        return LOADED.get();
    }

    private static GpuRuntime.Loaded load() {
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            clGetPlatformIDs(0, null, count);
            if (count[0] == 0) {
                return new GpuRuntime.Loaded(null, "no OpenCL platform (install a GPU driver's ICD, or Debian's pocl-opencl-icd for the CPU)");
            }
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            clGetPlatformIDs(count[0], platforms, null);
            for (long type : new long[]{CL_DEVICE_TYPE_GPU, CL_DEVICE_TYPE_ACCELERATOR, CL_DEVICE_TYPE_CPU}) {
                for (cl_platform_id p : platforms) {
                    int[] n = new int[1];
                    try {
                        clGetDeviceIDs(p, type, 0, null, n);
                    } catch (CLException e) {
                        continue; // CL_DEVICE_NOT_FOUND
                    }
                    if (n[0] > 0) {
                        cl_device_id[] devices = new cl_device_id[n[0]];
                        clGetDeviceIDs(p, type, n[0], devices, null);
                        OpenClDevice device = open(p, devices[0], type != CL_DEVICE_TYPE_CPU, KernelSources.openClProgram(), new Resources());
                        return new GpuRuntime.Loaded(new GpuRuntime<>(device), null);
                    }
                }
            }
            return new GpuRuntime.Loaded(null, "OpenCL platforms found, but no device");
        } catch (LinkageError e) {
            return new GpuRuntime.Loaded(null, "the OpenCL library did not load (" + e.getMessage() + "; install ocl-icd-libopencl1 and a driver)");
        } catch (CLException | IllegalStateException e) {
            return new GpuRuntime.Loaded(null, e.getMessage());
        }
    }

    /**
     * The device with {@code source} built, every driver object registered with {@code resources} as it is made: if
     * a step fails (the program does not build, a kernel is missing), those made so far are released.
     */
    static OpenClDevice open(cl_platform_id platform, cl_device_id device, boolean gpu, String source, Resources resources) {
        try (resources) {
            cl_context_properties props = new cl_context_properties();
            props.addProperty(CL_CONTEXT_PLATFORM, platform);
            cl_context context = resources.add("context", clCreateContext(props, 1, new cl_device_id[]{device}, null, null, null),
                    CL::clReleaseContext);
            @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties is OpenCL 2.0; pocl and NVIDIA still speak 1.2
            cl_command_queue queue = resources.add("kernel queue", clCreateCommandQueue(context, device, 0, null), CL::clReleaseCommandQueue);
            @SuppressWarnings("deprecation")
            cl_command_queue uploads = resources.add("upload queue", clCreateCommandQueue(context, device, 0, null), CL::clReleaseCommandQueue);
            cl_program program = resources.add("program", clCreateProgramWithSource(context, 1, new String[]{source}, null, null),
                    CL::clReleaseProgram);
            try {
                clBuildProgram(program, 0, null, "", null, null);
            } catch (CLException e) {
                throw new IllegalStateException("the OpenCL program did not build: " + buildLog(program, device).strip());
            }
            Map<Kernel, cl_kernel> kernels = new EnumMap<>(Kernel.class);
            for (Kernel k : Kernel.values()) {
                kernels.put(k, resources.add(k.symbol(), clCreateKernel(program, k.symbol(), null), CL::clReleaseKernel));
            }
            OpenClDevice opened = new OpenClDevice(context, queue, uploads, kernels, platform, device, gpu);
            resources.keep();
            return opened;
        }
    }

    @Override
    public String backend() {
        return "opencl";
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public boolean isGpu() {
        return gpu;
    }

    @Override
    public double popcountsPerSecond() {
        return 0;
    }

    /** Eight work-groups a compute unit (a GPU's multiprocessor; pocl's: a core). */
    @Override
    public int groupsToFill() {
        return 8 * computeUnits;
    }

    @Override
    public int groupSize(Kernel kernel) {
        return groupSizes.get(kernel);
    }

    @Override
    public long totalMemory() {
        return memory;
    }

    @Override
    public long maxAllocation() {
        return maxAllocation;
    }

    /** OpenCL cannot say what is free. */
    @Override
    public long freeMemory() {
        return -1;
    }

    @Override
    public cl_mem allocate(long bytes) {
        return clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
    }

    @Override
    public void free(cl_mem buffer) {
        clReleaseMemObject(buffer);
    }

    @Override
    public void upload(cl_mem dst, MemorySegment data) {
        HostStaging.copy(data, (off, stage, len) -> clEnqueueWriteBuffer(uploads, dst, true, off, len, Pointer.to(stage), 0, null, null));
        // A blocking write only frees the host memory; the kernels' queue may read the buffer once the write has
        // completed on the device.
        clFinish(uploads);
    }

    @Override
    public void fill(cl_mem dst, int value, long ints) {
        clEnqueueFillBuffer(queue, dst, Pointer.to(new int[]{value}), Sizeof.cl_int, 0, 4L * ints, 0, null, null);
        clFinish(queue);
    }

    @Override
    public void readInts(cl_mem src, int[] dst) {
        clEnqueueReadBuffer(queue, src, true, 0, 4L * dst.length, Pointer.to(dst), 0, null, null);
    }

    @Override
    public void readLongs(cl_mem src, long[] dst) {
        clEnqueueReadBuffer(queue, src, true, 0, 8L * dst.length, Pointer.to(dst), 0, null, null);
    }

    /** Sets the arguments in order, enqueues the work-groups and waits, so timings separate kernels. */
    @Override
    public void launch(Launch<cl_mem> launch) {
        cl_kernel kernel = kernels.get(launch.kernel());
        for (int i = 0; i < launch.args().size(); i++) {
            switch (launch.args().get(i)) {
                case cl_mem m -> clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(m));
                case Long l -> clSetKernelArg(kernel, i, Sizeof.cl_long, Pointer.to(new long[]{l}));
                case Integer n -> clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[]{n}));
                default -> throw new IllegalArgumentException("kernel argument " + launch.args().get(i));
            }
        }
        clEnqueueNDRangeKernel(queue, kernel, 1, null, new long[]{(long) launch.groups() * launch.groupSize()},
                new long[]{launch.groupSize()}, 0, null, null);
        clFinish(queue);
    }

    private static long workGroupSize(cl_kernel kernel, cl_device_id device) {
        long[] size = new long[1];
        clGetKernelWorkGroupInfo(kernel, device, CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(size), null);
        return size[0];
    }

    /** One clGet*Info call: the value's size in bytes, where to put it, where to put its size. */
    @FunctionalInterface
    private interface InfoQuery {
        void get(long size, Pointer value, long[] sizeOut);
    }

    /** A string property: asked once for its size, once for its bytes (NUL-terminated, as OpenCL returns them). */
    private static String infoString(InfoQuery query) {
        long[] size = new long[1];
        query.get(0, null, size);
        byte[] value = new byte[(int) size[0]];
        query.get(value.length, Pointer.to(value), null);
        return new String(value, 0, Math.max(0, value.length - 1), StandardCharsets.UTF_8);
    }

    private static String buildLog(cl_program program, cl_device_id device) {
        return infoString((size, value, sizeOut) -> clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size, value, sizeOut));
    }

    private static String deviceString(cl_device_id device, int param) {
        return infoString((size, value, sizeOut) -> clGetDeviceInfo(device, param, size, value, sizeOut));
    }

    private static String platformString(cl_platform_id platform, int param) {
        return infoString((size, value, sizeOut) -> clGetPlatformInfo(platform, param, size, value, sizeOut));
    }

    private static long deviceLong(cl_device_id device, int param) {
        long[] value = new long[1];
        clGetDeviceInfo(device, param, Sizeof.cl_ulong, Pointer.to(value), null);
        return value[0];
    }
}
