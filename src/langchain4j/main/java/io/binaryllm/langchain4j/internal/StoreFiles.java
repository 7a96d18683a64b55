package io.binaryllm.langchain4j.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import io.binaryllm.BadInputException;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.data.io.FileKinds;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.data.io.StagedDirectory;
import io.binaryllm.langchain4j.BinaryEmbeddingStore;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A saved {@link BinaryEmbeddingStore}: a directory of {@code store.json} (what decides the codes, and what to
 * expect), {@code entries.jsonl} (one line per entry, metadata values tagged with their type: langchain4j tells
 * Integer from Long and Float from Double, and JSON alone cannot carry that) and {@code vectors.f32} (the float
 * vectors, little-endian rows in entry order). Written to a hidden staging directory beside the target and renamed
 * into place ({@link StagedDirectory}), so a store appears whole or not at all; an existing directory is never
 * replaced.
 *
 * <p>Reading trusts nothing: the files were written by us but may have been edited, cut short or swapped since. Every
 * value of {@code store.json} is checked for type and range as the builder checks it, unknown and duplicate keys are
 * refused, ids must be unique, metadata values must fit their tagged type, and vectors must be finite; each refusal
 * names the file, and the line or entry.
 */
public final class StoreFiles {
    public static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** {@code store.json} is a few hundred bytes. */
    static final long MAX_OPTIONS_BYTES = 1 << 20;
    private static final java.util.Set<String> OPTION_KEYS = java.util.Set.of("format", "binarizer", "bits", "seed",
            "rescore_factor", "dims", "entries");

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private StoreFiles() {
    }

    /** What decides a store's codes, and its vectors' size. */
    public record Options(String binarizer, Integer bits, long seed, int rescoreFactor, int dims) {
    }

    /** A store read back: its options and entries in order (a segment is null for an entry added without one). */
    public record Saved(Options options, List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
    }

