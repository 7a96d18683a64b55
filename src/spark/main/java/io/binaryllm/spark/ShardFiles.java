package io.binaryllm.spark;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.data.io.NpyHeader;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqFiles;
import io.binaryllm.quantize.OsqQuantizer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Shard files on whatever file system the Spark installation reads (local, HDFS, S3A...), through Hadoop's
 * {@link FileSystem}. A path without a scheme means the default file system, as everywhere in Spark. Local files are
 * memory-mapped as one machine maps them; others are streamed into memory, checked as strictly (header, size).
 */
final class ShardFiles {
    private static final int CHUNK = 1 << 20;

    private ShardFiles() {
    }

    /**
     * {@code paths} qualified, a directory replaced by its {@code *.npy} files in name order (none is an error; osq
     * shards' {@code .corrections.npy} and {@code .centroid.npy} files are not shards).
     */
    static List<String> expand(Configuration conf, List<String> paths) {
        List<String> files = new ArrayList<>();
        for (String p : paths) {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(p);
            try {
                FileSystem fs = path.getFileSystem(conf);
                FileStatus status = fs.getFileStatus(path);
                if (!status.isDirectory()) {
                    files.add(status.getPath().toString());
                    continue;
                }
                List<String> shards = Arrays.stream(fs.listStatus(path)).filter(FileStatus::isFile)
                        .map(s -> s.getPath().getName()).filter(n -> n.endsWith(".npy"))
                        .filter(n -> !n.endsWith(".corrections.npy") && !n.endsWith(".centroid.npy")) // osq shards' side files
                        .sorted(Comparator.naturalOrder()).map(n -> new org.apache.hadoop.fs.Path(status.getPath(), n).toString())
                        .toList();
                if (shards.isEmpty()) {
                    throw BadInputException.in(p, "a directory without .npy shards");
                }
                files.addAll(shards);
            } catch (FileNotFoundException e) {
                throw BadInputException.in(p, "no such file or directory");
            } catch (IOException e) {
                throw BadInputException.in(p, "cannot read: " + FileKinds.reason(e));
            }
        }
        return files;
    }

    /** The local file behind {@code uri}, or null when it lies on another file system. */
    static Path local(String uri) {
        URI u = URI.create(uri);
        return "file".equals(u.getScheme()) ? Path.of(u) : null;
    }

    /** The header of {@code uri} (read on the driver to number the rows). */
    static NpyHeader header(Configuration conf, String uri) {
        Path local = local(uri);
        if (local != null) {
            try (Npy.Mapped m = Npy.map(local)) {
                return m.header();
            }
        }
        try (Stream s = Stream.open(conf, uri)) {
            return s.header();
        }
    }

    /** The packed codes in {@code uri} (a 2-D {@code <u8} array), taken as 64 bits a word as {@link Npy#readCodes} does. */
    static BinaryCodeBatch readCodes(Configuration conf, String uri) {
        Path local = local(uri);
        if (local != null) {
            return Npy.readCodes(local);
        }
        try (Stream s = Stream.open(conf, uri)) {
            NpyHeader h = s.header();
            if (h.dtype() != NpyDtype.U8 || h.shape().length != 2 || h.shape()[1] == 0) {
                throw BadInputException.in(uri, "expected packed codes (rows, words) of <u8, got " + h.dtype().descr() + " "
                        + Arrays.toString(h.shape()));
            }
            long rows = h.shape()[0];
            int words = Math.toIntExact(h.shape()[1]);
            BinaryCodeBatch out = BinaryCodeBatch.allocate(rows, Math.multiplyExact(words, 64), uri);
            try {
                s.readInto(out.segment(), h.dataOffset());
                return out; // 64 bits a word: no padding bits to check
            } catch (RuntimeException | Error e) {
                out.close();
                throw e;
            }
        }
    }

    /**
     * Refuses, on the driver and before a cluster is asked for anything, an osq shard whose corrections, centroid or
     * manifest is missing (an executor's task would find it, with two task stack traces).
     */
    static void requireOsqSiblings(Configuration conf, List<Shard> shards) {
        for (Shard shard : shards) {
            org.apache.hadoop.fs.Path codes = new org.apache.hadoop.fs.Path(shard.path());
            Path name = Path.of(codes.getName());
            for (Path sibling : List.of(OsqFiles.correctionsPath(name), OsqFiles.centroidPath(name), OsqFiles.manifestPath(name))) {
                org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(codes.getParent(), sibling.toString());
                try {
                    if (!p.getFileSystem(conf).isFile(p)) {
                        throw BadInputException.in(p.toString(), "missing: osq codes " + shard.path() + " need their corrections,"
                                + " centroid and manifest beside them (an osq pack is four files)");
                    }
                } catch (IOException e) {
                    throw BadInputException.in(p.toString(), "cannot read: " + FileKinds.reason(e));
                }
            }
        }
    }

