package io.binaryllm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.binaryllm.data.io.Npy;
import io.binaryllm.kvcache.Gguf;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.kvcache.LlamaModel;
import io.binaryllm.kvcache.Tokenizer;
import io.binaryllm.testing.Backends;
import io.binaryllm.testing.SpecialFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** kv-eval end to end on a small seeded model. */
class KvEvalCommandTest {
    @TempDir
    Path dir;

    private Path model() {
        return model(50);
    }

    private Path model(int vocab) {
        return TinyLlamaFiles.model(dir, vocab);
    }

    private List<Path> runs(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesItsRunDirectoryWithTheSameMetricsOnRerun() throws Exception {
        Path m = model();
        Path out = dir.resolve("runs");
        Object[] args = {"kv-eval", "--model", m, "--sample", "2", "--length", "24", "--budgets", "6,12,24", "--seed", "3", "--output", out};
        CliHarness.Run first = CliHarness.cli(args);
        assertThat(first.code()).as(first.err()).isZero();
        CliHarness.Run second = CliHarness.cli(args);
        assertThat(second.code()).as(second.err()).isZero();
        List<Path> runs = runs(out);
        assertThat(runs).hasSize(2);
        Path run = runs.getFirst();
        for (String f : List.of("metrics.json", "report.md", "tokens.npy", "perplexity.png", "attention_mass.png")) {
            assertThat(run.resolve(f)).as(f).isRegularFile();
        }
        assertThat(Files.readAllBytes(runs.get(1).resolve("metrics.json"))).isEqualTo(Files.readAllBytes(run.resolve("metrics.json")));
        assertThat(Npy.readHeap(run.resolve("tokens.npy")).shape()).containsExactly(2, 24);

        JsonNode rows = new ObjectMapper().readTree(run.resolve("metrics.json").toFile()).get("rows");
        assertThat(rows).hasSize(6 * 3);
        double full = rows.get(0).get("perplexity").asDouble();
        for (JsonNode r : rows) {
            assertThat(r.get("perplexity").asDouble()).isPositive();
            if (r.get("budget").get("keys").asInt() == 24) { // the whole sequence: every policy is full attention
                assertThat(r.get("perplexity").asDouble()).as(r.toString()).isEqualTo(full);
                assertThat(r.get("mass").asDouble()).isEqualTo(1.0);
            }
        }
        JsonNode binary6 = rows.get(12); // binary at budget 6 (after full, window, random and pages)
        assertThat(binary6.get("policy").asText()).isEqualTo("binary");
        assertThat(binary6.get("mass").asDouble()).isBetween(0.0, 1.0);
        assertThat(binary6.get("selectionBits").asLong()).isEqualTo(2L * 2 * 8); // 2 layers x 2 kv heads x 8 sign bits
        assertThat(Files.readString(run.resolve("report.md"))).contains("| binary | 6 |").contains("Attention mass by layer")
                .contains("| full | 6 | 1.000 (1.00) | 1.000 (1.00) |");
        assertThat(binary6.get("massByHead")).hasSize(2);
    }

    @Test
    void aShareBudgetAttendsToThatShareAtEveryStep() throws Exception {
        Path m = model();
        Path out = dir.resolve("runs");
        CliHarness.Run r = CliHarness.cli("kv-eval", "--model", m, "--sample", "2", "--length", "24", "--budgets", "25%,100%",
                "--policies", "full,window,binary", "--sink", "12.5%", "--recent", "25%", "--output", out);
        assertThat(r.code()).as(r.err()).isZero();
        Path run = runs(out).getFirst();
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertThat(metrics.get("budgets").toString()).isEqualTo("[\"25%\",\"100%\"]");
        assertThat(metrics.get("sink").asText()).isEqualTo("12.5% of each step's budget");
        assertThat(metrics.get("recent").asText()).isEqualTo("25% of each step's budget");
        assertThat(metrics.get("selectingSteps").toString()).isEqualTo("[23,0]"); // n = 2..24 at 25%; never at 100%
        assertThat(Files.readString(run.resolve("report.md"))).contains("12.5% of each step's budget are the first positions, 25% the most recent")
                .contains("| window | 25% | 23 |");
        JsonNode rows = metrics.get("rows");
        double full = rows.get(0).get("perplexity").asDouble();
        for (JsonNode row : rows) {
            if (row.get("budget").get("share").asDouble() == 1.0) {
                assertThat(row.get("perplexity").asDouble()).as(row.toString()).isEqualTo(full);
            }
        }
        JsonNode binaryQuarter = rows.get(4);
        assertThat(binaryQuarter.get("policy").asText()).isEqualTo("binary");
        assertThat(binaryQuarter.get("mass").asDouble()).isLessThan(1.0);
        assertThat(Files.readString(run.resolve("report.md"))).contains("| binary | 25% |").contains("attention_mass_share.png");
        assertThat(run.resolve("attention_mass_share.png")).isRegularFile();
        assertThat(run.resolve("perplexity.png")).doesNotExist();
    }

    @Test
    void badInputIsOneLineAndLeavesNothing() throws Exception {
        Path m = model();
        Path out = dir.resolve("runs");
        Object[][] cases = {
                {"kv-eval", "--model", m, "--policies", "full,oracle", "--output", out},
                {"kv-eval", "--model", m, "--length", "24", "--budgets", "30", "--output", out},
                {"kv-eval", "--model", m, "--length", "33", "--output", out},
                {"kv-eval", "--model", dir.resolve("none.bin"), "--output", out},
                {"kv-eval", "--model", m, "--backend", "nope", "--output", out},
                {"kv-eval", "--model", m, "--budgets", "0%", "--output", out},
                {"kv-eval", "--model", m, "--budgets", "half", "--output", out},
                {"kv-eval", "--model", m, "--layers", "all=int4", "--output", out},
                {"kv-eval", "--model", m, "--layers", "classifier=int8", "--output", out},
                {"kv-eval", "--model", m, "--layers", "all=ternary", "--backend", "nope", "--output", out},
                {"kv-eval", "--model", m, "--policies", "full", "--backend", "bogus", "--output", out},
                {"kv-eval", "--model", m, "--policies", "binary-asym", "--code-bits", "0", "--output", out},
                {"kv-eval", "--model", m, "--text", m, "--first", "5", "--output", out},
                {"kv-eval", "--model", m, "--sink", "150%", "--output", out},
                {"kv-eval", "--model", m, "--sink", "60%", "--recent", "50%", "--output", out},
                {"kv-eval", "--model", m, "--recent", "8", "--output", out},
                {"kv-eval", "--model", m, "--policies", "binary-rerank", "--rerank", "0", "--output", out},
        };
        String[] expected = {"unknown policy 'oracle'", "budgets are 2 to the sequence length 24, got 30", "2 to 32 tokens",
                "none.bin: no such file", "nope", "a share is more than 0% and at most 100%, got 0%",
                "a budget is a number of positions or a share like 25%, got 'half'", "--layers: unknown kind 'int4'",
                "--layers: this model's classifier is its embedding", "--backend: unknown backend 'nope'",
                "--backend: unknown backend 'bogus'", "--code-bits: projection bits are 1 to 4096, got 0",
                "--first: --first is the first token of sampled sequences",
                "--sink: a share of the budget from 0% to 100%, like 6.25%, got '150%'",
                "--recent: --sink and --recent together take at most the whole budget, got 60% and 50%",
                "--recent: a share of the budget from 0% to 100%, like 6.25%, got '8'", "--rerank: "};
        for (int i = 0; i < cases.length; i++) {
            CliHarness.Run r = CliHarness.cli(cases[i]);
            assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err()).contains(expected[i]).hasLineCount(1);
        }
        assertThat(out).doesNotExist();
    }

