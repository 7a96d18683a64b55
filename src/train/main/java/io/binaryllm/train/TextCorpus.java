package io.binaryllm.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain text as the trainer reads it: a book's hard-wrapped lines joined into paragraphs (lines separated by blank
 * lines), runs of spaces and tabs made one space, one paragraph a line.
 */
public final class TextCorpus {
    private TextCorpus() {
    }

    /** {@code raw}'s paragraphs, each on one line and ended by a newline. */
    public static String paragraphs(String raw) {
        StringBuilder out = new StringBuilder();
        List<String> paragraph = new ArrayList<>();
        for (String line : raw.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1)) {
            String l = line.strip().replaceAll("[ \\t\\u00A0]+", " ");
            if (l.isEmpty()) {
                flush(paragraph, out);
            } else {
                paragraph.add(l);
            }
        }
        flush(paragraph, out);
        return out.toString();
    }

    private static void flush(List<String> paragraph, StringBuilder out) {
        if (!paragraph.isEmpty()) {
            out.append(String.join(" ", paragraph)).append('\n');
            paragraph.clear();
        }
    }
}
