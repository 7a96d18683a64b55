package io.binaryllm.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.binaryllm.fuzz.Scratch;

import java.nio.file.Path;

import static io.binaryllm.fuzz.Refusals.answerOrRefuse;

/** {@code embed}'s inputs: lines of text and JSON lines, with their ids and label classes. */
class TextRecordsFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void lines(byte[] bytes) throws Exception {
        Path file = Scratch.write("texts.txt", bytes);
        answerOrRefuse(() -> TextRecords.read(file, TextRecords.Format.lines).labelClasses());
    }

    @FuzzTest(maxDuration = "10m")
    void jsonl(byte[] bytes) throws Exception {
        Path file = Scratch.write("texts.jsonl", bytes);
        answerOrRefuse(() -> TextRecords.read(file, TextRecords.Format.jsonl).labelClasses());
    }
}
