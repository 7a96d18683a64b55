package io.binaryllm.search.cuda;

import io.binaryllm.cli.CliHarness;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.EquivalenceSuite;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CUDA backend where a CUDA device exists (the shared harness and golden tests also cover it there); elsewhere
 * it must load, say why it cannot run, and make {@code search --backend cuda} exit 2 with that reason. Which of the
 * two happened is printed, so a run without a GPU never looks like a CUDA pass.
 */
class CudaBackendTest {
    @Test
    void onADeviceEveryChunkingEqualsTheOracleElseItExplainsItself() {
        io.binaryllm.search.gpu.GpuRuntime.Loaded loaded = CudaRuntime.get();
        if (loaded.runtime() == null) {
            System.err.println("CUDA TESTS NOT RUN (no CUDA device here): " + loaded.problem());
            CudaBackend b = new CudaBackend();
            assertThat(b.availability().available()).isFalse();
            assertThat(b.availability().detail()).isNotBlank().doesNotContain("\n");
            return;
        }
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
        assertThat(io.binaryllm.search.gpu.PackingEquivalence.run(new CudaBackend(), c -> { }).stream().filter(c -> !c.ok())).isEmpty();
    }

    @Test
    void searchWithoutADriverExitsTwoWithTheReason(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        if (CudaRuntime.get().runtime() != null) {
            return; // a driver is here: the other test ran the real thing
        }
        java.nio.file.Path db = dir.resolve("db.npy");
        io.binaryllm.data.io.Npy.writeCodes(db, false, BinaryCodeBatch.ofWords(new long[]{1, 2}, 2, 64));
        CliHarness.Run run = CliHarness.cli("search", "--database", db, "--queries", db, "--k", "1", "--backend", "cuda",
                "--indices", dir.resolve("i.npy"), "--distances", dir.resolve("d.npy"));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().lines()).singleElement().asString().contains("--backend cuda: unavailable here:");
        assertThat(dir.resolve("i.npy")).doesNotExist();
    }
}
