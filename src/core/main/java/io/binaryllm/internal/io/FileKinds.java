package io.binaryllm.internal.io;

import io.binaryllm.BadInputException;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a path names, when it is not a regular file: inputs are read only from regular files (a FIFO would block, a
 * device never end), and outputs replace only regular files (never a device or a pipe).
 */
public final class FileKinds {
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFSOCK = 0140000;

    private FileKinds() {
    }

    /** "a directory", "a FIFO (named pipe)", "a character device", ...; null for a regular file or nothing at all. */
    public static String describe(Path path) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return null; // nothing there (or unreadable: the read itself reports that)
        }
        if (a.isRegularFile()) {
            return null;
        }
        if (a.isDirectory()) {
            return "a directory";
        }
        try {
            int type = (Integer) Files.getAttribute(path, "unix:mode") & S_IFMT;
            return switch (type) {
                case S_IFIFO -> "a FIFO (named pipe)";
                case S_IFCHR -> "a character device";
                case S_IFBLK -> "a block device";
                case S_IFSOCK -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "a special file";
        }
    }

    /**
     * Refuses what is not an existing, readable regular file of at most {@code maxBytes} bytes, naming the file
     * and why ({@code what} says what it should be: "a config").
     */
    public static void requireRegularFile(Path file, long maxBytes, String what) {
        requireRegularFile(file);
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw BadInputException.in(file, "is " + size + " bytes; " + what + " is at most " + maxBytes);
            }
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + reason(e));
        }
    }

    /** Refuses what is not an existing, readable regular file, naming the file and why. */
    public static void requireRegularFile(Path file) {
        if (!Files.exists(file)) {
            throw BadInputException.in(file, "no such file");
        }
        String kind = describe(file);
        if (kind != null) {
            throw BadInputException.in(file, "is " + kind + ", not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw BadInputException.in(file, "cannot read: permission denied");
        }
    }

    /** An I/O failure in one line: the file it names, if any, and the system's reason. */
    public static String explain(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": " + reason(e);
        }
        return "I/O failure: " + reason(e);
    }

    /** The system's reason of an I/O failure ("No space left on device"), without the path the caller names. */
    public static String reason(IOException e) {
        if (e.getCause() instanceof IOException cause) {
            return reason(cause); // a library's wrapper ("I/O error writing PNG file!") around the system's reason
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
