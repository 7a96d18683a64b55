package io.binaryllm.internal.io;

import io.binaryllm.BadInputException;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A directory of outputs that appears complete or not at all: files are written into a hidden staging directory
 * ({@code .NAME.PID@TAG.N.partial}) beside the final one, and {@link #commit()} renames it into place in one step,
 * under the first free name of {@code NAME}, {@code NAME-2}, {@code NAME-3}... (an existing directory is never
 * reused). Closing without committing deletes the staging directory; one left by a killed process is deleted by
 * the next writer in the same parent ({@link Leftovers}).
 */
public final class StagedDirectory implements AutoCloseable {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private final Path parent;
    private final String name;
    private final Path staging;
    private Path committed;

    private StagedDirectory(Path parent, String name, Path staging) {
        this.parent = parent;
        this.name = name;
        this.staging = staging;
    }

    /** Creates {@code parent} if needed, tidies what dead processes left there, and a staging directory for {@code name}. */
    public static StagedDirectory create(Path parent, String name) {
        String kind = FileKinds.describe(parent);
        if (Files.exists(parent) && !Files.isDirectory(parent)) {
            throw BadInputException.in(parent, "is " + (kind == null ? "a file" : kind) + ", not a directory for outputs");
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw BadInputException.in(parent, "cannot create the directory: " + FileKinds.reason(e));
        }
        Leftovers.clean(parent);
        Path staging = parent.resolve(Leftovers.partialName(name, SEQUENCE.incrementAndGet()));
        try {
            Files.createDirectory(staging);
        } catch (IOException e) {
            throw BadInputException.in(parent, "cannot create a directory in it: " + FileKinds.reason(e));
        }
        return new StagedDirectory(parent, name, staging);
    }

    /** Where to write the outputs until {@link #commit()}. */
    public Path path() {
        return staging;
    }

    /** Renames the staging directory to its final name and returns that name. */
    public Path commit() {
        for (int i = 1; ; i++) {
            Path target = parent.resolve(name + (i == 1 ? "" : "-" + i));
            if (Files.exists(target)) {
                continue;
            }
            try {
                // rename(2) replaces an empty directory but never a non-empty one, and committed ones never are empty;
                // a name that another process took meanwhile fails here and the next suffix is tried.
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                committed = target;
                return target;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException taken) {
                // next suffix
            } catch (IOException e) {
                throw BadInputException.in(target, "cannot rename the finished directory into place: " + FileKinds.reason(e));
            }
        }
    }

    /** Renames the staging directory to exactly {@code NAME}; refused if that exists (nothing is replaced). */
    public Path commitExactly() {
        Path target = parent.resolve(name);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw BadInputException.in(target, "already exists, and an existing directory is never replaced");
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            committed = target;
            return target;
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException taken) {
            throw BadInputException.in(target, "already exists, and an existing directory is never replaced");
        } catch (IOException e) {
            throw BadInputException.in(target, "cannot rename the finished directory into place: " + FileKinds.reason(e));
        }
    }

    /**
     * Renames the staging directory to exactly {@code NAME}, replacing the directory there (whole: the old one is
     * renamed aside, the new one in, the old one deleted, under a journal that the next writer completes if this
     * process dies between the steps).
     */
    public Path commitReplacing() {
        Path target = parent.resolve(name);
        String kind = FileKinds.describe(target);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !"a directory".equals(kind)) {
            throw BadInputException.in(target, "is " + (kind == null ? "a file" : kind) + ", not a directory to replace");
        }
        Leftovers.commit(List.of(new Leftovers.Move(staging, target,
                parent.resolve(Leftovers.asideName(name, SEQUENCE.incrementAndGet())))));
        committed = target;
        return target;
    }

    /** Deletes the staging directory unless it was committed. */
    @Override
    public void close() {
        if (committed == null) {
            try {
                Leftovers.deleteTree(staging);
            } catch (IOException e) {
                throw BadInputException.in(staging, "cannot delete the unfinished directory: " + FileKinds.reason(e));
            }
        }
    }
}
