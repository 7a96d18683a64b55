package io.binaryllm.runner;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.runner.internal.Nearest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a {@link RunConfig} from YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}) with no leniency: an
 * unknown key is refused with its path and the nearest valid key, a missing required key with its path, a value of
 * the wrong type with the type expected, a key given twice and a {@code null} value with their path. Jackson's
 * scalar coercions ("5" for 5, 1 for true) are off. A config is a regular file of at most {@link #MAX_BYTES} bytes.
 */
public final class ConfigLoader {
    /** Configs are a few hundred bytes; the bound keeps {@code /dev/zero}-like inputs from filling the heap. */
    public static final long MAX_BYTES = 1 << 20;

    private ConfigLoader() {
    }

    private static <M extends ObjectMapper> M strict(M mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT, DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
        mapper.enable(SerializationFeature.INDENT_OUTPUT);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return mapper;
    }

    private static final ObjectMapper YAML = strict(YAMLMapper.builder(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build())
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS).build());
    private static final ObjectMapper JSON = strict(JsonMapper.builder().disable(MapperFeature.ALLOW_COERCION_OF_SCALARS).build());

    public static RunConfig load(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".json") ? JSON : name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : null;
        if (mapper == null) {
            throw BadInputException.in(file, "a config is .yaml, .yml or .json");
        }
        String text = readText(file);
        if (text.isBlank()) {
            throw BadInputException.in(file, "empty config (required keys: name, dataset, variants)");
        }
        try {
            // The tree pass finds duplicate keys (the parser refuses them) and nulls, which a record would take as
            // "not given" and silently default; the typed pass then reports types with line numbers.
            String nullAt = firstNull(mapper.readTree(text), "");
            if (nullAt != null) {
                throw BadInputException.in(file, (nullAt.isEmpty() ? "(top level)" : nullAt)
                        + ": null is not a value; give one, or leave the key out for its default");
            }
            return mapper.readValue(text, RunConfig.class);
        } catch (UnrecognizedPropertyException e) {
            List<String> known = e.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
            throw BadInputException.in(file, path(e, e.getPropertyName()) + ": unknown key" + Nearest.hint(e.getPropertyName(), known)
                    + " (valid here: " + String.join(", ", known) + ")");
        } catch (InvalidFormatException e) {
            throw BadInputException.in(file, path(e, null) + ": expected " + typeName(e.getTargetType()) + ", got '" + e.getValue() + "'");
        } catch (MismatchedInputException e) {
            String missing = missingProperty(e.getOriginalMessage());
            if (missing != null) {
                throw BadInputException.in(file, path(e, missing) + ": required key is missing");
            }
            throw BadInputException.in(file, path(e, null) + ": expected " + typeName(e.getTargetType()) + where(e));
        } catch (JsonParseException e) {
            String message = e.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate field '")) {
                String key = message.substring("Duplicate field '".length(), message.indexOf('\'', "Duplicate field '".length()));
                throw BadInputException.in(file, pathOf(e.getProcessor(), key) + ": key given twice" + where(e)
                        + "; each key appears once");
            }
            throw BadInputException.in(file, "not valid " + (mapper == JSON ? "JSON" : "YAML") + where(e) + ": " + message);
        } catch (JsonMappingException e) {
            throw BadInputException.in(file, path(e, null) + ": " + e.getOriginalMessage());
        } catch (JacksonException e) {
            throw BadInputException.in(file, "cannot read the config" + where(e) + ": " + e.getOriginalMessage());
        }
    }


    /** The whole text of a config, refusing special files, oversized files and bytes that are not UTF-8. */
    private static String readText(Path file) {
        FileKinds.requireRegularFile(file, MAX_BYTES, "a config");
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw BadInputException.in(file, "not valid UTF-8");
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + FileKinds.reason(e));
        }
    }

    /** The path of the first {@code null} in {@code node} ({@code variants[0].bits}), or null when there is none. */
    private static String firstNull(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return at;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = firstNull(node.get(i), at + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String found = firstNull(field.getValue(), at.isEmpty() ? field.getKey() : at + "." + field.getKey());
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The dotted path of the object being parsed, then {@code key}. */
    private static String pathOf(Object processor, String key) {
        if (!(processor instanceof JsonParser p)) {
            return key;
        }
        ArrayDeque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = p.getParsingContext() == null ? null : p.getParsingContext().getParent(); c != null && !c.inRoot();
             c = c.getParent()) {
            parts.push(c.inArray() ? "[" + c.getCurrentIndex() + "]" : c.getCurrentName() == null ? "" : "." + c.getCurrentName());
        }
        String prefix = String.join("", parts);
        prefix = prefix.startsWith(".") ? prefix.substring(1) : prefix;
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    /** The resolved config as YAML (what every run directory keeps). */
    public static String toYaml(RunConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the resolved config", e);
        }
    }

    /** The config {@link #toYaml} wrote (a run's resolved config, sent to other machines). */
    public static RunConfig fromYaml(String resolved) {
        try {
            return YAML.readValue(resolved, RunConfig.class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read a resolved config back", e); // toYaml's own output: a bug
        }
    }

    /** {@code variants[1].bits}, from Jackson's path, plus {@code last} when the failing key is not on it. */
    private static String path(JsonMappingException e, String last) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            } else if (r.getFieldName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(r.getFieldName());
            }
        }
        if (last != null && !out.toString().endsWith(last)) {
            out.append(out.isEmpty() ? "" : ".").append(last);
        }
        return out.isEmpty() ? "(top level)" : out.toString();
    }

    /**
     * The key Jackson's "Missing required creator property 'name' (index 0)" names, or null for any other message.
     * Only a message that starts so counts: others quote the config's own text, which may contain anything.
     */
    private static String missingProperty(String message) {
        String marker = "Missing required creator property '";
        if (message == null || !message.startsWith(marker)) {
            return null;
        }
        int end = message.indexOf('\'', marker.length());
        return end < 0 ? null : message.substring(marker.length(), end);
    }

    private static final Map<Class<?>, String> TYPES = Map.of(String.class, "a string", Long.class, "an integer",
            Integer.class, "an integer", Double.class, "a number", Boolean.class, "true or false", List.class, "a list",
            long.class, "an integer", int.class, "an integer");

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type.isRecord()) {
            return "a mapping with keys " + Arrays.stream(type.getRecordComponents())
                    .map(c -> {
                        var p = c.getAccessor().getAnnotation(JsonProperty.class);
                        var q = c.getAnnotation(JsonProperty.class);
                        return q != null && !q.value().isEmpty() ? q.value() : p != null && !p.value().isEmpty() ? p.value() : c.getName();
                    }).collect(Collectors.joining(", "));
        }
        return TYPES.getOrDefault(type, type.getSimpleName());
    }

    private static String where(JacksonException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }
}
