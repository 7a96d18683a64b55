package io.binaryllm.train;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.Messages;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.internal.boundary.ErrorLines;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.internal.io.StagedDirectory;
import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.kvcache.Gguf;
import io.binaryllm.kvcache.Llama2c;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.kvcache.LlamaModel;
import io.binaryllm.kvcache.Tokenizer;
import io.binaryllm.search.SearchBackends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code train-llama}: learns a vocabulary on the training texts, trains the project's Llama on them and writes the
 * model in llama2.c's format with its tokenizer, the held-out text as the model reads it, and the training log.
 */
@Command(name = "binaryllm train-llama", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a small Llama on plain text (books: hard-wrapped lines, blank lines",
                "between paragraphs) and writes OUT/model.bin (llama2.c, float32),",
                "OUT/model-q8.bin (llama2.c's int8 export), OUT/tokenizer.bin, OUT/held-out.txt",
                "and OUT/training.{tsv,json}. With --layers, a low-bit phase follows the float",
                "one (quantization-aware training of those projections): OUT/model.gguf is",
                "then the trained low-bit model, packed, and model.bin its float latent weights."})
public final class TrainMain implements Callable<Integer> {
    @Option(names = "--train", required = true, paramLabel = "TEXT", description = "A training text (repeatable; read in the order given).")
    List<Path> train = new ArrayList<>();

    @Option(names = "--held-out", required = true, paramLabel = "TEXT", description = "The held-out text for evaluation.")
    Path heldOut;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The output directory (created; not over an existing one without --force).")
    Path out;

    @Option(names = "--steps", paramLabel = "N", description = "Float steps; 0 with --layers: the low-bit phase alone (default: ${DEFAULT-VALUE}).")
    int steps = 720;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the initial weights and the window draws (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--small", description = "A tiny model for a quick check (2 layers of 64, 384 tokens, context 64).")
    boolean small;

    @Option(names = "--dim", paramLabel = "D", description = "Model width, a multiple of 32: heads of 32 (default: ${DEFAULT-VALUE}).")
    int dim = 192;

    @Option(names = "--hidden-dim", paramLabel = "H", description = "SwiGLU width (default: ${DEFAULT-VALUE}).")
    int hiddenDim = 512;

    @Option(names = "--weight-decay", paramLabel = "WD", description = {"Weight decay of the float steps, 0 to 1 (default: 0.1;",
            "0 continues a model as the low-bit phase does, for its float control)."})
    Float weightDecay;

    @Option(names = "--layers", paramLabel = "PLAN", description = {"Low-bit projections trained after the float steps, as",
            "kv-eval's --layers (all=ternary; all=binary-signs,down=binary;",
            "all=ternary,embedding=int8 trains the embedding on its int8 grid too)."})
    String layers;

    @Option(names = "--low-bit-steps", paramLabel = "N", description = "Steps of the low-bit phase (default: ${DEFAULT-VALUE}).")
    int lowBitSteps = 720;

    @Option(names = "--low-bit-lr", paramLabel = "LR", description = "Peak learning rate of the low-bit phase; it ends at a tenth, no weight decay (default: ${DEFAULT-VALUE}).")
    float lowBitLr = 2e-3f;

    @Option(names = "--init", paramLabel = "MODEL", description = "Continue this float model (llama2.c) instead of seeded weights; needs --tokenizer.")
    Path init;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "With --init: the model's tokenizer (llama2.c), used instead of learning one.")
    Path tokenizerFile;

