package io.binaryllm.data.io;

import io.binaryllm.BadInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An output file that appears whole or not at all: bytes go to a hidden temporary file beside the target, which
 * {@link #commit()} moves into place. Closing without committing deletes the temporary file, so a failure (or a
 * Ctrl-C between the two) never leaves a partial output. An existing target is replaced only when the caller says
 * so: nothing is overwritten without being asked.
 */
public final class AtomicOutput implements AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final boolean overwrite;
    private boolean committed;

    private AtomicOutput(Path target, Path temp, FileChannel channel, boolean overwrite) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.overwrite = overwrite;
    }

    /** Refuses, before any work is done, a target that exists (unless {@code overwrite}) or has no directory. */
    public static void requireWritable(Path target, boolean overwrite) {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw BadInputException.in(target, "directory " + dir + " does not exist");
        }
        if (Files.isDirectory(target)) {
            throw BadInputException.in(target, "is a directory");
        }
        if (!overwrite && Files.exists(target)) {
            throw BadInputException.in(target, "already exists, and overwriting it was not asked for");
        }
    }

    public static AtomicOutput open(Path target, boolean overwrite) {
        requireWritable(target, overwrite);
        Path dir = target.toAbsolutePath().getParent();
        // Not Files.createTempFile: it makes the file 0600, and the output should get the usual umask permissions.
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                    + SEQUENCE.incrementAndGet() + ".partial");
            try {
                FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
                return new AtomicOutput(target, temp, channel, overwrite);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw BadInputException.in(target, "cannot create a temporary file beside it: " + e.getMessage());
                }
            } catch (IOException e) {
                throw BadInputException.in(target, "cannot write: " + e.getMessage());
            }
        }
    }

    /** Writes a whole small file (JSON, text) atomically. */
    public static void writeBytes(Path target, boolean overwrite, byte[] bytes) {
        try (AtomicOutput out = open(target, overwrite)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                out.channel().write(buf);
            }
            out.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    public FileChannel channel() {
        return channel;
    }

    public Path target() {
        return target;
    }

    /** Flushes and moves the finished file into place. */
    public void commit() {
        try {
            channel.force(false);
            channel.close();
            requireWritable(target, overwrite); // the target may have appeared while we worked
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + temp + " to " + target, e);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                channel.close();
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the partial file " + temp, e);
            }
        }
    }
}
