package io.binaryllm.gpu.internal.cuda;

import io.binaryllm.BadArgumentException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.gpu.PackingEquivalence;
import io.binaryllm.gpu.internal.GpuRuntime;
import io.binaryllm.search.EquivalenceSuite;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA backend where a CUDA device exists (the shared contract and the golden set also cover it there); elsewhere
 * it must load, say why it cannot run, and refuse a search with that reason. Each test that needs the other case is
 * skipped with the reason, so a run without a GPU never looks like a CUDA pass.
 */
class CudaBackendTest {
    @Test
    void onADeviceEveryChunkingAndTheSuitesEqualTheReference() {
        GpuRuntime.Loaded loaded = CudaDevice.get();
        assumeTrue(loaded.runtime() != null, () -> "no CUDA device here: " + loaded.problem());
        System.err.println("CUDA TESTS RUN on " + loaded.runtime().describe());
        for (long chunkRows : new long[]{1, 5, Long.MAX_VALUE / 1024}) {
            CudaBackend backend = new CudaBackend(chunkRows == Long.MAX_VALUE / 1024 ? Long.MAX_VALUE : chunkRows * 3 * Long.BYTES);
            int bits = 150;
            int[][] db = CodeGen.tieHeavy(3, 97, bits);
            int[][] q = CodeGen.tieHeavy(4, 11, bits);
            BinaryCodeBatch d = Oracle.codes(db, bits);
            BinaryCodeBatch qq = Oracle.codes(q, bits);
            for (int k : new int[]{1, 10, 97}) {
                assertThat(backend.search(d, qq, k).firstDifference(Oracle.topK(db, q, k))).as("chunk=%d k=%d", chunkRows, k).isNull();
            }
        }
        List<EquivalenceSuite.Check> checks = EquivalenceSuite.run(new CudaBackend(), c -> { });
        assertThat(checks.stream().filter(c -> !c.ok())).isEmpty();
        assertThat(PackingEquivalence.run(new CudaBackend(), c -> { }).stream().filter(c -> !c.ok())).isEmpty();
    }

    @Test
    void withoutADriverItLoadsExplainsItselfAndRefusesToSearch() {
        GpuRuntime.Loaded loaded = CudaDevice.get();
        assumeTrue(loaded.runtime() == null, "a CUDA device is here: the other test ran the real thing");
        CudaBackend b = new CudaBackend();
        assertThat(b.availability().available()).isFalse();
        assertThat(b.availability().detail()).isNotBlank().doesNotContain("\n").isEqualTo(loaded.problem());
        BinaryCodeBatch db = BinaryCodeBatch.ofWords(new long[]{1, 2}, 2, 64);
        assertThatThrownBy(() -> b.search(db, db, 1)).isInstanceOf(BadArgumentException.class)
                .hasMessage("cuda is unavailable here: " + loaded.problem());
    }

    @Test
    void theDriverLibrarysLoadErrorIsCutToTheMissingObject() {
        assertThat(CudaDevice.rootCause("java.lang.UnsatisfiedLinkError: Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: No such file or directory"))
                .isEqualTo("libcuda.so.1: cannot open shared object file: No such file or directory");
        assertThat(CudaDevice.rootCause(null)).isEqualTo("the JCuda driver library did not load");
    }
}