    /** --layers: the low-bit model's plan and bytes in metrics.json, its perplexity the same on every CPU backend. */
    @Test
    void lowBitLayersAreMeasuredTheSameOnEveryBackend() throws Exception {
        Path m = model();
        List<JsonNode> metrics = new ArrayList<>();
        for (String backend : List.of("reference", "cpu", "native")) {
            Path out = dir.resolve("runs-" + backend);
            CliHarness.Run r = CliHarness.cli("kv-eval", "--model", m, "--sample", "2", "--length", "24", "--budgets", "12",
                    "--policies", "full,window", "--layers", "all=ternary,down=binary-signs", "--backend", backend, "--output", out);
            if (backend.equals("native") && r.code() == Main.BAD_INPUT && !Backends.inCi()) {
                assertThat(r.err()).contains("native");
                continue;
            }
            assertThat(r.code()).as(r.err()).isZero();
            metrics.add(new ObjectMapper().readTree(runs(out).getFirst().resolve("metrics.json").toFile()));
        }
        JsonNode model = metrics.getFirst().get("model");
        assertThat(model.get("layers").asText()).isEqualTo("q=ternary,k=ternary,v=ternary,o=ternary,gate=ternary,up=ternary,"
                + "down=binary-signs,embedding=float,classifier=float");
        assertThat(model.get("projectionBytes").asLong()).isPositive();
        for (JsonNode other : metrics) {
            assertThat(other.get("rows")).isEqualTo(metrics.getFirst().get("rows"));
        }
        Path out = dir.resolve("runs-float");
        CliHarness.Run r = CliHarness.cli("kv-eval", "--model", m, "--sample", "2", "--length", "24", "--budgets", "12",
                "--policies", "full,window", "--output", out);
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode plain = new ObjectMapper().readTree(runs(out).getFirst().resolve("metrics.json").toFile());
        assertThat(plain.get("model").has("layers")).isFalse();
        assertThat(plain.get("rows").get(0).get("perplexity").asDouble())
                .isNotEqualTo(metrics.getFirst().get("rows").get(0).get("perplexity").asDouble());
    }

