package io.binaryllm.data.io;

import io.binaryllm.BadInputException;
import io.binaryllm.data.FloatEmbeddingBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VecsFilesTest {
    @TempDir
    Path dir;

    private Path write(String name, ByteBuffer b) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, Arrays.copyOf(b.array(), b.position()));
        return p;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void readsFvecsBvecsAndIvecs() throws Exception {
        Path f = write("a.fvecs", le(64).putInt(2).putFloat(1.5f).putFloat(-2f).putInt(2).putFloat(0f).putFloat(3f));
        try (FloatEmbeddingBatch b = VecsFiles.readFvecs(f)) {
            assertThat(b.rows()).isEqualTo(2);
            assertThat(b.row(0)).containsExactly(1.5f, -2f);
            assertThat(b.row(1)).containsExactly(0f, 3f);
        }
        Path bv = write("a.bvecs", le(64).putInt(3).put((byte) 0).put((byte) 200).put((byte) 255));
        try (FloatEmbeddingBatch b = EmbeddingFiles.read(bv)) {
            assertThat(b.row(0)).containsExactly(0f, 200f, 255f);
        }
        Path iv = write("gt.ivecs", le(64).putInt(2).putInt(7).putInt(-1).putInt(2).putInt(3).putInt(4));
        assertThat(VecsFiles.readIvecs(iv)).isDeepEqualTo(new int[][]{{7, -1}, {3, 4}});
    }

    @Test
    void refusesTruncatedAndInconsistentFiles() throws Exception {
        Path truncated = write("t.fvecs", le(64).putInt(2).putFloat(1).putFloat(2).putInt(2).putFloat(1));
        Path mixed = write("m.fvecs", le(64).putInt(2).putFloat(1).putFloat(2).putInt(1).putFloat(1).putFloat(0));
        Path negative = write("n.fvecs", le(64).putInt(-3).putFloat(1));
        assertThatThrownBy(() -> VecsFiles.readFvecs(truncated)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(truncated.toString()).hasMessageContaining("truncated");
        assertThatThrownBy(() -> VecsFiles.readFvecs(mixed)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("row 1 declares dimension 1, row 0 declares 2");
        assertThatThrownBy(() -> VecsFiles.readFvecs(negative)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("declares dimension -3");
        Path csv = dir.resolve("x.csv");
        Files.writeString(csv, "1,2");
        assertThatThrownBy(() -> EmbeddingFiles.read(csv)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("unknown embedding file type");
    }
}