    @Option(names = "--force", description = "Replace an existing output directory.")
    boolean force;

    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    /** The most bytes a text may have: the trainer holds every text in memory, and a day's training reads far less. */
    static final long MAX_TEXT_BYTES = 256L << 20;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs with these streams and returns the exit code, under the contract of every command of this project: 2 and
     * one line naming the option or file for bad arguments or input, 1 and "internal error" for a bug.
     */
    public static int run(PrintWriter stdout, PrintWriter stderr, String... args) {
        boolean debug = Arrays.asList(args).contains("--debug");
        try {
            CommandLine cli = new CommandLine(new TrainMain()).setOut(stdout).setErr(stderr);
            cli.setParameterExceptionHandler((e, a) -> {
                stderr.println(Messages.oneLine("train-llama: " + e.getMessage() + " (see binaryllm train-llama --help)"));
                return ErrorLines.BAD_INPUT;
            });
            cli.setExecutionExceptionHandler((e, line, parsed) -> failure(e, debug, stderr));
            return cli.execute(args);
        } catch (Error e) {
            return failure(e, debug, stderr);
        }
    }

    private static int failure(Throwable e, boolean debug, PrintWriter err) {
        // the library names its argument; the command names the option
        return ErrorLines.report("train-llama", e, ErrorLines.line(e, TrainMain::option), debug, err);
    }

    /** The option an argument of the trainer's library comes from ({@code heldOut}: {@code --held-out}). */
    static String option(String argument) {
        return switch (argument) {
            case "heldOut" -> "--held-out";
            case "lowBitSteps" -> "--low-bit-steps";
            case "lowBitLr" -> "--low-bit-lr";
            case "hiddenDim" -> "--hidden-dim";
            case "weightDecay" -> "--weight-decay";
            case "tokenizer" -> "--tokenizer";
            case "plan" -> "--layers";
            case "train", "out", "steps", "seed", "layers", "init", "dim" -> "--" + argument;
            default -> "--small"; // the plan's own shape and schedule: only --small chooses another
        };
    }

