package io.binaryllm.kvcache;

import io.binaryllm.BadInputException;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** llama2.c's int8 export (version 2): the layout runq.c reads, and the dequantized weights the decoder gets. */
class Llama2cQ8Test {
    @TempDir
    Path dir;

    /** Shapes whose dim and hidden_dim the group divides: stored and shared classifiers, grouped-query attention. */
    static final LlamaConfig STORED = new LlamaConfig(24, 40, 2, 3, 3, 37, 16, false);
    static final LlamaConfig SHARED = new LlamaConfig(32, 48, 3, 4, 2, 29, 20, true);

    /** export.py's quantize_q80, transcribed: scale = max|w| / 127 a group, q = round(w / scale) half to even. */
    private static float[] roundTrip(float[] w, int from, int n, int group) {
        float[] out = new float[n];
        for (int g = 0; g < n / group; g++) {
            float max = 0;
            for (int i = 0; i < group; i++) {
                max = Math.max(max, Math.abs(w[from + g * group + i]));
            }
            float scale = max / 127.0f;
            for (int i = 0; i < group; i++) {
                byte q = scale == 0 ? 0 : (byte) Math.rint(w[from + g * group + i] / scale);
                out[g * group + i] = q * scale;
            }
        }
        return out;
    }

    @Test
    void theDecoderGetsTheDequantizedWeightsOfEveryTensor() throws Exception {
        for (LlamaConfig c : new LlamaConfig[]{STORED, SHARED}) {
            int group = 8;
            LlamaModel m = RandomLlama.model(c, 3);
            Path f = dir.resolve("q8-" + c.dim() + ".bin");
            Llama2c.writeQ8(f, false, m, group);
            LlamaModel back = LlamaModel.load(f);
            assertThat(back.config()).isEqualTo(c);
            LlamaModel.Weights w = m.weights();
            LlamaModel.Weights r = back.weights();
            assertThat(r.rmsAtt()).isEqualTo(w.rmsAtt());
            assertThat(r.rmsFfn()).isEqualTo(w.rmsFfn());
            assertThat(r.rmsFinal()).isEqualTo(w.rmsFinal());
            assertThat(r.embedding()).isEqualTo(roundTrip(w.embedding(), 0, w.embedding().length, group));
            int d = c.dim();
            for (int l = 0; l < c.layers(); l++) { // each layer's matrix is its own tensor, its groups its own
                int kv = c.kvDim() * d;
                int h = c.hiddenDim() * d;
                assertThat(Arrays.copyOfRange(r.wq(), l * d * d, (l + 1) * d * d)).isEqualTo(roundTrip(w.wq(), l * d * d, d * d, group));
                assertThat(Arrays.copyOfRange(r.wk(), l * kv, (l + 1) * kv)).isEqualTo(roundTrip(w.wk(), l * kv, kv, group));
                assertThat(Arrays.copyOfRange(r.w2(), l * h, (l + 1) * h)).isEqualTo(roundTrip(w.w2(), l * h, h, group));
            }
            if (c.sharedClassifier()) {
                assertThat(r.classifier()).isSameAs(r.embedding());
            } else {
                assertThat(r.classifier()).isEqualTo(roundTrip(w.classifier(), 0, w.classifier().length, group));
            }
            // well under half of the float file even with these tiny groups (a quarter plus 1/16 with groups of 64), and logits near the float ones
            assertThat(Files.size(f)).isLessThan(c.parameters() * Float.BYTES / 2);
            try (Decoder a = m.decoder(); Decoder b = back.decoder()) {
                float[] x = a.next(1);
                float[] y = b.next(1);
                for (int i = 0; i < x.length; i++) {
                    assertThat(y[i]).isCloseTo(x[i], Offset.offset(0.05f + Math.abs(x[i]) * 0.05f));
                }
            }
        }
    }

    @Test
    void theHeaderIsRunqCs() throws Exception {
        Path f = dir.resolve("q8.bin");
        Llama2c.writeQ8(f, false, RandomLlama.model(SHARED, 1), 16);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(Arrays.copyOf(b.array(), 4), StandardCharsets.US_ASCII)).isEqualTo("24ka"); // uint32 "ak42"
        assertThat(b.getInt(4)).isEqualTo(2);
        assertThat(new int[]{b.getInt(8), b.getInt(12), b.getInt(16), b.getInt(20), b.getInt(24), b.getInt(28), b.getInt(32)})
                .containsExactly(32, 48, 3, 4, 2, 29, 20);
        assertThat(b.get(36)).isEqualTo((byte) 1);
        assertThat(b.getInt(37)).isEqualTo(16);
        for (int i = 41; i < 256; i++) {
            assertThat(b.get(i)).isZero();
        }
        assertThat(b.getFloat(256)).isEqualTo(RandomLlama.model(SHARED, 1).weights().rmsAtt()[0]);
    }

    @Test
    void badFilesAndGroupsAreRefusedByName() throws Exception {
        Path f = dir.resolve("q8.bin");
        Llama2c.writeQ8(f, false, RandomLlama.model(SHARED, 1), 16);
        byte[] bytes = Files.readAllBytes(f);
        Path cut = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> LlamaModel.load(cut)).isInstanceOf(BadInputException.class).hasMessageContaining("cut.bin")
                .hasMessageContaining("truncated");
        byte[] v3 = bytes.clone();
        v3[4] = 3;
        Path other = Files.write(dir.resolve("v3.bin"), v3);
        assertThatThrownBy(() -> LlamaModel.load(other)).hasMessageContaining("export version 3");
        byte[] g = bytes.clone();
        g[37] = 5;
        Path badGroup = Files.write(dir.resolve("g.bin"), g);
        assertThatThrownBy(() -> LlamaModel.load(badGroup)).hasMessageContaining("group size 5");
        assertThatThrownBy(() -> Llama2c.writeQ8(dir.resolve("x.bin"), false, RandomLlama.model(SHARED, 1), 12))
                .hasMessageContaining("group size divides dim 32");
    }
}