    /**
     * osq shard files (codes with their corrections, centroid and manifest beside them) as local files: the shard
     * itself when it is local, else a copy of the four in a fresh temporary directory that {@link LocalCopy#close} deletes.
     */
    static LocalCopy osqLocal(Configuration conf, String uri) {
        Path local = local(uri);
        if (local != null) {
            return new LocalCopy(local, null);
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("binaryllm-shard");
            org.apache.hadoop.fs.Path codes = new org.apache.hadoop.fs.Path(uri);
            FileSystem fs = codes.getFileSystem(conf);
            Path target = dir.resolve(codes.getName());
            for (Path sibling : List.of(target, OsqFiles.correctionsPath(target), OsqFiles.centroidPath(target),
                    OsqFiles.manifestPath(target))) {
                org.apache.hadoop.fs.Path from = new org.apache.hadoop.fs.Path(codes.getParent(), sibling.getFileName().toString());
                try {
                    fs.copyToLocalFile(false, from, new org.apache.hadoop.fs.Path(sibling.toUri()), true);
                } catch (FileNotFoundException e) {
                    throw BadInputException.in(from.toString(), "missing: osq codes " + uri
                            + " need their corrections, centroid and manifest beside them (an osq pack is four files)");
                }
            }
            return new LocalCopy(target, dir);
        } catch (IOException e) {
            LocalCopy.delete(dir);
            throw BadInputException.in(uri, "cannot copy to this executor's disk: " + e.getMessage());
        } catch (RuntimeException e) {
            LocalCopy.delete(dir);
            throw e;
        }
    }

    /**
     * The quantizer of the osq shard {@code uri}: its centroid file (copied here when it is not local) and the bits a
     * dimension its code width gives. Queries quantized by it are scored against every shard of the same quantizer.
     */
    static OsqQuantizer osqQuantizer(Configuration conf, String uri) {
        NpyHeader codes = header(conf, uri);
        Path local = local(uri);
        Path dir = null;
        try {
            Path centroidFile;
            if (local != null) {
                centroidFile = OsqFiles.centroidPath(local);
            } else {
                dir = Files.createTempDirectory("binaryllm-centroid");
                org.apache.hadoop.fs.Path from = new org.apache.hadoop.fs.Path(uri);
                centroidFile = OsqFiles.centroidPath(dir.resolve(from.getName()));
                org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(from.getParent(), centroidFile.getFileName().toString());
                try {
                    remote.getFileSystem(conf).copyToLocalFile(false, remote, new org.apache.hadoop.fs.Path(centroidFile.toUri()), true);
                } catch (FileNotFoundException e) {
                    throw BadInputException.in(remote.toString(), "missing: osq codes " + uri + " need their centroid beside them");
                }
            }
            if (!Files.exists(centroidFile)) {
                throw BadInputException.in(centroidFile, "missing: osq codes " + uri + " need their centroid beside them"
                        + " (an osq pack writes it beside the codes)");
            }
            try (FloatEmbeddingBatch c = Npy.readFloats(centroidFile)) {
                int planeWords = OsqCodes.planeWords(c.dims());
                long words = codes.shape().length == 2 ? codes.shape()[1] : -1;
                if (c.rows() != 1 || words % planeWords != 0 || !OsqCodes.documentBits((int) (words / planeWords))) {
                    throw BadInputException.in(uri, "not osq codes of the centroid beside them (" + c.rows() + " x " + c.dims()
                            + " centroid, " + words + " words a row)");
                }
                c.requireFinite();
                return OsqQuantizer.of(c.row(0), (int) (words / planeWords));
            }
        } catch (IOException e) {
            throw BadInputException.in(uri, "cannot copy its centroid here: " + e.getMessage());
        } finally {
            LocalCopy.delete(dir);
        }
    }

    /** A shard's local file; a copy's directory is deleted on close. */
    record LocalCopy(Path file, Path copyDir) implements AutoCloseable {
        @Override
        public void close() {
            delete(copyDir);
        }

        static void delete(Path dir) {
            if (dir == null) {
                return;
            }
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the shard copy " + dir, e);
            }
        }
    }

    /** An open file on a Hadoop file system, read as a seekable channel (for the header) and in chunks. */
    private record Stream(String uri, FSDataInputStream in, long size) implements SeekableByteChannel {
        static Stream open(Configuration conf, String uri) {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
            try {
                FileSystem fs = path.getFileSystem(conf);
                FileStatus status = fs.getFileStatus(path);
                if (status.isDirectory()) {
                    throw BadInputException.in(uri, "a directory, not an .npy file");
                }
                return new Stream(uri, fs.open(path), status.getLen());
            } catch (FileNotFoundException e) {
                throw BadInputException.in(uri, "no such file");
            } catch (IOException e) {
                throw BadInputException.in(uri, "cannot read: " + FileKinds.reason(e));
            }
        }

        NpyHeader header() {
            try {
                NpyHeader h = NpyHeader.read(uri, this);
                h.requireFileSize(uri, size);
                return h;
            } catch (IOException e) {
                throw BadInputException.in(uri, "cannot read: " + FileKinds.reason(e));
            }
        }

        /** The bytes from {@code offset} to the end into {@code target} (as long as the rest of the file). */
        void readInto(MemorySegment target, long offset) {
            byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, target.byteSize()))];
            try {
                in.seek(offset);
                for (long done = 0; done < target.byteSize(); ) {
                    int n = (int) Math.min(chunk.length, target.byteSize() - done);
                    in.readFully(chunk, 0, n);
                    MemorySegment.copy(chunk, 0, target, ValueLayout.JAVA_BYTE, done, n);
                    done += n;
                }
            } catch (IOException e) {
                throw BadInputException.in(uri, "cannot read: " + FileKinds.reason(e));
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            byte[] bytes = new byte[dst.remaining()]; // not every Hadoop stream reads into buffers
            int n = in.read(bytes);
            if (n > 0) {
                dst.put(bytes, 0, n);
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public long position() throws IOException {
            return in.getPos();
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            in.seek(newPosition);
            return this;
        }

        @Override
        public SeekableByteChannel truncate(long length) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + uri, e);
            }
        }
    }
}
