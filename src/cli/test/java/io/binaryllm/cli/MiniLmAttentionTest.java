package io.binaryllm.cli;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.binaryllm.BadArgumentException;
import io.binaryllm.kvcache.BertEncoder;
import io.binaryllm.langchain4j.embed.TextEmbedders;
import org.assertj.core.api.Assertions;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * all-MiniLM-L6-v2 computed in Java from its own ONNX weights (BertEncoder) gives the embeddings the ONNX runtime
 * gives through langchain4j: the attention the KV cache harness measures on it is the model's real attention.
 */
class MiniLmAttentionTest {
    @TempDir
    static Path dir;
    static BertEncoder encoder;
    static HuggingFaceTokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        assumeTrue(TextEmbedders.miniLmAvailable(), "all-MiniLM-L6-v2 is not on the class path");
        Path onnx = dir.resolve("all-minilm-l6-v2.onnx");
        try (InputStream in = MiniLmAttentionTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            Files.copy(in, onnx);
        }
        encoder = BertEncoder.readOnnx(onnx, 12);
        try (InputStream in = MiniLmAttentionTest.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of());
        }
    }

    @Test
    void javaForwardPassGivesTheOnnxRuntimesEmbeddings() {
        assertThat(encoder.layers()).isEqualTo(6);
        assertThat(encoder.dim()).isEqualTo(384);
        var model = TextEmbedders.miniLmModel();
        for (String text : new String[]{"a small domesticated carnivorous mammal with soft fur",
                "The quick brown fox jumps over the lazy dog, twice; then it rests.", "binary codes"}) {
            Encoding e = tokenizer.encode(text);
            int[] ids = Arrays.stream(e.getIds()).mapToInt(Math::toIntExact).toArray();
            float[] ours = encoder.embedding(ids);
            float[] theirs = model.embed(text).content().vector();
            assertThat(ours).hasSameSizeAs(theirs);
            for (int i = 0; i < ours.length; i++) {
                assertThat(ours[i]).as("%s [%d]", text, i).isCloseTo(theirs[i], Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void tokenIdsOutsideTheModelAreRefusedNamingThem() {
        Assertions.assertThatThrownBy(() -> encoder.embedding(new int[]{101, 30522, 102}))
                .isInstanceOf(BadArgumentException.class).hasMessageContaining("token ids are 0 to 30521, got 30522");
        Assertions.assertThatThrownBy(() -> encoder.embedding(new int[513]))
                .isInstanceOf(BadArgumentException.class).hasMessageContaining("1 to 512 token ids, got 513");
    }
}
