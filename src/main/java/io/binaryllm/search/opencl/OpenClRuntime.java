package io.binaryllm.search.opencl;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.gpu.CountingSelection;
import io.binaryllm.search.gpu.GpuRuntime;
import io.binaryllm.search.gpu.KernelSources;
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

import static org.jocl.CL.*;

/**
 * One OpenCL device, context, queue and built program for the whole JVM: building the program costs seconds on
 * some drivers, so it happens once, on first use. Searches are serialised (one at a time); kernels, fills and reads
 * go on one queue, uploads (blocking) on a second, so that chunked databases upload while kernels run.
 */
final class OpenClRuntime extends io.binaryllm.search.gpu.TimedRuntime {
    /** Work-items per query; the kernels' prefix sums hold at most BLM_MAX_GROUP (256). */
    private static final int GROUP = 64;

    private final cl_context context;
    private final cl_command_queue queue;
    /** Uploads go on their own queue, so a database chunk can copy while a kernel runs on the other queue. */
    private final cl_command_queue uploads;
    private final cl_kernel histogram;
    private final cl_kernel collect;
    private final cl_kernel small;
    private final cl_kernel small8;
    private final cl_kernel packSign;
    private final cl_kernel packHyperplane;
    private final int smallGroup;
    private final String description;
    private final boolean gpu;
    private final long maxAlloc;
    private final long memory;
    private final int computeUnits;
    private final int group;

    private static final io.binaryllm.search.gpu.LoadOnce<GpuRuntime.Loaded> LOADED = new io.binaryllm.search.gpu.LoadOnce<>(OpenClRuntime::load);

    static GpuRuntime.Loaded get() {
        return LOADED.get();
    }

    private OpenClRuntime(cl_platform_id platform, cl_device_id device, boolean gpu) {
        this.gpu = gpu;
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, platform);
        this.context = clCreateContext(props, 1, new cl_device_id[]{device}, null, null, null);
        @SuppressWarnings("deprecation")
        cl_command_queue q = clCreateCommandQueue(context, device, 0, null);
        this.queue = q;
        this.uploads = clCreateCommandQueue(context, device, 0, null);
        cl_program program = clCreateProgramWithSource(context, 1, new String[]{KernelSources.openClProgram()}, null, null);
        try {
            clBuildProgram(program, 0, null, "", null, null);
        } catch (CLException e) {
            throw new IllegalStateException("the OpenCL program did not build: " + buildLog(program, device).strip());
        }
        this.histogram = clCreateKernel(program, "blm_histogram", null);
        this.collect = clCreateKernel(program, "blm_collect", null);
        this.small = clCreateKernel(program, "blm_topk_small", null);
        this.small8 = clCreateKernel(program, "blm_topk_small8", null);
        this.packSign = clCreateKernel(program, "blm_pack_sign", null);
        this.packHyperplane = clCreateKernel(program, "blm_pack_hyperplane", null);
        long[] size3 = new long[1];
        clGetKernelWorkGroupInfo(small, device, CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(size3), null);
        long[] size8 = new long[1];
        clGetKernelWorkGroupInfo(small8, device, CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(size8), null);
        // One group size for both tile kernels: the smaller of what the device allows each.
        this.smallGroup = Integer.highestOneBit((int) Math.max(1, Math.min(CountingSelection.SMALL_GROUP, Math.min(size3[0], size8[0]))));
        long[] size = new long[1];
        clGetKernelWorkGroupInfo(collect, device, CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(size), null);
        long[] size2 = new long[1];
        clGetKernelWorkGroupInfo(histogram, device, CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(size2), null);
        this.group = (int) Math.max(1, Math.min(GROUP, Math.min(size[0], size2[0])));
        this.maxAlloc = deviceLong(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
        this.memory = deviceLong(device, CL_DEVICE_GLOBAL_MEM_SIZE);
        int[] units = new int[1];
        clGetDeviceInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint, Pointer.to(units), null);
        this.computeUnits = Math.max(1, units[0]);
        this.description = deviceString(device, CL_DEVICE_NAME) + " (" + (gpu ? "GPU" : "CPU") + ", "
                + deviceString(platform, CL_PLATFORM_NAME) + ", " + deviceString(device, CL_DEVICE_VERSION).strip() + ", "
                + deviceLong(device, CL_DEVICE_GLOBAL_MEM_SIZE) / (1 << 20) + " MiB, driver " + deviceString(device, CL_DRIVER_VERSION) + ")";
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
                        return new GpuRuntime.Loaded(new OpenClRuntime(p, devices[0], type != CL_DEVICE_TYPE_CPU), null);
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

    @Override
    public String describe() {
        return description;
    }

    @Override
    protected String backend() {
        return "opencl";
    }

    @Override
    public boolean isGpu() {
        return gpu;
    }

    @Override
    protected io.binaryllm.search.gpu.GpuHost<?> host() {
        return device;
    }

    /**
     * One allocation (at most the device's largest) within half the device's memory with the databases already kept:
     * OpenCL cannot say what is free, so the other half stays for searches and other programs.
     */
    @Override
    protected long keepableBytes(long maxChunkBytes) {
        return Math.min(Math.min(maxChunkBytes, maxAlloc), memory / 2 - device.keptBytes());
    }

