package io.binaryllm.quantize;

import io.binaryllm.BadInputException;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.internal.io.FileKinds;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The manifest of an osq pack ({@link OsqFiles}): each file's size and CRC-32C, so that a corrections or centroid file
 * of another pack of the same shape is refused instead of scoring silently wrong.
 */
record PackManifest(List<Entry> entries) {
    static final List<String> ROLES = List.of("codes", "corrections", "centroid");
    /** A manifest is four short lines. */
    private static final long MAX_BYTES = 4096;
    /** How much of a file is mapped at a time to compute its CRC. */
    private static final long CHUNK = 1L << 28;

    /** One file of the pack: its role, its size in bytes and the CRC-32C of its bytes. */
    record Entry(String role, long bytes, int crc) {
        String line() {
            return role + " " + bytes + " " + String.format(Locale.ROOT, "%08x", crc) + "\n";
        }
    }

    /** Writes {@code data} as an {@code .npy} of {@code shape} to {@code out} and returns its manifest line. */
    static String line(String role, MemorySegment data, AtomicOutput out, NpyDtype dtype, long... shape) {
        CRC32C crc = new CRC32C();
        long[] bytes = {0};
        Npy.writeTo(buffer -> {
            bytes[0] += buffer.remaining();
            crc.update(buffer.duplicate());
            out.write(buffer);
        }, dtype, data, shape);
        return new Entry(role, bytes[0], (int) crc.getValue()).line();
    }

    /** Reads a manifest, refusing (naming it) anything but the form {@link OsqFiles} describes. */
    static PackManifest read(Path manifest) {
        FileKinds.requireRegularFile(manifest, MAX_BYTES, "an osq manifest");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(manifest))).toString();
        } catch (CharacterCodingException e) {
            throw BadInputException.in(manifest, "not an osq manifest: not UTF-8 text");
        } catch (IOException e) {
            throw BadInputException.in(manifest, "cannot read: " + FileKinds.reason(e));
        }
        List<String> lines = text.lines().toList();
        if (lines.size() != 1 + ROLES.size() || !lines.getFirst().equals(OsqFiles.MANIFEST_HEADER)) {
            throw BadInputException.in(manifest, "not an osq manifest: expected '" + OsqFiles.MANIFEST_HEADER
                    + "' and a line for each of " + String.join(", ", ROLES));
        }
        List<Entry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < ROLES.size(); i++) {
            String[] f = lines.get(i + 1).split(" ", -1);
            if (f.length != 3 || !f[0].equals(ROLES.get(i)) || !f[1].matches("[0-9]{1,18}") || !f[2].matches("[0-9a-f]{8}")) {
                throw BadInputException.in(manifest, "line " + (i + 2) + ": expected '" + ROLES.get(i) + " BYTES CRC32C', got '"
                        + lines.get(i + 1) + "'");
            }
            entries.add(new Entry(f[0], Long.parseLong(f[1]), Integer.parseUnsignedInt(f[2], 16)));
        }
        return new PackManifest(List.copyOf(entries));
    }

    /**
     * Refuses a file of the pack whose size or CRC-32C is not the manifest's, naming it and the codes it should
     * belong with. Sizes are checked first (free), then the side files' bytes (small), then the codes'.
     */
    void verify(Path manifest, Path codes, Path corrections, Path centroid) {
        List<Path> files = List.of(codes, corrections, centroid);
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            long size;
            try {
                size = Files.size(f);
            } catch (IOException e) {
                throw BadInputException.in(f, "cannot read: " + FileKinds.reason(e));
            }
            if (size != entries.get(i).bytes()) {
                throw mismatch(manifest, codes, f, size + " bytes", entries.get(i).bytes() + " bytes");
            }
        }
        for (int i : new int[]{1, 2, 0}) {
            Path f = files.get(i);
            int crc = crc32c(f);
            if (crc != entries.get(i).crc()) {
                throw mismatch(manifest, codes, f, String.format(Locale.ROOT, "CRC-32C %08x", crc),
                        String.format(Locale.ROOT, "%08x", entries.get(i).crc()));
            }
        }
    }

    private static BadInputException mismatch(Path manifest, Path codes, Path file, String is, String recorded) {
        String what = file.equals(codes) ? "the codes the manifest " + manifest.getFileName() + " describes"
                : "written with " + codes + " (another pack's side file?)";
        return BadInputException.in(file, "not " + what + ": it has " + is + ", " + manifest.getFileName() + " records " + recorded
                + "; pack the documents again to make the files anew together");
    }

    /** The CRC-32C of a whole file, read through the page cache a chunk at a time. */
    static int crc32c(Path file) {
        CRC32C crc = new CRC32C();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            for (long off = 0; off < size; off += CHUNK) {
                MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, off, Math.min(CHUNK, size - off), arena);
                crc.update(m.asByteBuffer());
            }
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + FileKinds.reason(e));
        }
        return (int) crc.getValue();
    }
}
