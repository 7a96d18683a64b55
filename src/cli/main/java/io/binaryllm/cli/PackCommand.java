package io.binaryllm.cli;

import io.binaryllm.BadArgumentException;
import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.binarize.BitPacking;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.EmbeddingFiles;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqFiles;
import io.binaryllm.quantize.OsqQuantizer;
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
                "(mean |x|, <f8) to OUTPUT with .npy replaced by .scales.npy.",
                "osq writes bit planes (<u8, rows x bits/dims planes of ceil(dims/64) words), their corrections",
                "(<f4 (rows, 4)) to .corrections.npy, the corpus centroid (<f4 (1, dims)) to .centroid.npy and",
                "what belongs together (sizes, CRC-32C) to .osq.txt: search them with --query-bits and float queries."})
final class PackCommand implements Callable<Integer> {
    enum Layout { words, ubinary, faiss }

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "Float embeddings, one row each.")
    Path input;

    @Option(names = "--binarizer", required = true, paramLabel = "NAME", description = "sign, scaled-sign, hyperplane or osq.")
    String binarizer;

    @Option(names = "--bits", paramLabel = "M",
            description = "Code length: hyperplane's (any positive count); osq's dims x 1, 2 or 4 (default: dims).")
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
        if (binarizer.equals("osq")) {
            return packOsq();
        }
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
                    case words -> Npy.writeTo(codesOut::write, NpyDtype.U8, codes.segment(), codes.rows(), codes.words());
                    case ubinary, faiss -> Npy.writeTo(codesOut::write, NpyDtype.U1, BitPacking.toByteSegment(codes, layout == Layout.ubinary),
                            codes.rows(), BitPacking.bytesPerRow(codes.bits()));
                }
                if (scalesOut != null) {
                    double[] scales = result.scales().orElseThrow();
                    Npy.writeTo(scalesOut::write, NpyDtype.F8, Npy.le(scales), scales.length);
                }
                AtomicOutput.commitTogether(AtomicOutput.of(codesOut, scalesOut));
            }
            spec.commandLine().getErr().printf("binaryllm pack: %d rows x %d dims -> %d-bit %s codes in %s%n",
                    x.rows(), x.dims(), result.codes().bits(), b.name(), output);
        }
        return Main.OK;
    }

    /** osq: the corpus's centroid, then its planes and corrections, the three files and their manifest committed together. */
    private int packOsq() {
        if (layout != Layout.words) {
            throw new BadArgumentException("layout", "osq codes are bit planes with corrections: only the words layout holds them");
        }
        for (Path p : new Path[]{output, OsqFiles.correctionsPath(output), OsqFiles.centroidPath(output), OsqFiles.manifestPath(output)}) {
            Outputs.requireWritable(p, force);
        }
        try (FloatEmbeddingBatch x = EmbeddingFiles.read(input)) {
            int docBits = 1;
            if (bits != null) {
                if (bits < 1 || bits % x.dims() != 0 || !OsqCodes.documentBits(bits / x.dims())) {
                    throw new BadArgumentException("bits", "osq keeps 1, 2 or 4 bits a dimension: for " + x.dims() + "-dim vectors --bits is "
                            + x.dims() + ", " + 2 * x.dims() + " or " + 4 * x.dims() + ", got " + bits);
                }
                docBits = bits / x.dims();
            }
            OsqQuantizer quantizer = OsqQuantizer.fit(x, docBits);
            try (OsqCodes codes = quantizer.encodeDocuments(x)) {
                OsqFiles.write(output, force, codes, quantizer);
                spec.commandLine().getErr().printf("binaryllm pack: %d rows x %d dims -> osq codes, %d bits a dimension (%d bytes a row"
                        + " with corrections) in %s, %s, %s and %s%n", x.rows(), x.dims(), docBits, codes.bytesPerRow(), output,
                        OsqFiles.correctionsPath(output).getFileName(), OsqFiles.centroidPath(output).getFileName(),
                        OsqFiles.manifestPath(output).getFileName());
            }
        }
        return Main.OK;
    }

    static Path scalesPathFor(Path codes) {
        String name = codes.getFileName().toString();
        String stem = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        return codes.resolveSibling(stem + ".scales.npy");
    }
}
