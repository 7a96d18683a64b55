package io.binaryllm.langchain4j.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import io.binaryllm.BadInputException;
import io.binaryllm.langchain4j.BinaryEmbeddingStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A saved {@link BinaryEmbeddingStore}: a directory of {@code store.json} (what decides the codes, and what to
 * expect), {@code entries.jsonl} (one line per entry, metadata values tagged with their type: langchain4j tells
 * Integer from Long and Float from Double, and JSON alone cannot carry that) and {@code vectors.f32} (the float
 * vectors, little-endian rows in entry order). Written to a hidden directory beside the target and moved into
 * place, so a store appears whole or not at all; an existing directory is never replaced.
 */
public final class StoreFiles {
    public static final ObjectMapper JSON = new ObjectMapper();

    private StoreFiles() {
    }

    /** What decides a store's codes, and its vectors' size. */
    public record Options(String binarizer, Integer bits, long seed, int rescoreFactor, int dims) {
    }

    /** A store read back: its options and entries in order (a segment is null for an entry added without one). */
    public record Saved(Options options, List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
    }

    public static void write(Path dir, Options options, List<String> ids, List<TextSegment> segments, List<float[]> vectors) {
        if (Files.exists(dir)) {
            throw BadInputException.in(dir, "already exists (a store is saved to a new directory)");
        }
        Path tmp;
        try {
            tmp = Files.createTempDirectory(dir.toAbsolutePath().getParent(), "." + dir.getFileName() + ".");
        } catch (IOException e) {
            throw BadInputException.in(dir, "cannot save the store: " + e.getMessage());
        }
        try {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < ids.size(); i++) {
                lines.append(entryLine(ids.get(i), segments.get(i))).append('\n');
            }
            Files.writeString(tmp.resolve("entries.jsonl"), lines);
            ByteBuffer rows = ByteBuffer.allocate(Math.multiplyExact(vectors.size(), Float.BYTES * options.dims()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (float[] v : vectors) {
                for (float f : v) {
                    rows.putFloat(f);
                }
            }
            Files.write(tmp.resolve("vectors.f32"), rows.array());
            ObjectNode o = JSON.createObjectNode();
            o.put("format", 1).put("binarizer", options.binarizer()).put("seed", options.seed())
                    .put("rescore_factor", options.rescoreFactor()).put("dims", options.dims()).put("entries", ids.size());
            if (options.bits() != null) {
                o.put("bits", options.bits());
            }
            Files.writeString(tmp.resolve("store.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw BadInputException.in(dir, "cannot save the store: " + e.getMessage());
        }
    }

    public static Saved read(Path dir) {
        Path json = dir.resolve("store.json");
        Path entries = dir.resolve("entries.jsonl");
        Path floats = dir.resolve("vectors.f32");
        Options options;
        int count;
        try {
            JsonNode o = JSON.readTree(json.toFile());
            if (o == null || o.path("format").asInt() != 1) {
                throw BadInputException.in(json, "not a saved BinaryEmbeddingStore (format 1)");
            }
            options = new Options(o.get("binarizer").asText(), o.has("bits") ? o.get("bits").asInt() : null,
                    o.get("seed").asLong(), o.get("rescore_factor").asInt(), o.get("dims").asInt());
            count = o.get("entries").asInt();
        } catch (IOException | NullPointerException e) {
            throw BadInputException.in(json, "not a saved BinaryEmbeddingStore (" + e.getMessage() + ")");
        }
        try {
            List<String> lines = Files.readAllLines(entries);
            if (lines.size() != count) {
                throw BadInputException.in(entries, lines.size() + " entries, store.json says " + count);
            }
            long expected = (long) count * options.dims() * Float.BYTES;
            if (Files.size(floats) != expected) {
                throw BadInputException.in(floats, Files.size(floats) + " bytes, expected " + expected + " (" + count
                        + " vectors of " + options.dims() + " floats)");
            }
            FloatBuffer rows = ByteBuffer.wrap(Files.readAllBytes(floats)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            List<String> ids = new ArrayList<>(count);
            List<Embedding> embeddings = new ArrayList<>(count);
            List<TextSegment> segments = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                Entry e = parseEntry(entries + ":" + (i + 1), lines.get(i));
                float[] v = new float[options.dims()];
                rows.get(i * options.dims(), v);
                ids.add(e.id());
                embeddings.add(Embedding.from(v));
                segments.add(e.segment());
            }
            return new Saved(options, ids, embeddings, segments);
        } catch (IOException e) {
            throw BadInputException.in(dir, "cannot read the saved store: " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: a hidden temporary directory is left behind
        }
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
        try {
            JsonNode o = JSON.readTree(line);
            String id = o.get("id").asText();
            JsonNode text = o.get("text");
            if (text == null || text.isNull()) {
                return new Entry(id, null);
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : o.get("metadata").properties()) {
                JsonNode v = e.getValue().get("value");
                meta.put(e.getKey(), switch (e.getValue().get("type").asText()) {
                    case "string" -> v.asText();
                    case "uuid" -> UUID.fromString(v.asText());
                    case "int" -> v.intValue();
                    case "long" -> v.longValue();
                    case "float" -> v.floatValue();
                    case "double" -> v.doubleValue();
                    default -> throw new IllegalArgumentException("unknown type " + e.getValue().get("type"));
                });
            }
            return new Entry(id, TextSegment.from(text.asText(), Metadata.from(meta)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            throw new BadInputException(where + ": not a store entry (" + e.getMessage() + ")");
        }
    }
}
