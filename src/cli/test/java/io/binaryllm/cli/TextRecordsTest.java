package io.binaryllm.cli;

import io.binaryllm.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextRecordsTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    private Path file(String name, String text) throws Exception {
        return file(name, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void linesSkipBlankLinesAndKeepTheirLineNumbersAsIds() throws Exception {
        TextRecords r = TextRecords.read(file("t.txt", "\uFEFFfirst\r\n\n   \nsecond\nthird"), TextRecords.Format.lines);
        assertThat(r.texts()).containsExactly("first", "second", "third");
        assertThat(r.ids()).containsExactly("1", "4", "5");
        assertThat(r.skipped()).isEqualTo(2);
        assertThat(r.labels()).isEmpty();
    }

    @Test
    void invalidUtf8IsReportedWithItsLine() throws Exception {
        Path f = file("bad.txt", new byte[]{'o', 'k', '\n', 'b', (byte) 0xC3, '(', '\n'});
        assertThatThrownBy(() -> TextRecords.read(f, TextRecords.Format.lines))
                .isInstanceOf(BadInputException.class).hasMessage(f + ":2: not valid UTF-8");
    }

    @Test
    void jsonlReadsIdsTextsAndLabels() throws Exception {
        TextRecords r = TextRecords.read(file("t.jsonl", """
                {"id": "a", "text": "alpha", "label": "x", "extra": [1]}

                {"id": 7, "text": "beta", "label": "y"}
                {"text": "gamma", "label": "x"}
                """), TextRecords.Format.jsonl);
        assertThat(r.ids()).containsExactly("a", "7", "4");
        assertThat(r.texts()).containsExactly("alpha", "beta", "gamma");
        assertThat(r.labels()).contains(List.of("x", "y", "x"));
        assertThat(r.skipped()).isEqualTo(1);
        assertThat(r.labelClasses().orElseThrow().classOf()).containsExactly(0, 1, 0);
        assertThat(r.labelClasses().orElseThrow().names()).containsExactly("x", "y");
    }

    @Test
    void integerLabelsAreOrderedNumerically() throws Exception {
        TextRecords r = TextRecords.read(file("t.jsonl", """
                {"text": "a", "label": 10}
                {"text": "b", "label": 2}
                {"text": "c", "label": -1}
                """), TextRecords.Format.jsonl);
        assertThat(r.labelClasses().orElseThrow().names()).containsExactly("-1", "2", "10");
        assertThat(r.labelClasses().orElseThrow().classOf()).containsExactly(2, 1, 0);
    }

    @Test
    void malformedJsonlNamesTheLine() throws Exception {
        expectError("{\"text\": \"ok\"}\n{\"id\": 1}\n", ":2: no \"text\" field");
        expectError("{\"text\": 3}\n", ":1: \"text\" must be a string, not number");
        expectError("{\"text\": \"  \"}\n", ":1: \"text\" is blank");
        expectError("{\"text\": \"a\"}\n[1, 2]\n", ":2: expected a JSON object with a \"text\" field");
        expectError("{\"text\": \"a\"} {\"text\": \"b\"}\n", ":1: not JSON");
        expectError("{\"text\": \"a\", \"text\": \"b\"}\n", ":1: not JSON");
        expectError("{\"text\": \"a\"\n", ":1: not JSON");
        expectError("{\"id\": \"x\", \"text\": \"a\"}\n{\"id\": \"x\", \"text\": \"b\"}\n", ":2: id 'x' was already used on line 1");
        expectError("{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\"}\n", ":2: no \"label\", but earlier records have one");
        expectError("{\"text\": \"a\"}\n{\"text\": \"b\", \"label\": 1}\n", ":2: has a \"label\", but earlier records have none");
        expectError("{\"text\": \"a\", \"id\": \"two\\nlines\"}\n", ":1: \"id\" must not be blank, span lines or have surrounding spaces");
        expectError("{\"text\": \"a\", \"label\": 1.5}\n", ":1: \"label\" must be a string or an integer");
    }

    @Test
    void aFileWithoutTextsIsRefused() throws Exception {
        Path f = file("empty.txt", "\n\n");
        assertThatThrownBy(() -> TextRecords.read(f, TextRecords.Format.lines)).hasMessage(f + ": no texts (2 blank lines)");
        Path missing = dir.resolve("missing.txt");
        assertThatThrownBy(() -> TextRecords.read(missing, TextRecords.Format.lines)).hasMessage(missing + ": no such file");
    }

    @Test
    void formatFollowsTheExtension() {
        assertThat(TextRecords.formatOf(Path.of("a.JSONL"))).isEqualTo(TextRecords.Format.jsonl);
        assertThat(TextRecords.formatOf(Path.of("a.ndjson"))).isEqualTo(TextRecords.Format.jsonl);
        assertThat(TextRecords.formatOf(Path.of("a.txt"))).isEqualTo(TextRecords.Format.lines);
    }

    private void expectError(String content, String suffix) throws Exception {
        Path f = file("x" + System.nanoTime() + ".jsonl", content);
        assertThatThrownBy(() -> TextRecords.read(f, TextRecords.Format.jsonl))
                .isInstanceOf(BadInputException.class).message().startsWith(f + suffix);
    }
}
