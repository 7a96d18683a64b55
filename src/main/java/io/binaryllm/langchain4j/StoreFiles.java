package io.binaryllm.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import io.binaryllm.BadInputException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON of a saved {@link BinaryEmbeddingStore}: one line per entry, metadata values tagged with their type
 * (langchain4j tells Integer from Long and Float from Double, and JSON alone cannot carry that).
 */
final class StoreFiles {
    static final ObjectMapper JSON = new ObjectMapper();

    private StoreFiles() {
    }

    /** {@code {"id": ..., "text": ... or null, "metadata": {"key": {"type": "int", "value": 1}, ...}}} */
    static String entryLine(String id, TextSegment segment) {
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
    record Entry(String id, TextSegment segment) {
    }

    static Entry parseEntry(String where, String line) {
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
