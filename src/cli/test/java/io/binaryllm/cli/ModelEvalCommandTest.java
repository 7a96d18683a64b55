package io.binaryllm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.kvcache.Gguf;
import io.binaryllm.kvcache.KvPolicies;
import io.binaryllm.kvcache.LlamaModel;
import io.binaryllm.kvcache.Perplexity;
import io.binaryllm.kvcache.Tokenizer;
import io.binaryllm.search.SearchBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** model-eval end to end on a small seeded model, float and low-bit. */
class ModelEvalCommandTest {
    @TempDir
    Path dir;

    private static final String TEXT = "the cat and the hat and the dog and the end of the tale, and then the tale of the cat and the dog again";

    private List<Path> runs(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out)) {
            return s.sorted().toList();
        }
    }

    @Test
    void comparesModelsOnTheTextWithTheSameMetricsOnRerun() throws Exception {
        Path tok = TinyLlamaFiles.tokenizer(dir);
        Path m = TinyLlamaFiles.model(dir, TinyLlamaFiles.VOCAB.size());
        Path text = Files.writeString(dir.resolve("t.txt"), TEXT);
        BitLinearPlan ternary = BitLinearPlan.parse("all=ternary");
        LlamaModel lowBit = LlamaModel.load(m).lowBit(ternary, SearchBackends.lowBitKernels("reference"));
        Path gguf = dir.resolve("ternary.gguf");
        Gguf.write(gguf, false, lowBit, Tokenizer.read(tok, TinyLlamaFiles.VOCAB.size()));
        Path out = dir.resolve("runs");
        Object[] args = {"model-eval", "--model", m, "--model", m + "@all=ternary", "--model", gguf, "--model", gguf + "@all=ternary,embedding=int8",
                "--text", text, "--tokenizer", tok,
                "--length", "12", "--sample", "3", "--speed-seconds", "0", "--generate", "8", "--policies", "exact,binary", "--output", out};
        CliHarness.Run first = CliHarness.cli(args);
        assertThat(first.code()).as(first.err()).isZero();
        CliHarness.Run second = CliHarness.cli(args);
        assertThat(second.code()).as(second.err()).isZero();
        List<Path> runs = runs(out);
        assertThat(runs).hasSize(2);
        Path run = runs.getFirst();
        assertThat(Files.readAllBytes(runs.get(1).resolve("metrics.json"))).isEqualTo(Files.readAllBytes(run.resolve("metrics.json")));
        assertThat(run.resolve("perplexity_bits.png")).isRegularFile();
        assertThat(run.resolve("perplexity_speed.png")).doesNotExist(); // no speeds asked for
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertThat(metrics.has("speeds")).isFalse();
        JsonNode models = metrics.get("models");
        assertThat(models).hasSize(4);

        // every model's perplexity is the decoder's over the same windows
        int[] all = Tokenizer.read(tok, TinyLlamaFiles.VOCAB.size()).encode(TEXT, true);
        int windows = Math.min(3, all.length / 12);
        assertThat(metrics.get("windows").get("count").asInt()).isEqualTo(windows);
        double nll = 0;
        for (int w = 0; w < windows; w++) {
            nll += Math.log(Perplexity.of(lowBit, KvPolicies.full(), Arrays.copyOfRange(all, w * 12, (w + 1) * 12)));
        }
        double expected = Math.exp(nll / windows);
        assertThat(models.get(1).get("perplexity").asDouble()).isCloseTo(expected, within(1e-12 * expected));
        // the plan applied here and the same plan read back from its GGUF file: the same bits, the same packed size
        assertThat(models.get(2).get("perplexity").asDouble()).isEqualTo(models.get(1).get("perplexity").asDouble());
        assertThat(models.get(2).get("fileBytes").asLong()).isEqualTo(Files.size(gguf)).isEqualTo(models.get(1).get("fileBytes").asLong());
        assertThat(models.get(0).get("fileBytes").asLong()).isEqualTo(Files.size(m));
        assertThat(models.get(1).get("perplexity").asDouble()).isNotEqualTo(models.get(0).get("perplexity").asDouble());
        assertThat(models.get(1).get("layers").asText()).isEqualTo("all=ternary");
        // a plan on a low-bit file keeps its ternary layers and makes the embedding int8: codes in the file, a quarter
        LlamaModel int8 = lowBit.lowBit(BitLinearPlan.parse("all=ternary,embedding=int8"), SearchBackends.lowBitKernels("reference"));
        assertThat(models.get(3).get("layers").asText()).isEqualTo("all=ternary,embedding=int8");
        double nll8 = 0;
        for (int w = 0; w < windows; w++) {
            nll8 += Math.log(Perplexity.of(int8, KvPolicies.full(), Arrays.copyOfRange(all, w * 12, (w + 1) * 12)));
        }
        assertThat(models.get(3).get("perplexity").asDouble()).isCloseTo(Math.exp(nll8 / windows), within(1e-12 * Math.exp(nll8 / windows)));
        int table = TinyLlamaFiles.VOCAB.size() * int8.config().dim();
        assertThat(models.get(3).get("fileBytes").asLong()).isLessThan(models.get(2).get("fileBytes").asLong() - 3L * table + 8L * int8.config().vocab());
        assertThat(models.get(0).get("layers").asText()).isEqualTo("all=float");
        assertThat(models.get(0).get("bitsPerWeight").asDouble()).isGreaterThan(32); // float32 and the file's header
        assertThat(models.get(0).get("projectionBitsPerWeight").asDouble()).isEqualTo(32.0);
        JsonNode policies = models.get(0).get("policies");
        assertThat(policies).extracting(p -> p.get("policy").asText()).containsExactly("full", "exact", "binary");
        assertThat(policies.get(0).get("overFull").asDouble()).isZero();
        assertThat(models.get(0).get("sample").asText()).isNotEmpty();
        assertThat(Files.readString(run.resolve("report.md"))).contains("/tiny-270.bin @ all=ternary |").contains("## Samples")
                .contains("exact @ 25% |");
    }

    @Test
    void speedsGoInTheirOwnSection() throws Exception {
        Path tok = TinyLlamaFiles.tokenizer(dir);
        Path m = TinyLlamaFiles.model(dir, TinyLlamaFiles.VOCAB.size());
        Path text = Files.writeString(dir.resolve("t.txt"), TEXT);
        Path out = dir.resolve("runs");
        CliHarness.Run r = CliHarness.cli("model-eval", "--model", m, "--model", m + "@all=binary", "--text", text, "--tokenizer", tok,
                "--length", "12", "--sample", "1", "--speed-seconds", "0.05", "--decode-tokens", "8", "--generate", "0",
                "--policies", "exact", "--output", out);
        assertThat(r.code()).as(r.err()).isZero();
        Path run = runs(out).getFirst();
        JsonNode speeds = new ObjectMapper().readTree(run.resolve("metrics.json").toFile()).get("speeds");
        assertThat(speeds.get("models")).hasSize(2);
        assertThat(speeds.get("models").get(1).get("tokensPerSecond").asDouble()).isPositive();
        assertThat(speeds.get("models").get(1).get("passes").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(speeds.get("decodeTokens").asInt()).isEqualTo(8);
        assertThat(run.resolve("perplexity_speed.png")).isRegularFile();
        assertThat(Files.readString(run.resolve("report.md"))).contains("tokens/s").doesNotContain("## Samples");
    }

    @Test
    void badInputIsOneLineAndLeavesNothing() throws Exception {
        Path tok = TinyLlamaFiles.tokenizer(dir);
        Path m = TinyLlamaFiles.model(dir, TinyLlamaFiles.VOCAB.size());
        Path other = TinyLlamaFiles.model(dir, 300);
        Path gguf = dir.resolve("ternary.gguf");
        Gguf.write(gguf, false, LlamaModel.load(m).lowBit(BitLinearPlan.parse("all=ternary"), SearchBackends.lowBitKernels("reference")),
                Tokenizer.read(tok, TinyLlamaFiles.VOCAB.size()));
        Path text = Files.writeString(dir.resolve("t.txt"), TEXT);
        Path out = dir.resolve("runs");
        record Case(String line, Object... args) {
        }
        for (Case c : List.of(
                new Case("--model: " + m + "@all=quaternary: ", "--model", m + "@all=quaternary", "--text", text, "--tokenizer", tok),
                new Case("--tokenizer: no model is a GGUF file", "--model", m, "--text", text),
                new Case("--model: " + other + " has a vocabulary of 300", "--model", m, "--model", other, "--text", text, "--tokenizer", tok),
                new Case("--budget: ", "--model", m, "--text", text, "--tokenizer", tok, "--budget", "200%"),
                new Case("--length: a window is 2 to 32 tokens", "--model", m, "--text", text, "--tokenizer", tok, "--length", "33"),
                new Case("--sample: ", "--model", m, "--text", text, "--tokenizer", tok, "--sample", "0"),
                new Case("--decode-tokens: ", "--model", m, "--text", text, "--tokenizer", tok, "--decode-tokens", "0"),
                new Case("no such file", "--model", dir.resolve("none.bin"), "--text", text, "--tokenizer", tok),
                new Case("is already low-bit (all=ternary): a plan keeps its q ternary", "--model", gguf + "@all=binary", "--text", text))) {
            Object[] args = Stream.concat(Stream.of("model-eval"), Stream.concat(Arrays.stream(c.args()), Stream.of("--output", out))).toArray();
            CliHarness.Run r = CliHarness.cli(args);
            assertThat(r.code()).as(c.line() + ": " + r.err()).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err()).contains(c.line()).hasLineCount(1);
        }
        assertThat(out).doesNotExist();
    }
}