    @Override
    public Integer call() throws IOException {
        // Everything a user can get wrong is refused before the minutes of work: the texts, the plan, the output.
        for (Path p : train) {
            FileKinds.requireRegularFile(p, MAX_TEXT_BYTES, "a training text");
        }
        FileKinds.requireRegularFile(heldOut, MAX_TEXT_BYTES, "a held-out text");
        if ((init == null) != (tokenizerFile == null)) {
            throw new BadArgumentException("tokenizer", init == null ? "a tokenizer is read only to continue a model (--init); a new one is learned"
                    : "--init needs the model's own tokenizer: a model continues with its vocabulary");
        }
        LlamaModel initial = init == null ? null : LlamaModel.load(init);
        TrainingPlan plan = plan(initial == null ? null : initial.config());
        requireOutput();
        StringBuilder text = new StringBuilder();
        for (Path p : train) {
            text.append(TextCorpus.paragraphs(read(p)));
        }
        String held = TextCorpus.paragraphs(read(heldOut));
        // The staging directory beside --out proves it writable now, not after training; a killed run's is deleted by
        // the next writer in that directory.
        Path target = out.toAbsolutePath().normalize();
        if (target.getFileName() == null) {
            throw new BadArgumentException("out", out + " names no directory that could be created");
        }
        try (StagedDirectory staged = StagedDirectory.create(target.getParent(), target.getFileName().toString())) {
            long t0 = System.nanoTime();
            Tokenizer tokenizer = initial != null ? Tokenizer.read(tokenizerFile, plan.model().vocab()) : BpeTrainer.train(text.toString(), plan.model().vocab());
            if (tokenizer.vocab() < plan.model().vocab()) {
                throw new BadArgumentException("train", "the training text runs out of pairs to merge at " + tokenizer.vocab()
                        + " tokens, fewer than the model's vocabulary of " + plan.model().vocab() + " (give more text)");
            }
            int[] trainTokens = tokenizer.encode(text.toString(), true);
            int[] heldTokens = tokenizer.encode(held, true);
            LlamaTrainer.requireTokens("train", trainTokens, plan.model().seqLen() + 1, plan.model().vocab());
            LlamaTrainer.requireTokens("heldOut", heldTokens, plan.model().seqLen() + 1, plan.model().vocab());
            System.err.printf(Locale.ROOT, "vocabulary of %d in %.1f s; %d training tokens, %d held-out tokens; %,d parameters%n",
                    tokenizer.vocab(), (System.nanoTime() - t0) / 1e9, trainTokens.length, heldTokens.length, plan.model().parameters());
            StringBuilder tsv = new StringBuilder("step\tphase\tlearning_rate\tloss\tgradient_norm\theld_out_loss\tseconds\n");
            long start = System.nanoTime();
            LlamaTrainer.Trained trained = LlamaTrainer.train(plan, initial, trainTokens, heldTokens, s -> {
                String row = String.format(Locale.ROOT, "%d\t%s\t%.6g\t%.5f\t%.4f\t%s\t%.1f", s.step(), s.layers().isLowBit() ? "low-bit" : "float", s.learningRate(), s.loss(),
                        s.gradientNorm(), Double.isNaN(s.heldOutLoss()) ? "" : String.format(Locale.ROOT, "%.5f", s.heldOutLoss()),
                        (System.nanoTime() - start) / 1e9);
                tsv.append(row).append('\n');
                if (!Double.isNaN(s.heldOutLoss()) || s.step() % 10 == 0) {
                    System.err.println(row);
                }
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            writeOutputs(staged.path(), tokenizer, held, tsv, trained, summary(plan, trainTokens.length, heldTokens.length, trained, seconds));
            if (force) {
                staged.commitReplacing();
            } else {
                staged.commitExactly();
            }
            System.err.printf(Locale.ROOT, "held-out loss %.4f (perplexity %.2f) over %d windows; %.0f s of training; wrote %s%n",
                    trained.heldOutLoss(), trained.heldOutPerplexity(), trained.heldOutWindows(), seconds, out);
        }
        return 0;
    }

    /** The plan the options ask for: --small's or the Austen model's, at --dim and --hidden-dim; --init's shape. */
    private TrainingPlan plan(LlamaConfig initShape) {
        if ((small || initShape != null) && (dim != 192 || hiddenDim != 512)) {
            throw new BadArgumentException("dim", "--dim and --hidden-dim shape a new model; " + (small ? "--small" : "--init")
                    + " brings its own shape");
        }
        TrainingPlan p;
        if (small) {
            p = new TrainingPlan(new LlamaConfig(64, 96, 2, 2, 2, 384, 64, true), steps, 4, 3e-3f, 3e-4f, Math.min(10, steps / 10),
                    0.1f, 1.0f, seed, 10, 4, null);
        } else {
            if (dim < 32 || dim % 32 != 0 || dim > 8192) {
                throw new BadArgumentException("dim", "the width is a multiple of 32 (heads of 32) from 32 to 8192, got " + dim);
            }
            if (hiddenDim < 1 || hiddenDim > 32768) {
                throw new BadArgumentException("hiddenDim", "the SwiGLU width is 1 to 32768, got " + hiddenDim);
            }
            p = TrainingPlan.austen(steps, seed, dim, hiddenDim);
        }
        if (weightDecay != null && steps == 0) {
            throw new BadArgumentException("weightDecay", "it applies to the float steps, and --steps 0 has none (the low-bit phase"
                    + " has no weight decay)");
        }
        if (initShape != null || weightDecay != null) {
            p = new TrainingPlan(initShape == null ? p.model() : initShape, p.steps(), p.batch(), p.peakLr(), p.minLr(), p.warmup(),
                    weightDecay == null ? p.weightDecay() : weightDecay, p.clip(), p.seed(), p.evalEvery(), p.evalWindows(), null);
        }
        if (layers != null) {
            BitLinearPlan l = BitLinearPlan.parse(layers);
            p = p.then(new TrainingPlan.LowBitPhase(l, lowBitSteps, lowBitLr, lowBitLr / 10, Math.min(100, lowBitSteps / 10), 0f));
        }
        if (p.totalSteps() == 0) {
            throw new BadArgumentException("steps", "steps must be at least 1 (0 only with --layers: a low-bit phase alone), got 0");
        }
        return p;
    }

    /** Refuses an existing --out without --force, and one that is not a directory even with it. */
    private void requireOutput() {
        if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!force) {
            throw new BadArgumentException("out", out + " exists (--force to replace it)");
        }
        if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
            String kind = FileKinds.describe(out);
            throw new BadArgumentException("out", out + " is " + (kind == null ? "a file" : kind) + ", not a directory to replace");
        }
    }

