package io.binaryllm.runner.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.FileKinds;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code events.jsonl}: one JSON object a line, {"ms": since start, "event": name, ...fields}, flushed per line. */
final class EventLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final BufferedWriter out;
    private final long start = System.nanoTime();

    EventLog(Path file) {
        this.file = file;
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    void log(String event, Object... keyValues) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ms", (System.nanoTime() - start) / 1_000_000);
        line.put("event", event);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
        }
        try {
            out.write(JSON.writeValueAsString(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private BadInputException failure(IOException e) {
        return BadInputException.in(file, "cannot write: " + FileKinds.reason(e));
    }
}
