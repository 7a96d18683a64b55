package io.binaryllm.cli;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.binarize.BitPacking;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.AtomicOutput;
import io.binaryllm.data.io.EmbeddingFiles;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.seed.Seeds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "pack", mixinStandardHelpOptions = true,
        description = {"Binarize float embeddings (.npy <f4/<f8/<f2, .fvecs, .bvecs) into packed codes.",
                "Codes are <u8 words (rows, ceil(bits/64)), LSB-first; scaled-sign also writes the per-row scales",
                "(mean |x|, <f8) to OUTPUT with .npy replaced by .scales.npy."})
final class PackCommand implements Callable<Integer> {
    enum Layout { words, ubinary, faiss }

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "Float embeddings, one row each.")
    Path input;

    @Option(names = "--binarizer", required = true, paramLabel = "NAME", description = "sign, scaled-sign or hyperplane.")
    String binarizer;

    @Option(names = "--bits", paramLabel = "M", description = "Code length for hyperplane (any positive count).")
    Integer bits;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Master seed for hyperplane's projection (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output", required = true, paramLabel = "CODES.npy", description = "Where to write the codes.")
    Path output;

    @Option(names = "--layout", defaultValue = "words", paramLabel = "LAYOUT",
            description = {"words: <u8 (rows, ceil(bits/64)), the layout search reads (default);",
                    "ubinary: |u1 MSB-first bytes, numpy packbits' default and sentence-transformers' ubinary;",
                    "faiss: |u1 LSB-first bytes, FAISS IndexBinary codes."})
    Layout layout;

    @Spec
    CommandSpec spec;

    @Option(names = "--force", description = "Replace existing output files.")
    boolean force;

    @Override
    public Integer call() {
        try {
            return pack();
        } catch (InternalError e) {
            throw MappedFaults.explain(e, input.toString());
        }
    }

    private int pack() {
        Binarizer b = Binarizers.create(binarizer, bits, new Seeds(seed));
        Path scalesPath = b.name().equals("scaled-sign") ? scalesPathFor(output) : null;
        Outputs.requireWritable(output, force);
        if (scalesPath != null) {
            Outputs.requireWritable(scalesPath, force);
        }
        try (FloatEmbeddingBatch x = EmbeddingFiles.read(input); Binarized result = b.binarize(x)) {
            try (AtomicOutput codesOut = AtomicOutput.open(output, force);
                 AtomicOutput scalesOut = scalesPath == null ? null : AtomicOutput.open(scalesPath, force)) {
                var codes = result.codes();
                switch (layout) {
                    case words -> Npy.writeTo(codesOut, NpyDtype.U8, codes.segment(), codes.rows(), codes.words());
                    case ubinary, faiss -> Npy.writeTo(codesOut, NpyDtype.U1, BitPacking.toByteSegment(codes, layout == Layout.ubinary),
                            codes.rows(), BitPacking.bytesPerRow(codes.bits()));
                }
                if (scalesOut != null) {
                    double[] scales = result.scales().orElseThrow();
                    Npy.writeTo(scalesOut, NpyDtype.F8, Npy.le(scales), scales.length);
                }
                AtomicOutput.commitTogether(AtomicOutput.of(codesOut, scalesOut));
            }
            spec.commandLine().getErr().printf("binaryllm pack: %d rows x %d dims -> %d-bit %s codes in %s%n",
                    x.rows(), x.dims(), result.codes().bits(), b.name(), output);
        }
        return Main.OK;
    }

    static Path scalesPathFor(Path codes) {
        String name = codes.getFileName().toString();
        String stem = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        return codes.resolveSibling(stem + ".scales.npy");
    }
}
