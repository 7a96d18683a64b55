package io.binaryllm.langchain4j.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import io.binaryllm.BadInputException;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.internal.io.StagedDirectory;
import io.binaryllm.langchain4j.BinaryEmbeddingStore;
import io.binaryllm.quantize.OsqCodes;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A saved {@link BinaryEmbeddingStore}: a directory of {@code store.json} (what decides the codes, and what to
 * expect), {@code entries.jsonl} (one line per entry, metadata values tagged with their type: langchain4j tells
 * Integer from Long and Float from Double, and JSON alone cannot carry that) and {@code vectors.f32} (the float
 * vectors, little-endian rows in entry order). Written to a hidden staging directory beside the target and renamed
 * into place ({@link StagedDirectory}), so a store appears whole or not at all; an existing directory is never
 * replaced. Both directions stream: entries are written and read a batch at a time, sizes are 64-bit, and the heap
 * holds one batch beyond the store itself.
 *
 * <p>Reading trusts nothing: the files were written by us but may have been edited, cut short or swapped since. Every
 * value of {@code store.json} is checked for type and range as the builder checks it, unknown and duplicate keys are
 * refused, ids must be unique, metadata values must fit their tagged type, and vectors must be finite; each refusal
 * names the file, and the line or entry.
 */
public final class StoreFiles {
    public static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** {@code store.json} is a few hundred bytes, or a few kilobytes with an osq centroid. */
    static final long MAX_OPTIONS_BYTES = 16 << 20;
    /** Names osq takes in {@code store.json}, beside the binarizers. */
    public static final String OSQ = "osq";
    private static final Set<String> OPTION_KEYS = Set.of("format", "binarizer", "bits", "seed",
            "rescore_factor", "dims", "entries", "centroid");
    /** Entries a batch reads or writes. */
    private static final int BATCH = 4096;

    private StoreFiles() {
    }

    /**
     * What decides a store's codes, and its vectors' size: {@code bits} is the hyperplane code length, or osq's bits
     * a dimension; {@code centroid} is the fitted osq centroid (null before the fit and for binarizers).
     */
    public record Options(String binarizer, Integer bits, long seed, int rescoreFactor, int dims, float[] centroid) {
    }

    /** What a store hands {@link #write}: its live entries, in order, one at a time. */
    public interface Entries {
        long count();

        /** Calls {@code each} with every entry's id, segment (or null) and vector, in order. */
        void forEach(EntryConsumer each);
    }

    @FunctionalInterface
    public interface EntryConsumer {
        void accept(String id, TextSegment segment, float[] vector);
    }

    /** A batch of entries read back, the first from line {@code firstLine} of {@code entries.jsonl}. */
    public record Batch(long firstLine, List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
    }

