package io.binaryllm.train;

import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.kvcache.Gguf;
import io.binaryllm.kvcache.LlamaModel;
import io.binaryllm.kvcache.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** train-llama's outputs, and its one-line refusals (exit 2). */
class TrainMainTest {
    @TempDir
    Path dir;

    private int run(StringWriter err, String... args) {
        return TrainMain.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    @Test
    void writesTheModelItsTokenizerTheHeldOutTextAndTheLog() throws Exception {
        Path train = Files.writeString(dir.resolve("train.txt"), SyntheticText.sentences(1, 4000));
        Path held = Files.writeString(dir.resolve("held.txt"), SyntheticText.sentences(2, 400));
        Path out = dir.resolve("model");
        StringWriter err = new StringWriter();
        assertThat(run(err, "--small", "--steps", "2", "--train", train.toString(), "--held-out", held.toString(), "--out", out.toString()))
                .as(err.toString()).isZero();
        assertThat(out.resolve("model.bin")).exists();
        assertThat(LlamaModel.load(out.resolve("model.bin")).config().seqLen()).isEqualTo(64);
        assertThat(LlamaModel.load(out.resolve("model-q8.bin")).config())
                .isEqualTo(LlamaModel.load(out.resolve("model.bin")).config());
        assertThat(Tokenizer.read(out.resolve("tokenizer.bin"), 384).vocab()).isEqualTo(384);
        assertThat(Files.readString(out.resolve("held-out.txt"))).isEqualTo(TextCorpus.paragraphs(Files.readString(held)));
        assertThat(Files.readAllLines(out.resolve("training.tsv"))).hasSize(3).first().asString().startsWith("step\t");
        assertThat(Files.readString(out.resolve("training.json"))).contains("\"held_out_perplexity\"");
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("train.txt", "held.txt", "model");
        }
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("model.bin", "model-q8.bin", "tokenizer.bin",
                    "held-out.txt", "training.tsv", "training.json");
        }

        StringWriter again = new StringWriter();
        assertThat(run(again, "--small", "--train", train.toString(), "--held-out", held.toString(), "--out", out.toString())).isEqualTo(2);
        assertThat(again.toString()).isEqualTo("train-llama: --out: " + out + " exists (--force to replace it)" + System.lineSeparator());

