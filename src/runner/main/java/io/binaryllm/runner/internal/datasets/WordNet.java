package io.binaryllm.runner.internal.datasets;

import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.FileKinds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the synsets of a WordNet 3.0 database ({@code data.noun}, {@code data.verb}, {@code data.adj},
 * {@code data.adv}; format in wndb(5WN)): each synset's words, its lexicographer file (one of 45 coarse classes such
 * as noun.animal or verb.motion, numbered as in lexnames(5WN)) and its gloss split into the definition and the
 * quoted usage examples. Debian's {@code wordnet-base} installs the database in {@link #DEBIAN_DIR}.
 */
public final class WordNet {
    public static final Path DEBIAN_DIR = Path.of("/usr/share/wordnet");
    private static final List<String> POS_FILES = List.of("noun", "verb", "adj", "adv");

    /**
     * One synset.
     *
     * @param key        part of speech letter and byte offset, e.g. {@code n02084071}: unique in the database
     * @param lexFile    lexicographer file number, 0..44
     * @param words      its lemmas, underscores turned into spaces and adjective markers such as (a) dropped
     * @param definition the gloss without its examples
     */
    public record Synset(String key, int lexFile, List<String> words, String definition) {
        public Synset {
            words = List.copyOf(words);
        }
    }

    private WordNet() {
    }

    /** The database directory: {@code $BINARYLLM_WORDNET} if set, else Debian's. */
    public static Path dir() {
        String own = System.getenv("BINARYLLM_WORDNET");
        return own != null && !own.isBlank() ? Path.of(own) : DEBIAN_DIR;
    }

    /** Fails with how to get the database when it is missing. */
    public static void requireInstalled(Path dir) {
        for (String pos : POS_FILES) {
            if (!Files.isRegularFile(dir.resolve("data." + pos))) {
                throw BadInputException.in(dir.resolve("data." + pos), "not found: the WordNet datasets need WordNet 3.0"
                        + " (Debian: apt-get install wordnet-base; elsewhere set BINARYLLM_WORDNET to its dict/ folder)");
            }
        }
    }

    /** Every synset with a non-empty definition, in file order (nouns, verbs, adjectives, adverbs). */
    public static List<Synset> read(Path dir) {
        requireInstalled(dir);
        List<Synset> out = new ArrayList<>();
        for (String pos : POS_FILES) {
            Path file = dir.resolve("data." + pos);
            List<String> lines;
            FileKinds.requireRegularFile(file, 1L << 30, "a WordNet data file");
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw BadInputException.in(file, "no such file");
            } catch (IOException e) {
                throw BadInputException.in(file, "cannot read: " + FileKinds.reason(e));
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("  ") || line.isBlank()) {
                    continue; // the licence header
                }
                Synset s = parse(file + ":" + (i + 1), line);
                if (!s.definition().isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** {@code offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] [frames...] | gloss}. */
    static Synset parse(String where, String line) {
        int bar = line.indexOf(" | ");
        String[] f = (bar < 0 ? line : line.substring(0, bar)).split(" ");
        try {
            int lexFile = Integer.parseInt(f[1]);
            char type = f[2].charAt(0);
            int wordCount = Integer.parseInt(f[3], 16);
            List<String> words = new ArrayList<>(wordCount);
            for (int w = 0; w < wordCount; w++) {
                words.add(f[4 + 2 * w].replaceFirst("\\([a-z]+\\)$", "").replace('_', ' '));
            }
            char pos = type == 's' ? 'a' : type; // satellite adjectives live in data.adj with the others
            String gloss = bar < 0 ? "" : line.substring(bar + 3).strip();
            return new Synset(pos + f[0], lexFile, words, definition(gloss));
        } catch (RuntimeException e) {
            throw new BadInputException(where + ": not a WordNet data line (" + e.getMessage() + ")");
        }
    }

    /** The gloss up to its first quoted example: {@code def; "example"; "example"} -> {@code def}. */
    static String definition(String gloss) {
        int quote = gloss.indexOf('"');
        String d = quote < 0 ? gloss : gloss.substring(0, quote);
        return d.strip().replaceFirst("[;:,]+$", "").strip();
    }
}