    public static void write(Path dir, Options options, Entries entries) {
        Path target = dir.toAbsolutePath();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw BadInputException.in(dir, "already exists (a store is saved to a new directory)");
        }
        try (StagedDirectory staged = StagedDirectory.create(target.getParent(), target.getFileName().toString())) {
            Path tmp = staged.path();
            Path lines = tmp.resolve("entries.jsonl");
            Path floats = tmp.resolve("vectors.f32");
            try (Writer text = new BufferedWriter(new OutputStreamWriter(
                    Files.newOutputStream(lines, StandardOpenOption.CREATE_NEW), StandardCharsets.UTF_8), 1 << 16);
                 FileChannel out = FileChannel.open(floats, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer rows = ByteBuffer.allocate(Math.toIntExact(Math.max(1, (1 << 20) / (Float.BYTES * (long) options.dims()))
                        * Float.BYTES * options.dims())).order(ByteOrder.LITTLE_ENDIAN);
                entries.forEach((id, segment, vector) -> {
                    try {
                        text.write(entryLine(id, segment));
                        text.write('\n');
                        if (rows.remaining() < vector.length * Float.BYTES) {
                            drain(rows, out);
                        }
                        for (float f : vector) {
                            rows.putFloat(f);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                drain(rows, out);
                out.force(false);
            } catch (IOException e) {
                throw BadInputException.in(dir, "cannot save the store: " + FileKinds.reason(e));
            } catch (UncheckedIOException e) {
                throw BadInputException.in(dir, "cannot save the store: " + FileKinds.reason(e.getCause()));
            }
            force(lines);
            ObjectNode o = JSON.createObjectNode();
            o.put("format", 1).put("binarizer", options.binarizer()).put("seed", options.seed())
                    .put("rescore_factor", options.rescoreFactor()).put("dims", options.dims()).put("entries", entries.count());
            if (options.bits() != null) {
                o.put("bits", options.bits());
            }
            if (options.centroid() != null) {
                ArrayNode c = o.putArray("centroid");
                for (float f : options.centroid()) {
                    c.add(f);
                }
            }
            String json;
            try {
                json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            writeFile(tmp.resolve("store.json"), ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
            staged.commitExactly();
        }
    }

    private static void drain(ByteBuffer rows, FileChannel out) throws IOException {
        rows.flip();
        while (rows.hasRemaining()) {
            out.write(rows);
        }
        rows.clear();
    }

    private static void force(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(false);
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot write: " + FileKinds.reason(e));
        }
    }

    private static void writeFile(Path file, ByteBuffer bytes) {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(false);
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot write: " + FileKinds.reason(e));
        }
    }

    /**
     * A saved store, checked as far as it can be without reading its entries: {@code store.json} in full, the size of
     * {@code vectors.f32} and the number of lines of {@code entries.jsonl}. {@link #entries} then streams them.
     */
    public record Saved(Path dir, Options options, long count) {
        /** Reads the entries a batch at a time, each checked (ids non-blank, metadata typed, vectors finite). */
        public void entries(Consumer<Batch> each) {
            Path lines = dir.resolve("entries.jsonl");
            Path floats = dir.resolve("vectors.f32");
            int dims = options.dims();
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            if (count == 0) {
                return;
            }
            try (BufferedReader text = new BufferedReader(new InputStreamReader(Files.newInputStream(lines), utf8), 1 << 16);
                 FileChannel vectors = FileChannel.open(floats, StandardOpenOption.READ)) {
                // A batch is at most BATCH rows and about 16 MiB (one row, however wide, at least).
                int batchRows = (int) Math.max(1, Math.min(Math.min(BATCH, count), (16L << 20) / ((long) dims * Float.BYTES)));
                ByteBuffer rows = ByteBuffer.allocate(Math.toIntExact((long) batchRows * dims * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
                for (long first = 0; first < count; first += batchRows) {
                    int n = (int) Math.min(batchRows, count - first);
                    rows.clear().limit(n * dims * Float.BYTES);
                    while (rows.hasRemaining()) {
                        if (vectors.read(rows) < 0) {
                            throw BadInputException.in(floats, "ends early, at vector " + (first + rows.position() / (dims * Float.BYTES)));
                        }
                    }
                    rows.flip();
                    List<String> ids = new ArrayList<>(n);
                    List<Embedding> embeddings = new ArrayList<>(n);
                    List<TextSegment> segments = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        long line = first + i + 1;
                        String raw = text.readLine();
                        if (raw == null) {
                            throw BadInputException.in(lines, "ends early, at line " + line);
                        }
                        Entry e = parseEntry(lines + ":" + line, raw);
                        float[] v = new float[dims];
                        rows.asFloatBuffer().position(i * dims).get(v);
                        for (int j = 0; j < dims; j++) {
                            if (!Float.isFinite(v[j])) {
                                throw BadInputException.in(floats, "vector " + (first + i) + " (id '" + e.id() + "') has " + v[j] + " at " + j);
                            }
                        }
                        ids.add(e.id());
                        embeddings.add(Embedding.from(v));
                        segments.add(e.segment());
                    }
                    each.accept(new Batch(first + 1, ids, embeddings, segments));
                }
            } catch (CharacterCodingException e) {
                throw BadInputException.in(lines, "not valid UTF-8");
            } catch (IOException e) {
                throw BadInputException.in(lines, "cannot read: " + FileKinds.reason(e));
            }
        }
    }

    /** The most bytes a vector may have: one buffer and one Java array hold it. */
    static final long MAX_VECTOR_BYTES = Integer.MAX_VALUE - 8;

    public static Saved read(Path dir) {
        if (!Files.isDirectory(dir)) {
            String kind = FileKinds.describe(dir);
            throw BadInputException.in(dir, Files.exists(dir) ? "is " + (kind == null ? "a file" : kind) + ", not a saved store's directory"
                    : "no such directory");
        }
        Path json = dir.resolve("store.json");
        Path entries = dir.resolve("entries.jsonl");
        Path floats = dir.resolve("vectors.f32");
        FileKinds.requireRegularFile(json, MAX_OPTIONS_BYTES, "a store's store.json");
        FileKinds.requireRegularFile(entries);
        FileKinds.requireRegularFile(floats);
        JsonNode o;
        try {
            o = JSON.readTree(Files.readAllBytes(json));
        } catch (JsonProcessingException e) {
            throw BadInputException.in(json, "not a saved BinaryEmbeddingStore (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw BadInputException.in(json, "cannot read: " + FileKinds.reason(e));
        }
        Options options = options(json, o);
        if ((long) options.dims() * Float.BYTES > MAX_VECTOR_BYTES) { // a vector is read into one buffer and one array
            throw BadInputException.in(json, "dims: " + options.dims() + " floats a vector are more than a store holds (at most "
                    + MAX_VECTOR_BYTES / Float.BYTES + ")");
        }
        int count = intIn(json, o, "entries", 0, Integer.MAX_VALUE - 8);
        long expected = MemoryBudget.bytes(count, options.dims(), Float.BYTES);
        long actual;
        try {
            actual = Files.size(floats);
        } catch (IOException e) {
            throw BadInputException.in(floats, "cannot read: " + FileKinds.reason(e));
        }
        if (actual != expected) {
            throw BadInputException.in(floats, actual + " bytes, expected " + expected + " (" + count + " vectors of "
                    + options.dims() + " floats, as store.json says)");
        }
        long lines = countLines(entries);
        if (lines != count) {
            throw BadInputException.in(entries, lines + " entries, store.json says " + count);
        }
        return new Saved(dir, options, count);
    }

    /** Lines of a file (a last line without its newline counts), read in blocks. */
    private static long countLines(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer block = ByteBuffer.allocate(1 << 16);
            long lines = 0;
            byte last = '\n';
            while (ch.read(block.clear()) > 0) {
                block.flip();
                while (block.hasRemaining()) {
                    last = block.get();
                    if (last == '\n') {
                        lines++;
                    }
                }
            }
            return last == '\n' ? lines : lines + 1;
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + FileKinds.reason(e));
        }
    }

    /** The options of {@code store.json}, each checked as the builder checks it. */
    private static Options options(Path json, JsonNode o) {
        if (o == null || !o.isObject()) {
            throw BadInputException.in(json, "not a saved BinaryEmbeddingStore (expected a JSON object)");
        }
        JsonNode format = o.get("format");
        if (format == null || !format.isIntegralNumber() || format.longValue() != 1) {
            throw BadInputException.in(json, "not a saved BinaryEmbeddingStore (format 1), format is " + format);
        }
        for (Map.Entry<String, JsonNode> field : o.properties()) {
            if (!OPTION_KEYS.contains(field.getKey())) {
                throw BadInputException.in(json, field.getKey() + ": unknown key (valid: " + String.join(", ", new TreeSet<>(OPTION_KEYS)) + ")");
            }
        }
        JsonNode b = o.get("binarizer");
        List<String> names = new ArrayList<>(Binarizers.NAMES);
        names.add(OSQ);
        if (b == null || !b.isTextual() || !names.contains(b.asText())) {
            throw BadInputException.in(json, "binarizer: expected one of " + String.join(", ", names) + ", got " + b);
        }
        String binarizer = b.asText();
        Integer bits = null;
        if (binarizer.equals("hyperplane")) {
            bits = intIn(json, o, "bits", 1, Integer.MAX_VALUE);
        } else if (binarizer.equals(OSQ)) {
            bits = intIn(json, o, "bits", 1, 4);
            if (!OsqCodes.documentBits(bits)) {
                throw BadInputException.in(json, "bits: osq takes 1, 2 or 4 bits a dimension, got " + bits);
            }
        } else if (o.has("bits")) {
            throw BadInputException.in(json, "bits: applies to hyperplane and osq only, the binarizer is " + binarizer);
        }
        JsonNode seed = o.get("seed");
        if (seed == null || !seed.isIntegralNumber() || !seed.canConvertToLong()) {
            throw BadInputException.in(json, "seed: expected a 64-bit integer, got " + seed);
        }
        int rescore = intIn(json, o, "rescore_factor", 0, Integer.MAX_VALUE);
        int dims = intIn(json, o, "dims", 1, Integer.MAX_VALUE);
        float[] centroid = null;
        JsonNode c = o.get("centroid");
        if (c != null) {
            if (!binarizer.equals(OSQ)) {
                throw BadInputException.in(json, "centroid: applies to osq only, the binarizer is " + binarizer);
            }
            if (!c.isArray() || c.size() != dims) {
                throw BadInputException.in(json, "centroid: expected an array of " + dims + " numbers (dims)");
            }
            centroid = new float[dims];
            for (int i = 0; i < dims; i++) {
                JsonNode v = c.get(i);
                if (!v.isNumber() || !Float.isFinite(v.floatValue())) {
                    throw BadInputException.in(json, "centroid: element " + i + " is not a finite number: " + v);
                }
                centroid[i] = v.floatValue();
            }
        }
        return new Options(binarizer, bits, seed.longValue(), rescore, dims, centroid);
    }

    /** The integer {@code key} of {@code o}, which must be present and within [min, max]. */
    private static int intIn(Path json, JsonNode o, String key, int min, int max) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            throw BadInputException.in(json, key + ": required key is missing");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw BadInputException.in(json, key + ": expected an integer between " + min + " and " + max + ", got " + v);
        }
        return (int) v.longValue();
    }

    /** {@code {"id": ..., "text": ... or null, "metadata": {"key": {"type": "int", "value": 1}, ...}}} */
    public static String entryLine(String id, TextSegment segment) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id);
        if (segment == null) {
            o.putNull("text");
        } else {
            o.put("text", segment.text());
            ObjectNode meta = o.putObject("metadata");
            for (Map.Entry<String, Object> e : new TreeMap<>(segment.metadata().toMap()).entrySet()) {
                ObjectNode v = meta.putObject(e.getKey());
                switch (e.getValue()) {
                    case String s -> v.put("type", "string").put("value", s);
                    case UUID u -> v.put("type", "uuid").put("value", u.toString());
                    case Integer i -> v.put("type", "int").put("value", i);
                    case Long l -> v.put("type", "long").put("value", l);
                    case Float f -> v.put("type", "float").put("value", f);
                    case Double d -> v.put("type", "double").put("value", d);
                    default -> throw new IllegalArgumentException("metadata '" + e.getKey() + "': unsupported type "
                            + e.getValue().getClass().getName());
                }
            }
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The id and segment (null when the entry had none) of one entry line; errors name the file and line. */
    public record Entry(String id, TextSegment segment) {
    }

    public static Entry parseEntry(String where, String line) {
        JsonNode o;
        try {
            o = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadInputException(where + ": not a store entry (" + e.getOriginalMessage() + ")");
        }
        if (o == null || !o.isObject()) {
            throw new BadInputException(where + ": not a store entry (expected a JSON object)");
        }
        JsonNode id = o.get("id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new BadInputException(where + ": id: expected a non-blank string, got " + id);
        }
        JsonNode text = o.get("text");
        if (text == null || text.isNull()) {
            if (o.has("metadata")) {
                throw new BadInputException(where + ": metadata without a text");
            }
            return new Entry(id.asText(), null);
        }
        if (!text.isTextual()) {
            throw new BadInputException(where + ": text: expected a string or null, got " + text.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        JsonNode metadata = o.get("metadata");
        if (metadata == null || !metadata.isObject()) {
            throw new BadInputException(where + ": metadata: expected an object of typed values");
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : metadata.properties()) {
            meta.put(e.getKey(), metadataValue(where + ": metadata." + e.getKey(), e.getValue()));
        }
        try {
            return new Entry(id.asText(), TextSegment.from(text.asText(), Metadata.from(meta)));
        } catch (RuntimeException e) {
            throw new BadInputException(where + ": not a store entry (" + e.getMessage() + ")");
        }
    }

    /** One {@code {"type": ..., "value": ...}} metadata value, which must fit its type exactly. */
    private static Object metadataValue(String where, JsonNode tagged) {
        JsonNode type = tagged.get("type");
        JsonNode v = tagged.get("value");
        if (type == null || !type.isTextual() || v == null) {
            throw new BadInputException(where + ": expected {\"type\": ..., \"value\": ...}");
        }
        Object value = switch (type.asText()) {
            case "string" -> v.isTextual() ? v.asText() : null;
            case "uuid" -> v.isTextual() ? uuid(v.asText()) : null;
            case "int" -> v.isIntegralNumber() && v.canConvertToInt() ? (Object) v.intValue() : null;
            case "long" -> v.isIntegralNumber() && v.canConvertToLong() ? (Object) v.longValue() : null;
            case "float" -> v.isNumber() && Float.isFinite(v.floatValue()) ? (Object) v.floatValue() : null;
            case "double" -> v.isNumber() && Double.isFinite(v.doubleValue()) ? (Object) v.doubleValue() : null;
            default -> throw new BadInputException(where + ": unknown type '" + type.asText()
                    + "' (string, uuid, int, long, float or double)");
        };
        if (value == null) {
            throw new BadInputException(where + ": " + v + " is not a valid " + type.asText());
        }
        return value;
    }

    private static UUID uuid(String text) {
        try {
            UUID u = UUID.fromString(text);
            return u.toString().equalsIgnoreCase(text) ? u : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