    /**
     * Special files as the model, the tokenizer or the text are refused in one line naming them (a FIFO used to block
     * the run for ever, /dev/zero to fill the heap), and a missing text says so.
     */
    @Test
    void specialFilesAreRefusedNamingThem() throws Exception {
        Path m = model();
        Path fifo = SpecialFiles.fifo(dir.resolve("pipe"));
        Path text = Files.writeString(dir.resolve("t.txt"), "some text");
        Path tok = dir.resolve("tok.bin");
        Files.write(tok, new byte[]{8, 0, 0, 0});
        Path out = dir.resolve("runs");
        Object[][] cases = {
                {"kv-eval", "--model", fifo, "--output", out},
                {"kv-eval", "--model", m, "--text", text, "--tokenizer", fifo, "--output", out},
                {"kv-eval", "--model", m, "--text", fifo, "--tokenizer", tok, "--output", out},
                {"kv-eval", "--model", m, "--text", Path.of("/dev/zero"), "--tokenizer", tok, "--output", out},
                {"kv-eval", "--model", m, "--text", dir.resolve("missing.txt"), "--tokenizer", tok, "--output", out},
        };
        String[] expected = {"pipe: is a FIFO (named pipe), not a regular file", "pipe: is a FIFO (named pipe), not a regular file",
                "pipe: is a FIFO (named pipe), not a regular file", "/dev/zero: is a character device, not a regular file",
                "missing.txt: no such file"};
        for (int i = 0; i < cases.length; i++) {
            Object[] args = cases[i];
            CliHarness.Run r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliHarness.cli(args));
            assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err()).contains(expected[i]).hasLineCount(1);
        }
        assertThat(out).doesNotExist();
    }

    /** A context of 2^31 - 1 positions taken at its word is refused naming --length, not an OutOfMemoryError. */
    @Test
    void aHugeLengthIsRefusedNamingIt() throws Exception {
        LlamaConfig c = new LlamaConfig(32, 48, 2, 4, 2, 50, Integer.MAX_VALUE, true);
        Path m = dir.resolve("long.gguf");
        Gguf.write(m, false, LlamaModel.of(c, LlamaModel.load(model()).weights()), null);
        Path out = dir.resolve("runs");
        CliHarness.Run r = CliHarness.cli("kv-eval", "--model", m, "--length", String.valueOf(Integer.MAX_VALUE), "--sample", "1",
                "--policies", "full", "--budgets", "50%", "--output", out);
        assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).startsWith("binaryllm: --length: 1 sequences of 2147483647 tokens and their cache").hasLineCount(1);
        assertThat(out).doesNotExist();
    }

    /** --text through llama2.c's tokenizer: the windows written to tokens.npy are the text's tokens after BOS. */
    @Test
    void aTextIsCutIntoWindowsOfItsTokens() throws Exception {
        List<String> vocab = TinyLlamaFiles.VOCAB;
        Path tok = TinyLlamaFiles.tokenizer(dir);
        Path m = model(vocab.size());
        Path text = Files.writeString(dir.resolve("t.txt"), "the cat and the hat and the dog and the end of the tale");
        Path out = dir.resolve("runs");
        CliHarness.Run r = CliHarness.cli("kv-eval", "--model", m, "--text", text, "--tokenizer", tok, "--length", "12", "--sample", "3",
                "--budgets", "4,12", "--policies", "full,binary", "--output", out);
        assertThat(r.code()).as(r.err()).isZero();
        int[] all = Tokenizer.read(tok, vocab.size()).encode(Files.readString(text), true);
        Path run = runs(out).getFirst();
        var written = Npy.readHeap(run.resolve("tokens.npy"));
        int windows = Math.min(3, all.length / 12);
        assertThat(written.shape()).containsExactly(windows, 12);
        int[] flat = new int[windows * 12];
        ByteBuffer.wrap(written.data().toArray(ValueLayout.JAVA_BYTE)).order(ByteOrder.LITTLE_ENDIAN)
                .asIntBuffer().get(flat);
        assertThat(flat).containsExactly(Arrays.copyOf(all, windows * 12));
        assertThat(Files.readString(run.resolve("metrics.json"))).contains("\"source\" : \"text t.txt\"");
        CliHarness.Run bad = CliHarness.cli("kv-eval", "--model", m, "--text", text, "--output", out);
        assertThat(bad.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(bad.err()).contains("--text with a llama2.c model needs --tokenizer").hasLineCount(1);
    }
}
