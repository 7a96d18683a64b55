package io.binaryllm.langchain4j.embed;

import io.binaryllm.BadInputException;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.internal.io.Sha256;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Vectors of one model keyed by the SHA-256 of the text they embed, in one append-only file
 * ({@code <dir>/<model>.vectors}): a 64-byte header (magic, dimensions, model name), then records of 32 key bytes
 * and {@code dims} little-endian float32s. Opening maps the file and indexes its keys only: a cache of every corpus
 * ever embedded costs a few bytes of heap per text, and vectors are read when asked for. Appends happen under a file lock, a batch at a time, so an interrupted
 * embedding keeps what it finished and two processes can share a cache. A record cut short by a crash is ignored
 * (and overwritten by the next append); a file whose header names another model or size is refused.
 *
 * <p>Records are checked when read: a vector with NaN or an infinity, or (for a model that promises it) one whose
 * L2 norm is not 1, is damaged. {@link #get} answers null for it, as for a text never cached, so the caller embeds the
 * text again and appends a good record, which supersedes the damaged one; {@link #damaged()} names each record.
 */
public final class EmbeddingCache implements AutoCloseable {
    private static final byte[] MAGIC = "BLMEMBC1".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 64;
    private static final int KEY = 32;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final String model;
    private final int dims;
    private final long recordBytes;
    private final boolean unitNorm;
    private final List<String> damaged = new ArrayList<>();
    /** Where each cached text's vector starts in the file: keys only, so opening a large cache costs little heap. */
    private final Map<Key, Long> offsets = new HashMap<>();
    /** Vectors appended since opening (the read-only mapping below does not see them). */
    private final Map<Key, float[]> added = new HashMap<>();
    private Arena arena;
    private MemorySegment mapped;

    /** The SHA-256 of a text, as four longs (cheaper to hash and keep than a hex string). */
    private record Key(long a, long b, long c, long d) {
        static Key of(byte[] sha) {
            ByteBuffer bb = ByteBuffer.wrap(sha);
            return new Key(bb.getLong(), bb.getLong(), bb.getLong(), bb.getLong());
        }

        static Key of(MemorySegment m, long at) {
            return of(m.asSlice(at, KEY).toArray(ValueLayout.JAVA_BYTE));
        }

        byte[] bytes() {
            return ByteBuffer.allocate(KEY).putLong(a).putLong(b).putLong(c).putLong(d).array();
        }
    }

    private EmbeddingCache(Path file, String model, int dims, boolean unitNorm) {
        this.file = file;
        this.model = model;
        this.dims = dims;
        this.recordBytes = KEY + 4L * dims;
        this.unitNorm = unitNorm;
    }

    /** Opens (or creates on first append) the cache of {@code model}'s vectors in {@code dir}. */
    public static EmbeddingCache open(Path dir, TextEmbedder model) {
        return open(dir, model.name(), model.dimensions(), model.unitNorm());
    }

    /**
     * Opens (or creates on first append) the cache of {@code model} in {@code dir}; {@code unitNorm}: the model's
     * vectors have L2 norm 1, which records must then have too.
     */
    public static EmbeddingCache open(Path dir, String model, int dims, boolean unitNorm) {
        EmbeddingCache cache = new EmbeddingCache(dir.resolve(model + ".vectors"), model, dims, unitNorm);
        cache.load();
        return cache;
    }

    /**
     * {@code $BINARYLLM_CACHE}, else {@code $XDG_CACHE_HOME/binaryllm}, else {@code ~/.cache/binaryllm}: outside
     * the checkout, so a fresh clone of the project reuses what an earlier one embedded.
     */
    public static Path defaultDir() {
        String own = System.getenv("BINARYLLM_CACHE");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("binaryllm");
    }

    public Path file() {
        return file;
    }

    public int size() {
        return offsets.size() + added.size();
    }

    /** The cached vector of {@code text}, or null when it is not cached or its record is damaged. */
    public float[] get(String text) {
        Key k = key(text);
        float[] v = added.get(k);
        if (v != null) {
            return v.clone();
        }
        Long at = offsets.get(k);
        if (at == null) {
            return null;
        }
        v = new float[dims];
        try {
            MemorySegment.copy(mapped, F32, at + KEY, v, 0, dims);
        } catch (InternalError e) {
            throw MappedFaults.explain(e, file.toString());
        }
        String problem = VectorChecks.problem(v, unitNorm);
        if (problem != null) {
            damaged.add(file + ": record " + (at - HEADER) / recordBytes + " " + problem);
            offsets.remove(k);
            return null;
        }
        return v;
    }

    /** The damaged records {@link #get} met, each as "FILE: record N has NaN at 3" (the texts were not cached). */
    public List<String> damaged() {
        return List.copyOf(damaged);
    }

    /** Appends the vectors of {@code texts} (already embedded) and flushes them to disk before returning. */
    public void putAll(List<String> texts, float[][] embedded) {
        ByteBuffer records = ByteBuffer.allocate(Math.toIntExact(recordBytes * texts.size())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < texts.size(); i++) {
            if (embedded[i].length != dims) {
                throw new IllegalArgumentException(model + " gave " + embedded[i].length + " dimensions, expected " + dims);
            }
            String problem = VectorChecks.problem(embedded[i], unitNorm);
            if (problem != null) {
                throw new IllegalArgumentException(model + "'s vector of text " + i + " of the batch " + problem + ": not cached");
            }
            records.put(key(texts.get(i)).bytes());
            for (float f : embedded[i]) {
                records.putFloat(f);
            }
        }
        records.flip();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                if (ch.size() < HEADER) {
                    ch.write(header(), 0);
                } else {
                    // Another process may have created the file since it was opened: check whose it is.
                    ByteBuffer h = ByteBuffer.allocate(HEADER);
                    ch.read(h, 0);
                    checkHeader(MemorySegment.ofArray(h.array()), HEADER);
                }
                // Whole records only: a tail cut short by a crash is overwritten.
                long end = HEADER + (ch.size() - HEADER) / recordBytes * recordBytes;
                while (records.hasRemaining()) {
                    end += ch.write(records, end);
                }
                ch.truncate(end);
                ch.force(false);
            }
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot write the embedding cache: " + FileKinds.reason(e));
        }
        for (int i = 0; i < texts.size(); i++) {
            Key k = key(texts.get(i));
            if (!offsets.containsKey(k)) {
                added.put(k, embedded[i].clone());
            }
        }
    }

    /** Maps the file and indexes its keys; vectors are read from the mapping when asked for. */
    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        FileKinds.requireRegularFile(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                return;
            }
            Arena a = Arena.ofShared();
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, a);
            try {
                checkHeader(m, size);
            } catch (RuntimeException e) {
                a.close();
                throw e;
            }
            arena = a;
            mapped = m;
            long count = (size - HEADER) / recordBytes;
            for (long r = 0; r < count; r++) {
                long at = HEADER + r * recordBytes;
                offsets.put(Key.of(m, at), at);
            }
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read the embedding cache: " + FileKinds.reason(e));
        }
    }

    private void checkHeader(MemorySegment m, long size) {
        if (size < HEADER || !Arrays.equals(m.asSlice(0, MAGIC.length).toArray(ValueLayout.JAVA_BYTE), MAGIC)) {
            throw BadInputException.in(file, "not an embedding cache (delete it to start a new one)");
        }
        int fileDims = m.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8);
        String fileModel = new String(m.asSlice(12, HEADER - 12).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8).strip();
        if (fileDims != dims || !fileModel.equals(model)) {
            throw BadInputException.in(file, "holds " + fileDims + "-dimension vectors of '" + fileModel + "', not "
                    + dims + " of '" + model + "'");
        }
    }

    private ByteBuffer header() {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).putInt(dims);
        byte[] name = model.getBytes(StandardCharsets.UTF_8);
        if (name.length > HEADER - 12) {
            throw new IllegalArgumentException("model name too long for the cache header: " + model);
        }
        h.put(name);
        while (h.hasRemaining()) {
            h.put((byte) ' ');
        }
        return h.flip();
    }

    /** SHA-256 of the text's UTF-8 bytes: the same text always hits, whichever file or line it came from. */
    private static Key key(String text) {
        return Key.of(Sha256.digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        offsets.clear();
        added.clear();
        if (arena != null) {
            arena.close();
            arena = null;
            mapped = null;
        }
    }
}
