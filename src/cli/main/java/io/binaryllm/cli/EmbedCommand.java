package io.binaryllm.cli;

import io.binaryllm.BadInputException;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.langchain4j.embed.EmbeddingCache;
import io.binaryllm.langchain4j.embed.EmbeddingJob;
import io.binaryllm.langchain4j.embed.TextEmbedder;
import io.binaryllm.langchain4j.embed.TextEmbedders;
import io.binaryllm.runner.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed texts with all-MiniLM-L6-v2 into float32 vectors (.npy, rows x 384).",
                "The model runs in-process (ONNX runtime), with no network.",
                "Input: one text a line, or JSON lines (.jsonl/.ndjson) of",
                "{\"text\": ..., \"id\": ..., \"label\": ...}. Blank lines are skipped and counted;",
                "invalid UTF-8 and records without text are errors naming the line.",
                "Beside OUTPUT: STEM.ids.txt (one id a row: the line number or the record's",
                "id) and, for labelled records, STEM.labels.npy (<i4 classes) and",
                "STEM.labels.txt (class c's label on line c+1).",
                "Vectors are cached by the SHA-256 of their text: a rerun embeds only new texts."})
final class EmbedCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "TEXTS", description = "A text file (.txt: lines) or JSON lines (.jsonl).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "VECTORS.npy", description = "Where to write the vectors.")
    Path output;

    @Option(names = "--format", paramLabel = "FORMAT", description = "lines or jsonl (default: from the input's extension).")
    TextRecords.Format format;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N", description = "Texts per model call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = {"Embedding cache (default: $BINARYLLM_CACHE,", "else $XDG_CACHE_HOME/binaryllm, else ~/.cache/binaryllm)."})
    Path cacheDir;

    @Option(names = "--no-cache", description = "Neither read nor write the cache.")
    boolean noCache;

    @Option(names = "--force", description = "Replace existing output files.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batchSize < 1) {
            throw new BadInputException("--batch-size: must be at least 1, not " + batchSize);
        }
        String stem = output.getFileName().toString().replaceFirst("\\.npy$", "");
        Path idsPath = output.resolveSibling(stem + ".ids.txt");
        Path labelsPath = output.resolveSibling(stem + ".labels.npy");
        Path labelNamesPath = output.resolveSibling(stem + ".labels.txt");
        TextRecords records = TextRecords.read(input, format != null ? format : TextRecords.formatOf(input));
        var classes = records.labelClasses();
        List<Path> targets = new ArrayList<>(List.of(output, idsPath));
        if (classes.isPresent()) {
            targets.addAll(List.of(labelsPath, labelNamesPath));
        }
        for (Path t : targets) {
            Outputs.requireWritable(t, force);
        }
        long start = System.nanoTime();
        EmbeddingJob.Outcome outcome;
        int dims;
        try (TextEmbedder model = TextEmbedders.miniLm();
             EmbeddingCache cache = noCache ? null : EmbeddingCache.open(cacheDir != null ? cacheDir : EmbeddingCache.defaultDir(), model);
             Progress progress = new Progress("embed", records.texts().size())) {
            dims = model.dimensions();
            outcome = EmbeddingJob.run(records.texts(), model, cache, batchSize, input.toString(), progress::stepBy);
        }
        if (!outcome.repaired().isEmpty()) {
            spec.commandLine().getErr().printf("binaryllm embed: %d damaged cache records embedded again (%s%s)%n",
                    outcome.repaired().size(), outcome.repaired().getFirst(), outcome.repaired().size() > 1 ? ", ..." : "");
        }
        try (FloatEmbeddingBatch vectors = outcome.vectors();
             AtomicOutput vectorsOut = AtomicOutput.open(output, force);
             AtomicOutput idsOut = AtomicOutput.open(idsPath, force);
             AtomicOutput labelsOut = classes.isPresent() ? AtomicOutput.open(labelsPath, force) : null;
             AtomicOutput namesOut = classes.isPresent() ? AtomicOutput.open(labelNamesPath, force) : null) {
            Npy.writeTo(vectorsOut::write, NpyDtype.F4, vectors.segment(), vectors.rows(), vectors.dims());
            write(idsOut, records.ids());
            if (classes.isPresent()) {
                int[] c = classes.get().classOf();
                Npy.writeTo(labelsOut::write, NpyDtype.I4, Npy.le(c), c.length);
                write(namesOut, classes.get().names());
            }
            AtomicOutput.commitTogether(AtomicOutput.of(vectorsOut, idsOut, labelsOut, namesOut));
        }
        spec.commandLine().getErr().printf("binaryllm embed: %d texts -> %s [%d x %d] in %.1f s (%d embedded, %d from the cache%s%s)%n",
                records.texts().size(), output, records.texts().size(), dims, (System.nanoTime() - start) / 1e9,
                outcome.embedded(), outcome.fromCache(), records.skipped() == 0 ? "" : ", " + records.skipped() + (records.skipped() == 1 ? " blank line" : " blank lines") + " skipped",
                classes.map(c -> ", " + c.names().size() + " labels").orElse(""));
        return Main.OK;
    }

    private static void write(AtomicOutput out, List<String> lines) {
        out.write(ByteBuffer.wrap((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
    }
}
