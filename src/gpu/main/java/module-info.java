/**
 * BinaryLLM gpu: the {@code opencl} (JOCL) and {@code cuda} (JCuda) search backends over {@code kernels/}, found by
 * core's {@code ServiceLoader} by name. Exports the API (docs/api.md); {@code io.binaryllm.gpu.internal} stays inside.
 */
module io.binaryllm.gpu {
    requires transitive io.binaryllm.core;
    requires jocl;
    requires jcuda;

    exports io.binaryllm.gpu;

    provides io.binaryllm.search.SearchBackend with io.binaryllm.gpu.internal.opencl.OpenClBackend,
            io.binaryllm.gpu.internal.cuda.CudaBackend;
}