    /** Writes every output into {@code dir}; a full disk or a read-only directory names the file and the reason. */
    private static void writeOutputs(Path dir, Tokenizer tokenizer, String held, CharSequence tsv, LlamaTrainer.Trained trained,
                                     String summary) {
        Llama2c.write(dir.resolve("model.bin"), false, trained.model());
        if (trained.layers().isLowBit()) { // the kernels only bind the products; the file is the same with any
            Gguf.write(dir.resolve("model.gguf"), false, trained.model().lowBit(trained.layers(), SearchBackends.lowBitKernels("auto")), tokenizer);
        } else {
            Llama2c.writeQ8(dir.resolve("model-q8.bin"), false, trained.model(), groupSize(trained.model().config()));
        }
        tokenizer.write(dir.resolve("tokenizer.bin"), false);
        for (var file : List.of(Map.entry("held-out.txt", held), Map.entry("training.tsv", tsv.toString()),
                Map.entry("training.json", summary))) {
            AtomicOutput.writeBytes(dir.resolve(file.getKey()), false, file.getValue().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** llama2.c's group size for its int8 export: 64, halved until it divides dim and hidden_dim. */
    static int groupSize(LlamaConfig c) {
        int g = 64;
        while (c.dim() % g != 0 || c.hiddenDim() % g != 0) {
            g /= 2;
        }
        return g;
    }

    private static String read(Path p) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(p))).toString();
        } catch (CharacterCodingException e) {
            throw BadInputException.in(p, "not UTF-8 text");
        } catch (IOException e) {
            throw BadInputException.in(p, "cannot read: " + FileKinds.reason(e));
        }
    }

    private static String lowBit(TrainingPlan.LowBitPhase b) {
        return b == null ? "null" : String.format(Locale.ROOT,
                "{\"layers\": \"%s\", \"steps\": %d, \"peak_lr\": %s, \"min_lr\": %s, \"warmup\": %d, \"weight_decay\": %s}",
                b.layers(), b.steps(), b.peakLr(), b.minLr(), b.warmup(), b.weightDecay());
    }

    private static String summary(TrainingPlan p, int trainTokens, int heldTokens, LlamaTrainer.Trained t, double seconds) {
        LlamaConfig c = p.model();
        return String.format(Locale.ROOT, """
                {
                  "model": {"dim": %d, "hidden_dim": %d, "layers": %d, "heads": %d, "kv_heads": %d, "vocab": %d, "seq_len": %d, "parameters": %d},
                  "plan": {"steps": %d, "batch": %d, "peak_lr": %s, "min_lr": %s, "warmup": %d, "weight_decay": %s, "clip": %s, "seed": %d},
                  "low_bit": %s,
                  "tokens": {"train": %d, "held_out": %d, "held_out_windows": %d},
                  "held_out_loss": %.6f,
                  "held_out_perplexity": %.4f,
                  "training_seconds": %.1f,
                  "threads": %d
                }
                """, c.dim(), c.hiddenDim(), c.layers(), c.heads(), c.kvHeads(), c.vocab(), c.seqLen(), c.parameters(),
                p.steps(), p.batch(), p.peakLr(), p.minLr(), p.warmup(), p.weightDecay(), p.clip(), p.seed(), lowBit(p.lowBit()),
                trainTokens, heldTokens, t.heldOutWindows(), t.heldOutLoss(), t.heldOutPerplexity(), seconds,
                Runtime.getRuntime().availableProcessors());
    }
}
