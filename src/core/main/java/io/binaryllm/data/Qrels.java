package io.binaryllm.data;

import io.binaryllm.BadInputException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Relevance judgments: query id -> (document id -> grade). Read from TREC qrels lines {@code qid iter docid rel}
 * (the iteration column is ignored, as trec_eval does). A grade above 0 means relevant; 0 and negative grades are
 * judged non-relevant and add no gain.
 */
public final class Qrels {
    private final Map<String, Map<String, Integer>> judgments;

    public Qrels(Map<String, Map<String, Integer>> judgments) {
        Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
        judgments.forEach((q, docs) -> copy.put(q, Collections.unmodifiableMap(new LinkedHashMap<>(docs))));
        this.judgments = Collections.unmodifiableMap(copy);
    }

    public static Qrels read(Path file) {
        List<String> lines;
        try {
            lines = List.of(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString().split("\n", -1));
        } catch (NoSuchFileException e) {
            throw BadInputException.in(file, "no such file");
        } catch (CharacterCodingException e) {
            throw BadInputException.in(file, "not valid UTF-8");
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + e.getMessage());
        }
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            String where = file + ":" + (i + 1);
            if (f.length != 4) {
                throw new BadInputException(where + ": expected 'qid iter docid rel', got " + f.length + " fields");
            }
            int grade;
            try {
                grade = Integer.parseInt(f[3]);
            } catch (NumberFormatException e) {
                throw new BadInputException(where + ": relevance '" + f[3] + "' is not an integer");
            }
            if (out.computeIfAbsent(f[0], q -> new LinkedHashMap<>()).put(f[2], grade) != null) {
                throw new BadInputException(where + ": query " + f[0] + " judges document " + f[2] + " twice");
            }
        }
        return new Qrels(out);
    }

    /** The judged documents of {@code queryId} (empty if it has none). */
    public Map<String, Integer> judged(String queryId) {
        return judgments.getOrDefault(queryId, Map.of());
    }

    public Map<String, Map<String, Integer>> all() {
        return judgments;
    }

    /** Number of documents graded above 0 for {@code queryId}. */
    public long relevantCount(String queryId) {
        return judged(queryId).values().stream().filter(g -> g > 0).count();
    }
}
