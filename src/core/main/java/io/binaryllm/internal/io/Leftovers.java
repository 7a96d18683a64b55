package io.binaryllm.internal.io;

import io.binaryllm.BadInputException;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a killed process leaves beside its outputs, and how the next writer in the same directory tidies it up: the
 * hidden temporary files and directories of dead processes ({@code .NAME.OWNER.N.partial}) are deleted, and commit
 * journals of dead processes ({@code .binaryllm-commit.OWNER.N}) are completed, their remaining moves made, so outputs
 * that belong together are all new. The files of live processes, this one included, are never touched. Tidying up
 * is best effort: what cannot be deleted or moved stays for a later writer.
 *
 * <p>OWNER is {@code PID@TAG}: a pid says whether its process lives only on the machine, and in the pid namespace,
 * that made it (containers and hosts sharing a directory each number their own processes), so TAG names those
 * (a hash of the boot id and the pid namespace). Files of this tag are judged by their pid; files of another tag
 * only by age: they are left for {@link #FOREIGN_AGE} after their last change.
 *
 * <p>A journal line is {@code TEMP\tTARGET}, or {@code TEMP\tTARGET\tASIDE} for a directory that replaces another
 * (rename cannot replace a non-empty directory, so the old one is first renamed to ASIDE). Completing a line: if
 * TEMP still exists, move an existing TARGET to ASIDE, then TEMP to TARGET; in any case delete ASIDE. Every crash
 * point then ends with the new content in place and nothing left over.
 */
final class Leftovers {
    private static final Pattern PARTIAL = Pattern.compile("^\\.(.+)\\.(\\d+)@([0-9a-f]{8})\\.(\\d+)\\.partial$");
    private static final Pattern JOURNAL = Pattern.compile("^\\.binaryllm-commit\\.(\\d+)@([0-9a-f]{8})\\.(\\d+)$");
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();
    /** This machine and pid namespace, as 8 hex digits. */
    static final String TAG = machineTag();
    /** How long files of another machine or pid namespace are left alone: no write is in progress that long. */
    static final Duration FOREIGN_AGE = Duration.ofDays(1);

    /**
     * One move of a commit: a temporary file and its target (and, replacing a directory, where the old one goes);
     * {@code replace} false: the target must not exist, and of two processes committing the same target exactly one
     * wins (a hard link, which fails where the name exists, not a check and a rename, which race).
     */
    record Move(Path temp, Path target, Path aside, boolean replace) {
        Move(Path temp, Path target) {
            this(temp, target, null, true);
        }

        Move(Path temp, Path target, Path aside) {
            this(temp, target, aside, true);
        }

        String line() {
            return temp.toAbsolutePath() + "\t" + target.toAbsolutePath() + (aside == null ? "" : "\t" + aside.toAbsolutePath());
        }

        /** Makes this move (if not made yet), replacing a directory through {@code aside}; idempotent. */
        void complete() throws IOException {
            if (Files.exists(temp, LinkOption.NOFOLLOW_LINKS)) {
                if (aside != null && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
                }
                AtomicOutput.move(temp, target);
            }
            if (aside != null && Files.exists(aside, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(aside);
            }
        }
    }

    /** The hidden name a replaced directory has until it is deleted: never taken for a partial file. */
    static String asideName(String name, long sequence) {
        String suffix = "." + PID + "@" + TAG + "." + sequence + ".replaced";
        return "." + fit(name, suffix) + suffix;
    }

    /**
     * Writes the journal of {@code moves}, makes them, then deletes the journal. A target that must not be replaced
     * and exists fails the whole commit: the targets this commit already linked are removed again, and the caller's
     * temporary files stay for it to delete.
     */
    static void commit(List<Move> moves) {
        Path journal = moves.size() > 1 || moves.getFirst().aside() != null ? writeJournal(moves) : null;
        List<Move> linked = new ArrayList<>();
        try {
            for (Move m : moves) {
                try {
                    if (m.replace()) {
                        m.complete();
                    } else {
                        linkNew(m);
                        linked.add(m);
                    }
                } catch (FileAlreadyExistsException e) {
                    unlink(linked);
                    throw BadInputException.in(m.target(), "already exists, and overwriting it was not asked for");
                } catch (IOException e) {
                    unlink(linked);
                    throw AtomicOutput.failure(m.target(), e);
                }
            }
            for (Move m : linked) { // the target holds the bytes now; the temporary name goes
                Files.deleteIfExists(m.temp());
            }
        } catch (IOException e) {
            throw AtomicOutput.failure(moves.getFirst().target(), e);
        } finally {
            if (journal != null) {
                try {
                    Files.deleteIfExists(journal);
                } catch (IOException e) {
                    throw AtomicOutput.failure(journal, e);
                }
            }
        }
    }

    /**
     * Gives {@code m}'s temporary file its target's name too, failing if the name exists: link(2) is the atomic
     * no-replace step. A file system without hard links gets a check and a rename (a race stays possible there).
     */
    private static void linkNew(Move m) throws IOException {
        try {
            Files.createLink(m.target(), m.temp());
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (Files.exists(m.target(), LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(m.target().toString());
            }
            Files.move(m.temp(), m.target(), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * Takes back the targets a failed commit made, so that outputs that belong together are not half committed: a
     * linked target is a second name of its temporary file (removed); a moved one (no hard links) is moved back.
     */
    private static void unlink(List<Move> linked) {
        for (Move m : linked) {
            try {
                if (Files.exists(m.temp(), LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(m.target());
                } else {
                    Files.move(m.target(), m.temp(), StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                // best effort: the caller reports the failure that brought us here
            }
        }
    }

    private Leftovers() {
    }

    /** The hidden name of a temporary file or directory for {@code name}, owned by this process. */
    static String partialName(String name, long sequence) {
        return partialName(name, PID, TAG, sequence);
    }

    /** The hidden name of a temporary file or directory for {@code name} of process {@code pid} of machine {@code tag}. */
    static String partialName(String name, long pid, String tag, long sequence) {
        String suffix = "." + pid + "@" + tag + "." + sequence + ".partial";
        return "." + fit(name, suffix) + suffix;
    }

    /** The longest file name most file systems take, in bytes. */
    static final int NAME_MAX = 255;

    /**
     * {@code name}, cut (at a character boundary) so that a dot, it and {@code suffix} fit {@link #NAME_MAX} bytes:
     * an output's own name may use them all, and its temporary name must not make it too long. The owner and the
     * sequence in the suffix keep cut names apart.
     */
    static String fit(String name, String suffix) {
        int room = NAME_MAX - 1 - suffix.getBytes(StandardCharsets.UTF_8).length;
        if (name.getBytes(StandardCharsets.UTF_8).length <= room) {
            return name;
        }
        int end = 0;
        int bytes = 0;
        while (end < name.length()) {
            int cp = name.codePointAt(end);
            int b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + b > room) {
                break;
            }
            bytes += b;
            end += Character.charCount(cp);
        }
        return name.substring(0, end);
    }

    /** The name of a commit journal of process {@code pid} of machine {@code tag}. */
    static String journalName(long pid, String tag, long sequence) {
        return ".binaryllm-commit." + pid + "@" + tag + "." + sequence;
    }

    /** Writes a journal of {@code moves} beside the first target, whole or not at all; returns its path. */
    static Path writeJournal(List<Move> moves) {
        Path dir = moves.getFirst().target().toAbsolutePath().getParent();
        long n = SEQUENCE.incrementAndGet();
        Path journal = dir.resolve(journalName(PID, TAG, n));
        Path temp = dir.resolve(partialName("binaryllm-commit", n));
        StringBuilder text = new StringBuilder();
        for (Move m : moves) {
            text.append(m.line()).append('\n');
        }
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC);
            AtomicOutput.move(temp, journal);
            return journal;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw AtomicOutput.failure(journal, e);
        }
    }

    /** Completes the journals and deletes the temporary files that dead processes left in {@code dir}. */
    static void clean(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*")) {
            for (Path p : entries) {
                Matcher j = JOURNAL.matcher(p.getFileName().toString());
                if (j.matches() && dead(p, Long.parseLong(j.group(1)), j.group(2))) {
                    complete(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            return; // an unreadable directory: the write itself reports what is wrong
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*")) {
            for (Path p : entries) {
                Matcher m = PARTIAL.matcher(p.getFileName().toString());
                if (m.matches() && dead(p, Long.parseLong(m.group(2)), m.group(3))) {
                    deleteTree(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    /** Makes the moves a dead process's journal lists that it did not make, then deletes the journal. */
    private static void complete(Path journal) {
        try {
            for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
                String[] move = line.split("\t");
                if (move.length == 2 || move.length == 3) {
                    new Move(Path.of(move[0]), Path.of(move[1]), move.length == 3 ? Path.of(move[2]) : null).complete();
                }
            }
            Files.deleteIfExists(journal);
        } catch (IOException | RuntimeException e) {
            // best effort: a later writer tries again
        }
    }

    /** Whether the process that owns {@code file} is gone: by its pid on this machine, by the file's age elsewhere. */
    private static boolean dead(Path file, long pid, String tag) {
        if (tag.equals(TAG)) {
            return pid != PID && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(Instant.now().minus(FOREIGN_AGE));
        } catch (IOException e) {
            return false;
        }
    }

    /** A hash of the boot id and the pid namespace (Linux), else of the host name: where pids mean the same. */
    private static String machineTag() {
        StringBuilder identity = new StringBuilder();
        try {
            identity.append(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip());
            identity.append(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")));
        } catch (IOException | RuntimeException e) {
            try {
                identity.append(InetAddress.getLocalHost().getHostName());
            } catch (IOException | RuntimeException again) {
                identity.append("unknown");
            }
        }
        return Sha256.hex(identity.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 8);
    }

    /** Deletes a file, or a directory and everything in it. */
    static void deleteTree(Path p) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(p);
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
