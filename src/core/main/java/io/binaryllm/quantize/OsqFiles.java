package io.binaryllm.quantize;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.internal.io.AtomicOutput;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * osq documents on disk, as {@code pack --binarizer osq} writes them and {@code search --query-bits} reads them: three
 * {@code .npy} files and their manifest, which appear together or not at all ({@link AtomicOutput#commitTogether}).
 * <ul>
 *   <li>{@code CODES.npy}: the planes, {@code <u8 (rows, bits x planeWords)}, like any codes;</li>
 *   <li>{@code CODES.corrections.npy}: {@code <f4 (rows, 4)}, each row's (ax, lx, x1, dadd);</li>
 *   <li>{@code CODES.centroid.npy}: {@code <f4 (1, dims)}, the quantizer's centroid, which the queries need;</li>
 *   <li>{@code CODES.osq.txt}: what belongs together: a first line {@code binaryllm osq pack 1}, then one line a
 *       file, {@code ROLE BYTES CRC32C} (roles {@code codes}, {@code corrections}, {@code centroid} in that order; the
 *       size and the CRC-32C of the whole file, 8 lower-case hex digits). Names are not recorded: a pack renamed
 *       whole stays valid. A side file from another pack of the same shape would give silently wrong
 *       scores; with the manifest it is refused, naming both files.</li>
 * </ul>
 * The bits a dimension follow from the widths: {@code words / ceil(dims / 64)}.
 */
public final class OsqFiles {
    static final String MANIFEST_HEADER = "binaryllm osq pack 1";

    private OsqFiles() {
    }

    /** The documents and the quantizer they were encoded with. Closing releases the codes. */
    public record Stored(OsqQuantizer quantizer, OsqCodes codes) implements AutoCloseable {
        @Override
        public void close() {
            codes.close();
        }
    }

    public static Path correctionsPath(Path codes) {
        return sibling(codes, ".corrections.npy");
    }

    public static Path centroidPath(Path codes) {
        return sibling(codes, ".centroid.npy");
    }

    public static Path manifestPath(Path codes) {
        return sibling(codes, ".osq.txt");
    }

    /** Whether {@code codes} has osq corrections beside it. */
    public static boolean isOsq(Path codes) {
        return Files.exists(correctionsPath(codes));
    }

    private static Path sibling(Path codes, String suffix) {
        String name = codes.getFileName().toString();
        String stem = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        return codes.resolveSibling(stem + suffix);
    }

    /** Writes the three files and their manifest; none replaces an existing file unless {@code overwrite}. */
    public static void write(Path target, boolean overwrite, OsqCodes codes, OsqQuantizer quantizer) {
        if (codes.queries()) {
            throw new IllegalArgumentException("osq files hold documents, not queries");
        }
        Path corrections = correctionsPath(target);
        Path centroid = centroidPath(target);
        Path manifest = manifestPath(target);
        for (Path p : new Path[]{target, corrections, centroid, manifest}) {
            AtomicOutput.requireWritable(p, overwrite);
        }
        try (AtomicOutput codesOut = AtomicOutput.open(target, overwrite);
             AtomicOutput corrOut = AtomicOutput.open(corrections, overwrite);
             AtomicOutput centroidOut = AtomicOutput.open(centroid, overwrite);
             AtomicOutput manifestOut = AtomicOutput.open(manifest, overwrite)) {
            StringBuilder lines = new StringBuilder(MANIFEST_HEADER).append('\n');
            lines.append(PackManifest.line("codes", codes.planes().segment(), codesOut, NpyDtype.U8, codes.rows(),
                    codes.planes().words()));
            lines.append(PackManifest.line("corrections", Npy.le(codes.corrections()), corrOut, NpyDtype.F4, codes.rows(),
                    OsqScores.CORRECTIONS));
            lines.append(PackManifest.line("centroid", Npy.le(quantizer.centroid()), centroidOut, NpyDtype.F4, 1,
                    quantizer.dims()));
            manifestOut.write(ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
            AtomicOutput.commitTogether(AtomicOutput.of(codesOut, corrOut, centroidOut, manifestOut));
        }
    }

    /**
     * Reads the three files, refusing with the file's name: a missing corrections or centroid file, widths that are not
     * 1, 2 or 4 planes of the centroid's dimensions, corrections of another row count or not finite.
     */
    public static Stored read(Path codesFile) {
        Path correctionsFile = correctionsPath(codesFile);
        Path centroidFile = centroidPath(codesFile);
        for (Path p : new Path[]{correctionsFile, centroidFile, manifestPath(codesFile)}) {
            if (!Files.exists(p)) {
                throw BadInputException.in(p, "missing: osq codes " + codesFile + " need their corrections, centroid and manifest"
                        + " beside them (an osq pack is four files: codes, corrections, centroid and CODES.osq.txt; pack"
                        + " writes them together)");
            }
        }
        Path manifestFile = manifestPath(codesFile);
        PackManifest manifest = PackManifest.read(manifestFile);
        float[] centroid;
        try (FloatEmbeddingBatch c = Npy.readFloats(centroidFile)) {
            if (c.rows() != 1) {
                throw BadInputException.in(centroidFile, "an osq centroid is one row, got " + c.rows());
            }
            c.requireFinite();
            centroid = c.row(0);
        }
        float[] corrections;
        try (FloatEmbeddingBatch c = Npy.readFloats(correctionsFile)) {
            if (c.dims() != OsqScores.CORRECTIONS) {
                throw BadInputException.in(correctionsFile, "osq corrections have 4 columns, got " + c.dims());
            }
            c.requireFinite();
            corrections = c.toArray();
        }
        BinaryCodeBatch planes = Npy.readCodes(codesFile);
        try {
            int planeWords = OsqCodes.planeWords(centroid.length);
            int bits = planes.words() / planeWords;
            if (planes.words() % planeWords != 0 || !OsqCodes.documentBits(bits)) {
                throw BadInputException.in(codesFile, planes.words() + " words a row are not 1, 2 or 4 planes of " + planeWords
                        + " words (" + centroid.length + " dims, from " + centroidFile.getFileName() + ")");
            }
            if (corrections.length != planes.rows() * OsqScores.CORRECTIONS) {
                throw BadInputException.in(correctionsFile, corrections.length / OsqScores.CORRECTIONS + " rows of corrections for "
                        + planes.rows() + " rows of codes in " + codesFile.getFileName());
            }
            manifest.verify(manifestFile, codesFile, correctionsFile, centroidFile);
            OsqQuantizer quantizer = OsqQuantizer.of(centroid, bits);
            return new Stored(quantizer, new OsqCodes(planes, corrections, centroid.length, bits, false, quantizer.centroidId()));
        } catch (RuntimeException e) {
            planes.close();
            throw e;
        }
    }
}
