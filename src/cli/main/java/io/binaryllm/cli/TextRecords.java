package io.binaryllm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.binaryllm.BadInputException;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.internal.io.FileKinds;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Texts to embed, read from a file of lines or of JSON lines. The rules (also in {@code embed --help}):
 * <ul>
 *   <li>A regular file of less than 2 GiB (a FIFO or a device is refused by what it is).</li>
 *   <li>UTF-8 only: an invalid byte sequence is an error naming the line. A leading byte-order mark and a
 *       trailing {@code \r} are dropped.</li>
 *   <li>Lines: every line is one text, its id is its line number. Blank lines are skipped and counted (so row
 *       numbers may differ from line numbers: the ids say which line each row came from).</li>
 *   <li>JSONL: one object a line with {@code "text"} (a non-blank string), optionally {@code "id"} (string or
 *       integer; default the line number; unique) and {@code "label"} (string or integer; all records or none).
 *       Blank lines are skipped and counted; other fields are ignored.</li>
 * </ul>
 *
 * @param labels  one label per record, if the records have labels
 * @param skipped blank lines skipped
 */
record TextRecords(List<String> ids, List<String> texts, Optional<List<String>> labels, int skipped) {
    enum Format { lines, jsonl }

    // A line holds one value (trailing tokens are an error) and a key at most once.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    public TextRecords {
        ids = List.copyOf(ids);
        texts = List.copyOf(texts);
        labels = labels.map(List::copyOf);
    }

    /** Labels as classes 0..C-1: {@code names.get(c)} is class c's label; numeric order when all labels are integers. */
    record LabelClasses(int[] classOf, List<String> names) {
    }

    public Optional<LabelClasses> labelClasses() {
        return labels.map(ls -> {
            boolean numeric = ls.stream().allMatch(l -> l.matches("-?\\d{1,18}"));
            List<String> names = ls.stream().distinct().sorted(numeric
                    ? Comparator.comparingLong(Long::parseLong) : Comparator.naturalOrder()).toList();
            Map<String, Integer> index = new HashMap<>();
            for (int c = 0; c < names.size(); c++) {
                index.put(names.get(c), c);
            }
            return new LabelClasses(ls.stream().mapToInt(index::get).toArray(), names);
        });
    }

    /** The format a file's name suggests: {@code .jsonl}/{@code .ndjson} are JSON lines, anything else lines. */
    public static Format formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".ndjson") ? Format.jsonl : Format.lines;
    }

    /** A text file is read whole into one array; its texts then take about twice its size again as strings. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    public static TextRecords read(Path file, Format format) {
        FileKinds.requireRegularFile(file, MAX_BYTES, "a text input");
        byte[] bytes;
        try {
            MemoryBudget.requireHeap(MemoryBudget.bytes(Files.size(file), 3), file, "its texts");
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + FileKinds.reason(e));
        }
        List<String> lines = decodeLines(file, bytes);
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        Map<String, Integer> firstLineOfId = new HashMap<>();
        int skipped = 0;
        int labelledFrom = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int lineNo = i + 1;
            if (line.isBlank()) {
                skipped++;
                continue;
            }
            if (format == Format.lines) {
                ids.add(Integer.toString(lineNo));
                texts.add(line);
                continue;
            }
            String where = file + ":" + lineNo;
            ObjectNode record = parseObject(where, line);
            JsonNode text = record.get("text");
            if (text == null || text.isNull()) {
                throw new BadInputException(where + ": no \"text\" field");
            }
            if (!text.isTextual()) {
                throw new BadInputException(where + ": \"text\" must be a string, not " + text.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            if (text.asText().isBlank()) {
                throw new BadInputException(where + ": \"text\" is blank");
            }
            String id = scalar(where, record, "id");
            id = id == null ? Integer.toString(lineNo) : id;
            Integer earlier = firstLineOfId.putIfAbsent(id, lineNo);
            if (earlier != null) {
                throw new BadInputException(where + ": id '" + id + "' was already used on line " + earlier);
            }
            String label = scalar(where, record, "label");
            if (texts.isEmpty()) {
                labelledFrom = label == null ? 0 : 1;
            } else if ((label != null) != (labelledFrom == 1)) {
                throw new BadInputException(where + (label == null ? ": no \"label\", but earlier records have one"
                        : ": has a \"label\", but earlier records have none"));
            }
            ids.add(id);
            texts.add(text.asText());
            if (label != null) {
                labels.add(label);
            }
        }
        if (texts.isEmpty()) {
            throw BadInputException.in(file, "no texts (" + skipped + " blank lines)");
        }
        return new TextRecords(ids, texts, labelledFrom == 1 ? Optional.of(labels) : Optional.empty(), skipped);
    }

    private static ObjectNode parseObject(String where, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadInputException(where + ": not JSON (" + e.getOriginalMessage() + ")");
        }
        if (!(node instanceof ObjectNode o)) {
            throw new BadInputException(where + ": expected a JSON object with a \"text\" field");
        }
        return o;
    }

    private static String scalar(String where, ObjectNode record, String field) {
        JsonNode v = record.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asText();
        }
        if (v.isTextual()) {
            String t = v.asText();
            // Ids and labels are written one a line (.ids.txt, .labels.txt) and compared as written.
            if (t.isBlank() || t.lines().count() != 1 || !t.equals(t.strip())) {
                throw new BadInputException(where + ": \"" + field + "\" must not be blank, span lines or have surrounding spaces");
            }
            return t;
        }
        throw new BadInputException(where + ": \"" + field + "\" must be a string or an integer");
    }

    /** Splits on '\n' and decodes each line strictly, so an invalid byte is reported with its line number. */
    private static List<String> decodeLines(Path file, byte[] bytes) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            start = 3;
        }
        int lineNo = 1;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            try {
                lines.add(utf8.decode(ByteBuffer.wrap(bytes, start, stop - start)).toString());
            } catch (CharacterCodingException e) {
                throw new BadInputException(file + ":" + lineNo + ": not valid UTF-8");
            }
            start = end + 1;
            lineNo++;
        }
        return lines;
    }
}
