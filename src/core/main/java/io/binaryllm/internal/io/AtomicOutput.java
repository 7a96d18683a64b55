package io.binaryllm.internal.io;

import io.binaryllm.BadInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An output file that appears whole or not at all: bytes go to a hidden temporary file beside the target
 * ({@code .NAME.PID@TAG.N.partial}), which {@link #commit()} moves into place. Closing without committing deletes the
 * temporary file, so a failure never leaves a partial output. An existing target is replaced only when the caller
 * says so, and only if it is a regular file (a device or a FIFO is never replaced).
 *
 * <p>Several outputs that belong together (a search's indices and distances) commit with {@link #commitTogether}: a
 * journal listing their moves is written first, so a process killed between the moves is completed by the next one
 * that writes in that directory ({@link Leftovers}), which also deletes the temporary files of processes that died.
 * I/O failures (a full disk, a read-only directory) are {@link BadInputException}s naming the file and the system's
 * reason.
 */
public final class AtomicOutput implements AutoCloseable {
    private static final AtomicLong SEQUENCE = new AtomicLong();
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

    /**
     * Refuses, before any work is done, a target whose directory is missing, a target that exists but is not a
     * regular file, and (unless {@code overwrite}) a target that exists.
     */
    public static void requireWritable(Path target, boolean overwrite) {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            if (dir != null && Files.exists(dir)) {
                String kind = FileKinds.describe(dir);
                throw BadInputException.in(target, dir + " is " + (kind == null ? "a file" : kind) + ", not a directory");
            }
            throw BadInputException.in(target, "directory " + dir + " does not exist");
        }
        String kind = FileKinds.describe(target);
        if (kind != null) {
            throw BadInputException.in(target, "is " + kind + ": outputs replace only regular files");
        }
        if (!overwrite && Files.exists(target)) {
            throw BadInputException.in(target, "already exists, and overwriting it was not asked for");
        }
    }

    /** A new output for {@code target}; first completes or removes what dead processes left in its directory. */
    public static AtomicOutput open(Path target, boolean overwrite) {
        requireWritable(target, overwrite);
        Path dir = target.toAbsolutePath().getParent();
        Leftovers.clean(dir);
        // Not Files.createTempFile: it makes the file 0600, and the output should get the usual umask permissions.
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve(Leftovers.partialName(target.getFileName().toString(), SEQUENCE.incrementAndGet()));
            try {
                FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
                return new AtomicOutput(target, temp, channel, overwrite);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw BadInputException.in(target, "cannot create a temporary file beside it: " + e.getMessage());
                }
            } catch (IOException e) {
                throw failure(target, e);
            }
        }
    }

    /** Writes a whole small file (JSON, text) atomically. */
    public static void writeBytes(Path target, boolean overwrite, byte[] bytes) {
        try (AtomicOutput out = open(target, overwrite)) {
            out.write(ByteBuffer.wrap(bytes));
            out.commit();
        }
    }

    public FileChannel channel() {
        return channel;
    }

    public Path target() {
        return target;
    }

    /** Writes all of {@code buf}; a failure names the target and the system's reason. */
    public void write(ByteBuffer buf) {
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException e) {
            throw failure(target, e);
        }
    }

    /** Flushes and moves the finished file into place. */
    public void commit() {
        commitTogether(List.of(this));
    }

    /**
     * Flushes every output, then moves them into place together: a journal of the moves is written first, so a crash
     * between two moves is completed by the next writer in that directory (the outputs never stay half old, half
     * new once anything writes there again).
     */
    public static void commitTogether(List<AtomicOutput> outputs) {
        List<AtomicOutput> all = outputs.stream().filter(Objects::nonNull).toList();
        for (AtomicOutput out : all) {
            out.flush();
            requireWritable(out.target, out.overwrite); // the target may have appeared while we worked
        }
        if (all.isEmpty()) {
            return;
        }
        Leftovers.commit(all.stream().map(o -> new Leftovers.Move(o.temp, o.target, null, o.overwrite)).toList());
        all.forEach(o -> o.committed = true);
    }

    private void flush() {
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            throw failure(target, e);
        }
    }

    /** Moves atomically where the file system can. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** An I/O failure as bad input: the file, and the system's reason ("No space left on device"). */
    static BadInputException failure(Path file, IOException e) {
        return BadInputException.in(file, "cannot write: " + FileKinds.reason(e));
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                channel.close();
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                throw failure(temp, e);
            }
        }
    }

    /** The outputs of {@code outputs} that are there, for {@link #commitTogether}. */
    public static List<AtomicOutput> of(AtomicOutput... outputs) {
        List<AtomicOutput> out = new ArrayList<>();
        for (AtomicOutput o : outputs) {
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }
}
