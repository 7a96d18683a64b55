package io.binaryllm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.QrelsFiles;
import io.binaryllm.data.io.VecsFiles;

import java.nio.file.Path;

import static io.binaryllm.fuzz.Refusals.answerOrRefuse;

/** The binary readers of outside data: {@code .npy} (as codes, floats and heap arrays), TEXMEX vectors, TREC qrels. */
class BinaryFilesFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void npy(byte[] bytes) throws Exception {
        Path file = Scratch.write("x.npy", bytes);
        answerOrRefuse(() -> {
            try (BinaryCodeBatch codes = Npy.readCodes(file)) {
                codes.withBits(codes.bits() - 1); // checks the padding of one bit fewer
            }
        });
        answerOrRefuse(() -> {
            try (FloatEmbeddingBatch floats = Npy.readFloats(file)) {
                floats.requireFinite();
            }
        });
        answerOrRefuse(() -> Npy.readHeap(file));
    }

    @FuzzTest(maxDuration = "10m")
    void vecs(byte[] bytes) throws Exception {
        Path fvecs = Scratch.write("x.fvecs", bytes);
        Path bvecs = Scratch.write("x.bvecs", bytes);
        Path ivecs = Scratch.write("x.ivecs", bytes);
        answerOrRefuse(() -> {
            try (FloatEmbeddingBatch floats = VecsFiles.readFvecs(fvecs)) {
                floats.requireFinite();
            }
        });
        answerOrRefuse(() -> VecsFiles.readBvecs(bvecs).close());
        answerOrRefuse(() -> VecsFiles.readIvecs(ivecs));
    }

    @FuzzTest(maxDuration = "10m")
    void qrels(byte[] bytes) throws Exception {
        Path file = Scratch.write("x.qrels", bytes);
        answerOrRefuse(() -> QrelsFiles.read(file));
    }
}
