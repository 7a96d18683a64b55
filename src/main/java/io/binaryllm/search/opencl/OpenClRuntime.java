package io.binaryllm.search.opencl;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.SearchResult;
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
 * some drivers, so it happens once, on first use. Searches are serialised on the one queue.
 */
final class OpenClRuntime implements GpuRuntime {
    /** Work-items per query; the kernels' prefix sums hold at most BLM_MAX_GROUP (256). */
    private static final int GROUP = 64;

    private final cl_context context;
    private final cl_command_queue queue;
    private final cl_kernel histogram;
    private final cl_kernel collect;
    private final cl_kernel small;
    private final int smallGroup;
    private final String description;
    private final boolean gpu;
    private final long maxAlloc;
    private final int group;
    private final io.binaryllm.search.gpu.GpuTimings timings = new io.binaryllm.search.gpu.GpuTimings();
    private volatile io.binaryllm.search.gpu.GpuTimings.Seconds last;

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
        cl_program program = clCreateProgramWithSource(context, 1, new String[]{KernelSources.openClProgram()}, null, null);
        try {
            clBuildProgram(program, 0, null, "", null, null);
        } catch (CLException e) {
            throw new IllegalStateException("the OpenCL program did not build: " + buildLog(program, device).strip());
        }
        this.histogram = clCreateKernel(program, "blm_histogram", null);
        this.collect = clCreateKernel(program, "blm_collect", null);
        this.small = clCreateKernel(program, "blm_topk_small", null);
        long[] size3 = new long[1];
        clGetKernelWorkGroupInfo(small, device, CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(size3), null);
        this.smallGroup = Integer.highestOneBit((int) Math.max(1, Math.min(CountingSelection.SMALL_GROUP, size3[0])));
        long[] size = new long[1];
        clGetKernelWorkGroupInfo(collect, device, CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(size), null);
        long[] size2 = new long[1];
        clGetKernelWorkGroupInfo(histogram, device, CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(size2), null);
        this.group = (int) Math.max(1, Math.min(GROUP, Math.min(size[0], size2[0])));
        this.maxAlloc = deviceLong(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
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
    public io.binaryllm.search.gpu.GpuTimings.Seconds lastTimings() {
        return last;
    }

    @Override
    public boolean isGpu() {
        return gpu;
    }

    /**
     * Exact top-k of every query. The database goes to the device in chunks of at most {@code maxChunkBytes}
     * (one chunk, kept resident, when it fits); the kernels carry the selection across chunks in index order.
     */
    @Override
    public synchronized SearchResult search(BinaryCodeBatch db, BinaryCodeBatch queries, int k, long maxChunkBytes) {
        int words = db.words();
        int nq = Math.toIntExact(queries.rows());
        int bins = db.bits() + 1;
        long rowBytes = (long) words * Long.BYTES;
        long chunkRows = Math.max(1, Math.min(db.rows(), Math.min(maxChunkBytes, maxAlloc) / rowBytes));
        boolean resident = chunkRows >= db.rows();
        // Queries per pass: histograms and keys of a pass stay under 256 MiB each.
        int chunk = (int) Math.max(1, Math.min(nq, Math.min((256L << 20) / (4L * bins), (256L << 20) / (8L * k))));
        long[] indices = new long[nq * k];
        int[] distances = new int[nq * k];
        cl_mem dbBuf = clCreateBuffer(context, CL_MEM_READ_ONLY, chunkRows * rowBytes, null, null);
        timings.reset();
        long t = System.nanoTime();
        cl_mem qBuf = upload(queries.segment());
        cl_mem histBuf = clCreateBuffer(context, CL_MEM_READ_WRITE, 4L * bins * chunk, null, null);
        cl_mem cutBuf = clCreateBuffer(context, CL_MEM_READ_ONLY, 4L * chunk, null, null);
        cl_mem tieBuf = clCreateBuffer(context, CL_MEM_READ_ONLY, 4L * chunk, null, null);
        cl_mem belowBuf = clCreateBuffer(context, CL_MEM_READ_WRITE, 4L * chunk, null, null);
        cl_mem atBuf = clCreateBuffer(context, CL_MEM_READ_WRITE, 4L * chunk, null, null);
        cl_mem keyBuf = clCreateBuffer(context, CL_MEM_READ_WRITE, 8L * k * chunk, null, null);
        try {
            if (resident) {
                write(dbBuf, db.segment());
            }
            t = timings.upload(t);
            for (int q0 = 0; q0 < nq; q0 += chunk) {
                int m = Math.min(chunk, nq - q0);
                if (k <= CountingSelection.SMALL_K) {
                    long[] keys = new long[m * k];
                    java.util.Arrays.fill(keys, -1L); // no key yet
                    clEnqueueWriteBuffer(queue, keyBuf, true, 0, 8L * keys.length, Pointer.to(keys), 0, null, null);
                    for (long first = 0; first < db.rows(); first += chunkRows) {
                        long rows = Math.min(chunkRows, db.rows() - first);
                        if (!resident) {
                            write(dbBuf, db.segment().asSlice(first * rowBytes, rows * rowBytes));
                            t = timings.upload(t);
                        }
                        clSetKernelArg(small, 0, Sizeof.cl_mem, Pointer.to(dbBuf));
                        clSetKernelArg(small, 1, Sizeof.cl_long, Pointer.to(new long[]{rows}));
                        clSetKernelArg(small, 2, Sizeof.cl_long, Pointer.to(new long[]{first}));
                        clSetKernelArg(small, 3, Sizeof.cl_int, Pointer.to(new int[]{words}));
                        clSetKernelArg(small, 4, Sizeof.cl_mem, Pointer.to(qBuf));
                        clSetKernelArg(small, 5, Sizeof.cl_int, Pointer.to(new int[]{q0}));
                        clSetKernelArg(small, 6, Sizeof.cl_int, Pointer.to(new int[]{k}));
                        clSetKernelArg(small, 7, Sizeof.cl_mem, Pointer.to(keyBuf));
                        clEnqueueNDRangeKernel(queue, small, 1, null, new long[]{(long) m * smallGroup}, new long[]{smallGroup}, 0, null, null);
                        clFinish(queue);
                        t = timings.kernels(t);
                    }
                    clEnqueueReadBuffer(queue, keyBuf, true, 0, 8L * keys.length, Pointer.to(keys), 0, null, null);
                    t = timings.download(t);
                    CountingSelection.unpack(keys, m, k, indices, distances, q0 * k);
                    t = System.nanoTime();
                    continue;
                }
                int[] hist = new int[m * bins];
                clEnqueueWriteBuffer(queue, histBuf, true, 0, 4L * hist.length, Pointer.to(hist), 0, null, null); // zeros
                for (long first = 0; first < db.rows(); first += chunkRows) {
                    long rows = Math.min(chunkRows, db.rows() - first);
                    if (!resident) {
                        write(dbBuf, db.segment().asSlice(first * rowBytes, rows * rowBytes));
                        t = timings.upload(t);
                    }
                    clSetKernelArg(histogram, 0, Sizeof.cl_mem, Pointer.to(dbBuf));
                    clSetKernelArg(histogram, 1, Sizeof.cl_long, Pointer.to(new long[]{rows}));
                    clSetKernelArg(histogram, 2, Sizeof.cl_int, Pointer.to(new int[]{words}));
                    clSetKernelArg(histogram, 3, Sizeof.cl_mem, Pointer.to(qBuf));
                    clSetKernelArg(histogram, 4, Sizeof.cl_int, Pointer.to(new int[]{q0}));
                    clSetKernelArg(histogram, 5, Sizeof.cl_int, Pointer.to(new int[]{db.bits()}));
                    clSetKernelArg(histogram, 6, Sizeof.cl_mem, Pointer.to(histBuf));
                    clEnqueueNDRangeKernel(queue, histogram, 1, null, new long[]{(long) m * group}, new long[]{group}, 0, null, null);
                    clFinish(queue);
                    t = timings.kernels(t);
                }
                clEnqueueReadBuffer(queue, histBuf, true, 0, 4L * hist.length, Pointer.to(hist), 0, null, null);
                t = timings.download(t);
                int[][] cuts = CountingSelection.cuts(hist, m, bins, k);
                t = System.nanoTime();
                int[] zeros = new int[m];
                clEnqueueWriteBuffer(queue, cutBuf, true, 0, 4L * m, Pointer.to(cuts[0]), 0, null, null);
                clEnqueueWriteBuffer(queue, tieBuf, true, 0, 4L * m, Pointer.to(cuts[1]), 0, null, null);
                clEnqueueWriteBuffer(queue, belowBuf, true, 0, 4L * m, Pointer.to(zeros), 0, null, null);
                clEnqueueWriteBuffer(queue, atBuf, true, 0, 4L * m, Pointer.to(zeros), 0, null, null);
                for (long first = 0; first < db.rows(); first += chunkRows) {
                    long rows = Math.min(chunkRows, db.rows() - first);
                    if (!resident) {
                        write(dbBuf, db.segment().asSlice(first * rowBytes, rows * rowBytes));
                        t = timings.upload(t);
                    }
                    clSetKernelArg(collect, 0, Sizeof.cl_mem, Pointer.to(dbBuf));
                    clSetKernelArg(collect, 1, Sizeof.cl_long, Pointer.to(new long[]{rows}));
                    clSetKernelArg(collect, 2, Sizeof.cl_long, Pointer.to(new long[]{first}));
                    clSetKernelArg(collect, 3, Sizeof.cl_int, Pointer.to(new int[]{words}));
                    clSetKernelArg(collect, 4, Sizeof.cl_mem, Pointer.to(qBuf));
                    clSetKernelArg(collect, 5, Sizeof.cl_int, Pointer.to(new int[]{q0}));
                    clSetKernelArg(collect, 6, Sizeof.cl_mem, Pointer.to(cutBuf));
                    clSetKernelArg(collect, 7, Sizeof.cl_mem, Pointer.to(tieBuf));
                    clSetKernelArg(collect, 8, Sizeof.cl_int, Pointer.to(new int[]{k}));
                    clSetKernelArg(collect, 9, Sizeof.cl_mem, Pointer.to(belowBuf));
                    clSetKernelArg(collect, 10, Sizeof.cl_mem, Pointer.to(atBuf));
                    clSetKernelArg(collect, 11, Sizeof.cl_mem, Pointer.to(keyBuf));
                    clEnqueueNDRangeKernel(queue, collect, 1, null, new long[]{(long) m * group}, new long[]{group}, 0, null, null);
                    clFinish(queue);
                    t = timings.kernels(t);
                }
                long[] keys = new long[m * k];
                clEnqueueReadBuffer(queue, keyBuf, true, 0, 8L * keys.length, Pointer.to(keys), 0, null, null);
                t = timings.download(t);
                CountingSelection.unpack(keys, m, k, indices, distances, q0 * k);
                t = System.nanoTime();
            }
        } finally {
            for (cl_mem b : new cl_mem[]{dbBuf, qBuf, histBuf, cutBuf, tieBuf, belowBuf, atBuf, keyBuf}) {
                clReleaseMemObject(b);
            }
        }
        last = timings.snapshot();
        return new SearchResult(nq, k, indices, distances);
    }

    /** A device buffer holding {@code data}. */
    private cl_mem upload(MemorySegment data) {
        cl_mem buf = clCreateBuffer(context, CL_MEM_READ_ONLY, Math.max(8, data.byteSize()), null, null);
        write(buf, data);
        return buf;
    }

    /** Copies {@code data} to the start of {@code buf}. */
    private void write(cl_mem buf, MemorySegment data) {
        io.binaryllm.search.gpu.HostStaging.copy(data, (off, stage, len) ->
                clEnqueueWriteBuffer(queue, buf, true, off, len, Pointer.to(stage), 0, null, null));
    }

    private static String buildLog(cl_program program, cl_device_id device) {
        long[] size = new long[1];
        clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) size[0]];
        clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, 0, Math.max(0, log.length - 1), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String deviceString(cl_device_id device, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(device, param, 0, null, size);
        byte[] value = new byte[(int) size[0]];
        clGetDeviceInfo(device, param, value.length, Pointer.to(value), null);
        return new String(value, 0, Math.max(0, value.length - 1), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String deviceString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(platform, param, 0, null, size);
        byte[] value = new byte[(int) size[0]];
        clGetPlatformInfo(platform, param, value.length, Pointer.to(value), null);
        return new String(value, 0, Math.max(0, value.length - 1), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static long deviceLong(cl_device_id device, int param) {
        long[] value = new long[1];
        clGetDeviceInfo(device, param, Sizeof.cl_ulong, Pointer.to(value), null);
        return value[0];
    }
}