    public static void write(Path dir, Options options, List<String> ids, List<TextSegment> segments, List<float[]> vectors) {
        Path target = dir.toAbsolutePath();
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw BadInputException.in(dir, "already exists (a store is saved to a new directory)");
        }
        try (StagedDirectory staged = StagedDirectory.create(target.getParent(), target.getFileName().toString())) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < ids.size(); i++) {
                lines.append(entryLine(ids.get(i), segments.get(i))).append('\n');
            }
            Path tmp = staged.path();
            writeFile(tmp.resolve("entries.jsonl"), ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
            try (FileChannel out = FileChannel.open(tmp.resolve("vectors.f32"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer row = ByteBuffer.allocate(Float.BYTES * options.dims()).order(ByteOrder.LITTLE_ENDIAN);
                for (float[] v : vectors) {
                    row.clear();
                    row.asFloatBuffer().put(v);
                    while (row.hasRemaining()) {
                        out.write(row);
                    }
                }
                out.force(false);
            } catch (IOException e) {
                throw BadInputException.in(dir, "cannot save the store: " + FileKinds.reason(e));
            }
            ObjectNode o = JSON.createObjectNode();
            o.put("format", 1).put("binarizer", options.binarizer()).put("seed", options.seed())
                    .put("rescore_factor", options.rescoreFactor()).put("dims", options.dims()).put("entries", ids.size());
            if (options.bits() != null) {
                o.put("bits", options.bits());
            }
            String json;
            try {
                json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            writeFile(tmp.resolve("store.json"), ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
            staged.commitExactly();
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
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw BadInputException.in(json, "not a saved BinaryEmbeddingStore (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw BadInputException.in(json, "cannot read: " + FileKinds.reason(e));
        }
        Options options = options(json, o);
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
        // The vectors become one float[] each, and the store keeps another copy: check before reading anything.
        MemoryBudget.requireHeap(MemoryBudget.bytes(count, (long) options.dims() * Float.BYTES + 16, 2), floats,
                count + " vectors of " + options.dims() + " floats");
        List<String> lines = entryLines(entries, count);
        List<String> ids = new ArrayList<>(count);
        List<Embedding> embeddings = new ArrayList<>(count);
        List<TextSegment> segments = new ArrayList<>(count);
        Map<String, Integer> lineOfId = new HashMap<>();
        try (FileChannel ch = FileChannel.open(floats, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment rows = ch.map(FileChannel.MapMode.READ_ONLY, 0, expected, arena);
            for (int i = 0; i < count; i++) {
                String where = entries + ":" + (i + 1);
                Entry e = parseEntry(where, lines.get(i));
                Integer earlier = lineOfId.putIfAbsent(e.id(), i + 1);
                if (earlier != null) {
                    throw new BadInputException(where + ": id '" + e.id() + "' was already used on line " + earlier);
                }
                float[] v = new float[options.dims()];
                MemorySegment.copy(rows, F32, (long) i * options.dims() * Float.BYTES, v, 0, v.length);
                for (int j = 0; j < v.length; j++) {
                    if (!Float.isFinite(v[j])) {
                        throw BadInputException.in(floats, "vector " + i + " (id '" + e.id() + "') has " + v[j] + " at " + j);
                    }
                }
                ids.add(e.id());
                embeddings.add(Embedding.from(v));
                segments.add(e.segment());
            }
        } catch (IOException e) {
            throw BadInputException.in(floats, "cannot read: " + FileKinds.reason(e));
        } catch (InternalError e) {
            throw MappedFaults.explain(e, floats.toString());
        }
        return new Saved(options, ids, embeddings, segments);
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
                throw BadInputException.in(json, field.getKey() + ": unknown key (valid: " + String.join(", ", new java.util.TreeSet<>(OPTION_KEYS)) + ")");
            }
        }
        JsonNode b = o.get("binarizer");
        if (b == null || !b.isTextual() || !Binarizers.NAMES.contains(b.asText())) {
            throw BadInputException.in(json, "binarizer: expected one of " + String.join(", ", Binarizers.NAMES) + ", got " + b);
        }
        String binarizer = b.asText();
        Integer bits = null;
        if (binarizer.equals("hyperplane")) {
            bits = intIn(json, o, "bits", 1, Integer.MAX_VALUE);
        } else if (o.has("bits")) {
            throw BadInputException.in(json, "bits: applies to hyperplane only, the binarizer is " + binarizer);
        }
        JsonNode seed = o.get("seed");
        if (seed == null || !seed.isIntegralNumber() || !seed.canConvertToLong()) {
            throw BadInputException.in(json, "seed: expected a 64-bit integer, got " + seed);
        }
        int rescore = intIn(json, o, "rescore_factor", 0, Integer.MAX_VALUE);
        int dims = intIn(json, o, "dims", 1, Integer.MAX_VALUE);
        return new Options(binarizer, bits, seed.longValue(), rescore, dims);
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

    /** The lines of {@code entries.jsonl}, which must be {@code count}, read strictly as UTF-8. */
    private static List<String> entryLines(Path entries, int count) {
        List<String> lines;
        try {
            MemoryBudget.requireHeap(MemoryBudget.bytes(Files.size(entries), 3), entries, "its entries");
            lines = new ArrayList<>(List.of(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(entries)))
                    .toString().split("\n", -1)));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw BadInputException.in(entries, "not valid UTF-8");
        } catch (IOException e) {
            throw BadInputException.in(entries, "cannot read: " + FileKinds.reason(e));
        } catch (OutOfMemoryError e) {
            throw BadInputException.in(entries, "too large to read: " + MemoryBudget.heapAdvice());
        }
        if (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        if (lines.size() != count) {
            throw BadInputException.in(entries, lines.size() + " entries, store.json says " + count);
        }
        return lines;
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
            for (Map.Entry<String, Object> e : new java.util.TreeMap<>(segment.metadata().toMap()).entrySet()) {
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
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
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
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
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
            throw new BadInputException(where + ": text: expected a string or null, got " + text.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
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
