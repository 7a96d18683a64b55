package io.binaryllm.data.io;

import io.binaryllm.BadInputException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Faults of memory-mapped inputs. Reads map their files ({@link Npy#map}); when another process truncates a mapped
 * file, touching a page beyond its new end raises SIGBUS, which the JVM turns into an {@link InternalError} ("a fault
 * occurred in an unsafe memory access operation") in whichever thread touched it. That is not a bug but a changed
 * input: {@link #explain} names the file that shrank, re-reading each candidate's header to see which one no longer
 * holds its data.
 */
public final class MappedFaults {
    private MappedFaults() {
    }

    /** Whether {@code e} (or a cause) is the JVM's report of a fault in mapped memory. */
    public static boolean isMappedFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InternalError && t.getMessage() != null && t.getMessage().contains("unsafe memory access")) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code e} as bad input naming which of {@code sources} (file names, as batches record them) shrank while
     * mapped; {@code e} itself when it is not a mapped-memory fault.
     */
    public static RuntimeException explain(Error e, String... sources) {
        if (!isMappedFault(e)) {
            throw e;
        }
        List<String> candidates = new ArrayList<>();
        for (String source : sources) {
            if (source == null || source.startsWith("<")) {
                continue;
            }
            Path file = Path.of(source);
            candidates.add(source);
            String change = shrinkage(file);
            if (change != null) {
                return new BadInputException(source + ": " + change + " while it was being read (another process truncated or rewrote it)", e);
            }
        }
        return new BadInputException((candidates.isEmpty() ? "an input file" : String.join(" or ", candidates))
                + ": a memory-mapped input shrank while it was being read (another process truncated or rewrote it)", e);
    }

    /** How {@code file} no longer holds the data its {@code .npy} header claims, or null when it still does. */
    private static String shrinkage(Path file) {
        if (!Files.exists(file)) {
            return "was deleted or renamed";
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (!file.getFileName().toString().endsWith(".npy")) {
                return null;
            }
            NpyHeader header;
            try {
                header = NpyHeader.read(file, channel);
            } catch (BadInputException damaged) {
                return "shrank to " + size + " bytes";
            }
            long expected = header.dataOffset() + header.dataBytes();
            return size < expected ? "shrank to " + size + " bytes (its header needs " + expected + ")" : null;
        } catch (IOException | RuntimeException unreadable) {
            return "became unreadable";
        }
    }
}