    /** Chunks of at most {@code maxChunkBytes} and of the device's largest allocation. */
    @Override
    protected long chunkRows(BinaryCodeBatch db, BinaryCodeBatch queries, int k, long maxChunkBytes) {
        long rowBytes = (long) db.words() * Long.BYTES;
        return Math.max(1, Math.min(db.rows(), Math.min(maxChunkBytes, maxAlloc) / rowBytes));
    }

    /** One per runtime: its buffers are reused from search to search (guarded by this runtime's lock). */
    private final Device device = new Device();

    /** The device operations on this runtime's queue; kernels are waited for, so timings separate them. */
    private final class Device extends io.binaryllm.search.gpu.GpuHost<cl_mem> {
        @Override
        protected cl_mem allocate(long bytes) {
            return clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
        }

        @Override
        protected void free(cl_mem buffer) {
            clReleaseMemObject(buffer);
        }

        @Override
        protected void upload(cl_mem dst, MemorySegment data) {
            io.binaryllm.search.gpu.HostStaging.copy(data, (off, stage, len) ->
                    clEnqueueWriteBuffer(uploads, dst, true, off, len, Pointer.to(stage), 0, null, null));
            // A blocking write only frees the host memory; the kernels' queue may read the buffer only once the
            // write has completed on the device.
            clFinish(uploads);
        }

        @Override
        protected void fill(cl_mem dst, int value, long ints) {
            clEnqueueFillBuffer(queue, dst, Pointer.to(new int[]{value}), Sizeof.cl_int, 0, 4L * ints, 0, null, null);
            clFinish(queue);
        }

        @Override
        protected void readInts(cl_mem src, int[] dst) {
            clEnqueueReadBuffer(queue, src, true, 0, 4L * dst.length, Pointer.to(dst), 0, null, null);
        }

        @Override
        protected void readLongs(cl_mem src, long[] dst) {
            clEnqueueReadBuffer(queue, src, true, 0, 8L * dst.length, Pointer.to(dst), 0, null, null);
        }

        @Override
        protected void histogram(cl_mem db, long rows, int words, cl_mem queries, int q0, int m, int qt, int slices, int bits,
                                 cl_mem hist, int groups) {
            run(OpenClRuntime.this.histogram, group, groups, db, rows, words, queries, q0, m, qt, slices, bits, hist);
        }

        @Override
        protected void collect(cl_mem db, long rows, long first, int words, cl_mem queries, int q0, int m, int slices, cl_mem cut, cl_mem ties,
                               int k, cl_mem doneBelow, cl_mem doneAt, cl_mem keys, int groups) {
            run(OpenClRuntime.this.collect, group, groups, db, rows, first, words, queries, q0, m, slices, cut, ties, k, doneBelow,
                    doneAt, keys);
        }

        @Override
        protected void topKSmall(cl_mem db, long rows, long first, int words, cl_mem queries, int q0, int m, int k, int slices,
                                 cl_mem keys, int tile, int groups) {
            run(tile == 8 ? small8 : small, smallGroup, groups, db, rows, first, words, queries, q0, m, k, slices, keys);
        }

        /** Eight work-groups a compute unit (a GPU's multiprocessor; pocl's: a core). */
        @Override
        protected int groupsToFill() {
            return 8 * computeUnits;
        }

        @Override
        protected void packSign(cl_mem x, long rows, int dims, cl_mem codes, int groups) {
            run(packSign, io.binaryllm.search.gpu.GpuHost.PACK_GROUP, groups, x, rows, dims, codes);
        }

        @Override
        protected void packHyperplane(cl_mem x, long rows, int dims, cl_mem planes, int bits, cl_mem codes, int groups) {
            run(packHyperplane, io.binaryllm.search.gpu.GpuHost.PACK_GROUP, groups, x, rows, dims, planes, bits, codes);
        }

        /** Sets the arguments (cl_mem, long or int) in order, launches one work-group per query and waits. */
        private void run(cl_kernel kernel, int groupSize, int groups, Object... args) {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case cl_mem m -> clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(m));
                    case Long l -> clSetKernelArg(kernel, i, Sizeof.cl_long, Pointer.to(new long[]{l}));
                    case Integer n -> clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[]{n}));
                    default -> throw new IllegalArgumentException("kernel argument " + args[i]);
                }
            }
            clEnqueueNDRangeKernel(queue, kernel, 1, null, new long[]{(long) groups * groupSize}, new long[]{groupSize}, 0, null, null);
            clFinish(queue);
        }
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
        return new String(value, 0, Math.max(0, value.length - 1), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String buildLog(cl_program program, cl_device_id device) {
        return infoString((size, value, sizeOut) -> clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size, value, sizeOut));
    }

    private static String deviceString(cl_device_id device, int param) {
        return infoString((size, value, sizeOut) -> clGetDeviceInfo(device, param, size, value, sizeOut));
    }

    private static String deviceString(cl_platform_id platform, int param) {
        return infoString((size, value, sizeOut) -> clGetPlatformInfo(platform, param, size, value, sizeOut));
    }

    private static long deviceLong(cl_device_id device, int param) {
        long[] value = new long[1];
        clGetDeviceInfo(device, param, Sizeof.cl_ulong, Pointer.to(value), null);
        return value[0];
    }
}
