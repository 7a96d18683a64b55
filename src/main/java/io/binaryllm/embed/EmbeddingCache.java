package io.binaryllm.embed;

import io.binaryllm.BadInputException;

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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Vectors of one model keyed by the SHA-256 of the text they embed, in one append-only file
 * ({@code <dir>/<model>.vectors}): a 64-byte header (magic, dimensions, model name), then records of 32 key bytes
 * and {@code dims} little-endian float32s. Appends happen under a file lock, a batch at a time, so an interrupted
 * embedding keeps what it finished and two processes can share a cache. A record cut short by a crash is ignored
 * (and overwritten by the next append); a file whose header names another model or size is refused.
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
    private final Map<String, float[]> vectors = new HashMap<>();

    private EmbeddingCache(Path file, String model, int dims) {
        this.file = file;
        this.model = model;
        this.dims = dims;
        this.recordBytes = KEY + 4L * dims;
    }

    /** Opens (or creates on first append) the cache of {@code model} in {@code dir}. */
    public static EmbeddingCache open(Path dir, String model, int dims) {
        EmbeddingCache cache = new EmbeddingCache(dir.resolve(model + ".vectors"), model, dims);
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
        return vectors.size();
    }

    /** The cached vector of {@code text}, or null. */
    public float[] get(String text) {
        return vectors.get(key(text));
    }

    /** Appends the vectors of {@code texts} (already embedded) and flushes them to disk before returning. */
    public void putAll(List<String> texts, float[][] embedded) {
        ByteBuffer records = ByteBuffer.allocate(Math.toIntExact(recordBytes * texts.size())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < texts.size(); i++) {
            if (embedded[i].length != dims) {
                throw new IllegalArgumentException(model + " gave " + embedded[i].length + " dimensions, expected " + dims);
            }
            records.put(HexFormat.of().parseHex(key(texts.get(i))));
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
            throw BadInputException.in(file, "cannot write the embedding cache: " + e.getMessage());
        }
        for (int i = 0; i < texts.size(); i++) {
            vectors.put(key(texts.get(i)), embedded[i].clone());
        }
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (size == 0) {
                return;
            }
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            checkHeader(m, size);
            long count = (size - HEADER) / recordBytes;
            for (long r = 0; r < count; r++) {
                long at = HEADER + r * recordBytes;
                String key = HexFormat.of().formatHex(m.asSlice(at, KEY).toArray(ValueLayout.JAVA_BYTE));
                float[] v = new float[dims];
                MemorySegment.copy(m, F32, at + KEY, v, 0, dims);
                vectors.put(key, v);
            }
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read the embedding cache: " + e.getMessage());
        }
    }

    private void checkHeader(MemorySegment m, long size) {
        if (size < HEADER || !java.util.Arrays.equals(m.asSlice(0, MAGIC.length).toArray(ValueLayout.JAVA_BYTE), MAGIC)) {
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
    static String key(String text) {
        return io.binaryllm.data.io.Sha256.hex(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        vectors.clear();
    }
}
