package io.binaryllm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.binaryllm.kvcache.BertEncoder;
import io.binaryllm.kvcache.Gguf;
import io.binaryllm.kvcache.Llama2c;
import io.binaryllm.kvcache.Tokenizer;

import java.nio.file.Path;

import static io.binaryllm.fuzz.Refusals.answerOrRefuse;

/**
 * The readers of model files: GGUF (the model and its tokenizer), llama2.c checkpoints, llama2.c's tokenizer.bin and
 * ONNX exports. The seeds are a model of 8 dimensions, one layer and 260 tokens as {@code Gguf.write} and
 * {@code Llama2c.write} write it, its tokenizer, and an ONNX graph of one MatMul and its initializer.
 */
class ModelFilesFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void gguf(byte[] bytes) throws Exception {
        Path file = Scratch.write("x.gguf", bytes);
        answerOrRefuse(() -> Gguf.read(file));
        answerOrRefuse(() -> Gguf.readTokenizer(file).encode("a b\u00e9", true));
    }

    @FuzzTest(maxDuration = "10m")
    void llama2c(byte[] bytes) throws Exception {
        Path file = Scratch.write("x.bin", bytes);
        answerOrRefuse(() -> Llama2c.read(file));
    }

    @FuzzTest(maxDuration = "10m")
    void tokenizer(byte[] bytes) throws Exception {
        Path file = Scratch.write("tokenizer.bin", bytes);
        answerOrRefuse(() -> Tokenizer.read(file, 260).encode("a b\u00e9", true));
    }

    @FuzzTest(maxDuration = "10m")
    void onnx(byte[] bytes) throws Exception {
        Path file = Scratch.write("x.onnx", bytes);
        answerOrRefuse(() -> BertEncoder.readOnnx(file, 2));
    }
}
