package io.binaryllm.kvcache;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed models (models/austen and its trained low-bit siblings) as the decoder reads them, frozen: its held-out text's tokens and the exact
 * perplexity of its first window. A change here means the tokenizer, the int8 reader, the decoder's arithmetic or the
 * committed files changed: the kv-eval results recorded for this model would no longer be reproduced.
 */
class AustenModelTest {
    private static final Path DIR = Path.of(System.getProperty("binaryllm.home", ".")).resolve("models/austen");

    @Test
    void theCommittedModelReadsAsRecorded() throws Exception {
        LlamaModel m = LlamaModel.load(DIR.resolve("model-q8.bin"));
        assertThat(m.config()).isEqualTo(new LlamaConfig(192, 512, 6, 6, 6, 2048, 512, true));
        int[] tokens = Tokenizer.read(DIR.resolve("tokenizer.bin"), 2048).encode(Files.readString(DIR.resolve("held-out.txt")), true);
        assertThat(tokens).hasSize(136_445).startsWith(1, 760, 778, 271, 1373, 287, 1272, 287);
        assertThat(Perplexity.of(m, KvPolicies.full(), Arrays.copyOf(tokens, 513))).isEqualTo(80.36488801711994);
    }

    /** The trained low-bit models (models/austen-ternary, -binary, -ternary-wide): their plans and first windows. */
    @Test
    void theCommittedLowBitModelsReadAsRecorded() throws Exception {
        Path models = DIR.getParent();
        int[] window = Arrays.copyOf(Tokenizer.read(DIR.resolve("tokenizer.bin"), 2048).encode(Files.readString(DIR.resolve("held-out.txt")), true), 513);
        LlamaModel ternary = LlamaModel.load(models.resolve("austen-ternary/model.gguf"));
        assertThat(ternary.plan()).isEqualTo(BitLinearPlan.parse("all=ternary"));
        assertThat(Perplexity.of(ternary, KvPolicies.full(), window)).isEqualTo(80.69277343655541);
        LlamaModel binary = LlamaModel.load(models.resolve("austen-binary/model.gguf"));
        assertThat(binary.plan()).isEqualTo(BitLinearPlan.parse("all=binary-signs,down=binary"));
        assertThat(binary.projectionBytes()).isEqualTo(355_584);
        assertThat(Perplexity.of(binary, KvPolicies.full(), window)).isEqualTo(125.45417258825083);
        LlamaModel wide = LlamaModel.load(models.resolve("austen-ternary-wide/model.gguf"));
        assertThat(wide.plan()).isEqualTo(BitLinearPlan.parse("all=ternary,embedding=int8"));
        assertThat(wide.config().dim()).isEqualTo(256);
        assertThat(wide.projectionBytes()).isEqualTo(1_622_016); // every row whole TQ2_0 blocks: 66 bytes a 256 weights
        assertThat(Perplexity.of(wide, KvPolicies.full(), window)).isEqualTo(96.21326892484466);
    }
}
