package io.binaryllm.data.io;

import io.binaryllm.BadInputException;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.data.Qrels;
import io.binaryllm.internal.io.FileKinds;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TREC qrels files: lines {@code qid iter docid rel} (the iteration column is ignored, as trec_eval does), strict
 * UTF-8, a document judged at most once per query; every error names the file and line.
 */
public final class QrelsFiles {
    private QrelsFiles() {
    }

    public static Qrels read(Path file) {
        FileKinds.requireRegularFile(file);
        List<String> lines;
        try {
            MemoryBudget.requireHeap(MemoryBudget.bytes(Files.size(file), 3), file, "its judgments");
            lines = List.of(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString().split("\n", -1));
        } catch (CharacterCodingException e) {
            throw BadInputException.in(file, "not valid UTF-8");
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + FileKinds.reason(e));
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
}
