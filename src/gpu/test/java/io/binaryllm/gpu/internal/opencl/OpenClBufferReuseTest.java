package io.binaryllm.gpu.internal.opencl;

import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Device buffers are kept between searches: a repeated search allocates nothing, a bigger one replaces only what
 * is too small, smaller ones run in the bigger buffers (and stay exact), and close() frees them.
 */
class OpenClBufferReuseTest {
    @Test
    void buffersAreReusedGrownAndReleased() {
        OpenClTests.runtime();
        int bits = 130;
        int[][] small = CodeGen.tieHeavy(1, 300, bits);
        int[][] big = CodeGen.tieHeavy(2, 900, bits);
        int[][] q = CodeGen.tieHeavy(3, 17, bits);
        try (OpenClBackend backend = new OpenClBackend(Long.MAX_VALUE)) {
            for (int k : new int[]{5, 60}) { // the one-pass kernel, then the counting selection (more buffers)
                OpenClTests.runtime().releaseBuffers(); // the runtime is JVM-wide: start from no buffers
                assertThat(backend.search(Oracle.codes(small, bits), Oracle.codes(q, bits), k)).isEqualTo(Oracle.topK(small, q, k));
                assertThat(backend.search(Oracle.codes(small, bits), Oracle.codes(q, bits), k)).isEqualTo(Oracle.topK(small, q, k));
                assertThat(backend.lastTimings().allocations()).as("a repeated search, k=" + k).isZero();
                assertThat(backend.search(Oracle.codes(big, bits), Oracle.codes(q, bits), k)).isEqualTo(Oracle.topK(big, q, k));
                assertThat(backend.lastTimings().allocations()).as("the database buffer grows").isEqualTo(1);
                assertThat(backend.search(Oracle.codes(small, bits), Oracle.codes(q, bits), k)).isEqualTo(Oracle.topK(small, q, k));
                assertThat(backend.lastTimings().allocations()).as("smaller fits in bigger").isZero();
            }
            backend.close();
            assertThat(backend.search(Oracle.codes(small, bits), Oracle.codes(q, bits), 60)).isEqualTo(Oracle.topK(small, q, 60));
            assertThat(backend.lastTimings().allocations()).as("after close, all eight again").isEqualTo(8);
        }
    }
}
