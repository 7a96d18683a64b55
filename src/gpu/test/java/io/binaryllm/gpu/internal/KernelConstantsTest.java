package io.binaryllm.gpu.internal;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The host's sizes of the kernels must be the kernel source's: the two are compiled apart. */
class KernelConstantsTest {
    private static int define(String name) {
        Matcher m = Pattern.compile("(?m)^#define " + name + " (\\d+)").matcher(KernelSources.read("binaryllm_core.h"));
        assertThat(m.find()).as("#define %s in binaryllm_core.h", name).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void hostConstantsMatchTheKernels() {
        assertThat(CountingTopK.LOCAL_BINS).isEqualTo(define("BLM_LOCAL_BINS"));
        assertThat(CountingTopK.TILE).isEqualTo(define("BLM_COUNT_QT"));
        assertThat(OnePassTopK.MAX_K).isEqualTo(define("BLM_KMAX"));
        assertThat(OnePassTopK.MAX_GROUP).isEqualTo(define("BLM_SMALL_GROUP"));
        assertThat(Keys.INDEX_BITS).isEqualTo(define("BLM_INDEX_BITS"));
    }

    @Test
    void everyKernelIsInTheProgramAndThePtx() {
        String program = KernelSources.openClProgram();
        String ptx = KernelSources.read("binaryllm.ptx");
        for (Kernel k : Kernel.values()) {
            assertThat(program).as(k.name()).contains(k.symbol());
            assertThat(ptx).as(k.name()).contains(".entry " + k.symbol() + "(");
        }
    }
}