        StringWriter steps = new StringWriter(); // the library's argument, named as the option it came from
        assertThat(run(steps, "--small", "--steps", "0", "--train", train.toString(), "--held-out", held.toString(), "--out",
                dir.resolve("none").toString())).isEqualTo(2);
        assertThat(steps.toString()).isEqualTo("train-llama: --steps: steps must be at least 1 (0 only with --layers: a low-bit phase alone), got 0"
                + System.lineSeparator());
    }

    @Test
    void aLowBitPhaseWritesThePackedModelAndAModelContinuesWithItsTokenizer() throws Exception {
        Path train = Files.writeString(dir.resolve("train.txt"), SyntheticText.sentences(1, 4000));
        Path held = Files.writeString(dir.resolve("held.txt"), SyntheticText.sentences(2, 400));
        Path floats = dir.resolve("float");
        StringWriter err = new StringWriter();
        assertThat(run(err, "--small", "--steps", "2", "--train", train.toString(), "--held-out", held.toString(), "--out", floats.toString()))
                .as(err.toString()).isZero();
        Path ternary = dir.resolve("ternary");
        assertThat(run(err, "--small", "--steps", "0", "--layers", "all=ternary", "--low-bit-steps", "2", "--init", floats.resolve("model.bin").toString(),
                "--tokenizer", floats.resolve("tokenizer.bin").toString(), "--train", train.toString(), "--held-out", held.toString(),
                "--out", ternary.toString())).as(err.toString()).isZero();
        try (var files = Files.list(ternary)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("model.bin", "model.gguf", "tokenizer.bin",
                    "held-out.txt", "training.tsv", "training.json");
        }
        assertThat(Gguf.read(ternary.resolve("model.gguf")).plan()).isEqualTo(BitLinearPlan.parse("all=ternary"));
        assertThat(Files.readAllBytes(ternary.resolve("tokenizer.bin"))).isEqualTo(Files.readAllBytes(floats.resolve("tokenizer.bin")));
        assertThat(Files.readAllLines(ternary.resolve("training.tsv"))).hasSize(3).element(1).asString().contains("\tlow-bit\t");
        assertThat(Files.readString(ternary.resolve("training.json"))).contains("\"low_bit\": {\"layers\": \"q=ternary");

        Path control = dir.resolve("control"); // the float control of a low-bit phase: the same schedule, float weights
        assertThat(run(err, "--small", "--steps", "2", "--weight-decay", "0", "--init", floats.resolve("model.bin").toString(),
                "--tokenizer", floats.resolve("tokenizer.bin").toString(), "--train", train.toString(), "--held-out", held.toString(),
                "--out", control.toString())).as(err.toString()).isZero();
        assertThat(Files.readString(control.resolve("training.json"))).contains("\"weight_decay\": 0.0,").contains("\"low_bit\": null");
        StringWriter decay = new StringWriter();
        assertThat(run(decay, "--small", "--weight-decay", "-0.1", "--train", train.toString(), "--held-out", held.toString(),
                "--out", dir.resolve("none").toString())).isEqualTo(2);
        assertThat(decay.toString()).startsWith("train-llama: --weight-decay: the weight decay is from 0 to 1, got -0.1").hasLineCount(1);
        StringWriter idle = new StringWriter();
        assertThat(run(idle, "--small", "--steps", "0", "--layers", "all=ternary", "--weight-decay", "0", "--train", train.toString(),
                "--held-out", held.toString(), "--out", dir.resolve("none").toString())).isEqualTo(2);
        assertThat(idle.toString()).startsWith("train-llama: --weight-decay: it applies to the float steps, and --steps 0 has none")
                .hasLineCount(1);

        StringWriter alone = new StringWriter();
        assertThat(run(alone, "--small", "--init", floats.resolve("model.bin").toString(), "--train", train.toString(), "--held-out",
                held.toString(), "--out", dir.resolve("none").toString())).isEqualTo(2);
        assertThat(alone.toString()).startsWith("train-llama: --tokenizer: --init needs the model's own tokenizer").hasLineCount(1);
        StringWriter shape = new StringWriter();
        assertThat(run(shape, "--small", "--dim", "256", "--train", train.toString(), "--held-out", held.toString(), "--out",
                dir.resolve("none").toString())).isEqualTo(2);
        assertThat(shape.toString()).startsWith("train-llama: --dim: --dim and --hidden-dim shape a new model; --small").hasLineCount(1);
        StringWriter plan = new StringWriter();
        assertThat(run(plan, "--small", "--layers", "all=quaternary", "--train", train.toString(), "--held-out",
                held.toString(), "--out", dir.resolve("none").toString())).isEqualTo(2);
        assertThat(plan.toString()).startsWith("train-llama: --layers: ").hasLineCount(1);
        StringWriter classifier = new StringWriter();
        assertThat(run(classifier, "--small", "--layers", "all=ternary,classifier=int8", "--train", train.toString(), "--held-out",
                held.toString(), "--out", dir.resolve("none").toString())).isEqualTo(2);
        assertThat(classifier.toString()).startsWith("train-llama: --layers: the trained model's classifier is its embedding").hasLineCount(1);
    }

    @Test
    void aTextTooPoorForTheVocabularyIsOneLine() throws Exception {
        Path train = Files.writeString(dir.resolve("train.txt"), "ab ab ab ab ba ba\n".repeat(50));
        StringWriter err = new StringWriter();
        assertThat(run(err, "--small", "--train", train.toString(), "--held-out", train.toString(), "--out", dir.resolve("o").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--train: the training text runs out of pairs to merge").hasLineCount(1);
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void aMissingOrNonUtf8TextIsOneLine() throws Exception {
        Path bad = Files.write(dir.resolve("bad.txt"), new byte[]{(byte) 0xff, (byte) 0xfe});
        StringWriter err = new StringWriter();
        assertThat(run(err, "--train", bad.toString(), "--held-out", bad.toString(), "--out", dir.resolve("o").toString())).isEqualTo(2);
        assertThat(err.toString()).contains(bad.toString()).contains("not UTF-8 text").doesNotContain("Exception");
        StringWriter missing = new StringWriter();
        assertThat(run(missing, "--train", dir.resolve("none.txt").toString(), "--held-out", bad.toString(), "--out", dir.resolve("o").toString()))
                .isEqualTo(2);
        assertThat(missing.toString()).contains("none.txt: no such file").hasLineCount(1);
    }

    private String refusal(String... args) {
        StringWriter err = new StringWriter();
        assertThat(run(err, args)).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).hasLineCount(1).startsWith("train-llama: ").doesNotContain("Exception").doesNotContain("Usage");
        return err.toString().strip();
    }

    @Test
    void specialFilesAsTextsAreRefusedWithoutOpeningThem() throws Exception {
        Path held = Files.writeString(dir.resolve("held.txt"), SyntheticText.sentences(2, 400));
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        // opening a FIFO waits for a writer forever; /dev/zero never ends
        assertThat(refusal("--small", "--train", fifo.toString(), "--held-out", held.toString(), "--out", dir.resolve("o").toString()))
                .isEqualTo("train-llama: " + fifo + ": is a FIFO (named pipe), not a regular file");
        assertThat(refusal("--small", "--train", held.toString(), "--held-out", "/dev/zero", "--out", dir.resolve("o").toString()))
                .isEqualTo("train-llama: /dev/zero: is a character device, not a regular file");
        assertThat(refusal("--small", "--train", dir.toString(), "--held-out", held.toString(), "--out", dir.resolve("o").toString()))
                .contains("is a directory");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void aBadOptionValueIsOneLineNotTheUsage() {
        assertThat(refusal("--seed", "abc", "--train", "t", "--held-out", "h", "--out", "o"))
                .contains("--seed").contains("'abc'").endsWith("(see binaryllm train-llama --help)");
        assertThat(refusal("--train", "t", "--held-out", "h")).contains("--out");
    }

    @Test
    void anOutputThatCannotBeWrittenIsRefusedBeforeTraining() throws Exception {
        Path held = Files.writeString(dir.resolve("held.txt"), SyntheticText.sentences(2, 400));
        Path file = Files.writeString(dir.resolve("file"), "x");
        // The text would fail only after the vocabulary is learned; the output is checked first.
        Path poor = Files.writeString(dir.resolve("poor.txt"), "ab ab ab ab ba ba\n".repeat(50));
        assertThat(refusal("--small", "--train", poor.toString(), "--held-out", held.toString(), "--out", file.resolve("model").toString()))
                .isEqualTo("train-llama: " + file + ": is a file, not a directory for outputs");
        assertThat(refusal("--small", "--force", "--train", poor.toString(), "--held-out", held.toString(), "--out", file.toString()))
                .isEqualTo("train-llama: --out: " + file + " is a file, not a directory to replace");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(held, file, poor); // no staging directory left
        }
    }

    @Test
    void aHeldOutTextShorterThanAWindowIsOneLineBeforeTraining() throws Exception {
        Path train = Files.writeString(dir.resolve("train.txt"), SyntheticText.sentences(1, 4000));
        Path held = Files.writeString(dir.resolve("held.txt"), "A short text.\n");
        assertThat(refusal("--small", "--train", train.toString(), "--held-out", held.toString(), "--out", dir.resolve("o").toString()))
                .startsWith("train-llama: --held-out: the text must hold at least a context + 1 = 65 tokens, holds ");
        assertThat(dir.resolve("o")).doesNotExist();
    }
}
