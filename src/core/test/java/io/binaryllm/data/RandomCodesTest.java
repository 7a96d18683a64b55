package io.binaryllm.data;

import io.binaryllm.seed.Seeds;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RandomCodesTest {
    /** Seeded, every word random, the padding of the last word zero: what the benchmark's searches read. */
    @ParameterizedTest
    @ValueSource(ints = {1, 63, 64, 65, 127, 128, 257})
    void codesAreSeededRandomWithZeroPadding(int bits) {
        try (BinaryCodeBatch a = RandomCodes.generate(new Seeds(5).stream("x"), 200, bits, "a");
             BinaryCodeBatch b = RandomCodes.generate(new Seeds(5).stream("x"), 200, bits, "b");
             BinaryCodeBatch c = RandomCodes.generate(new Seeds(6).stream("x"), 200, bits, "c")) {
            assertThat(a.rows()).isEqualTo(200);
            assertThat(a.bits()).isEqualTo(bits);
            assertThat(a.source()).isEqualTo("a");
            assertThat(a.segment().mismatch(b.segment())).isEqualTo(-1);
            assertThat(a.segment().mismatch(c.segment())).isNotEqualTo(-1);
            long mask = BinaryCodeBatch.lastWordMask(bits);
            long orOfLast = 0;
            long orOfOthers = 0;
            for (long r = 0; r < a.rows(); r++) {
                for (int w = 0; w < a.words(); w++) {
                    long v = a.word(r, w);
                    if (w == a.words() - 1) {
                        assertThat(v & ~mask).as("padding of row %d", r).isZero();
                        orOfLast |= v;
                    } else {
                        orOfOthers |= v;
                    }
                }
            }
            assertThat(orOfLast).as("every used bit of the last word is set somewhere").isEqualTo(mask);
            if (a.words() > 1) {
                assertThat(orOfOthers).as("full words use all 64 bits").isEqualTo(-1L);
            }
        }
    }
}
