package io.binaryllm.data.io;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NpyTest {
    @TempDir
    Path dir;

    /** A file written byte by byte as numpy would, header text and all, independent of {@link NpyHeader#encode}. */
    private Path npy(String name, int major, String dict, int align, byte[] data) throws Exception {
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.length() + 1 + align - 1) / align * align;
        String header = dict + " ".repeat(total - prefix - dict.length() - 1) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            len.putShort((short) header.length());
        } else {
            len.putInt(header.length());
        }
        out.write(len.array());
        out.write(header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
        out.write(data);
        Path p = dir.resolve(name);
        Files.write(p, out.toByteArray());
        return p;
    }

    private static byte[] floatsLe(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void readsEveryFormatVersionAndOldSixteenByteAlignment() throws Exception {
        byte[] data = floatsLe(1, 2, 3, 4, 5, 6);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        for (Path p : new Path[]{npy("v1.npy", 1, dict, 64, data), npy("v2.npy", 2, dict, 64, data),
                npy("v3.npy", 3, dict, 64, data), npy("old.npy", 1, dict, 16, data),
                npy("py2.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L)}", 16, data)}) {
            try (FloatEmbeddingBatch b = Npy.readFloats(p)) {
                assertThat(b.rows()).isEqualTo(2);
                assertThat(b.dims()).isEqualTo(3);
                assertThat(b.row(1)).containsExactly(4, 5, 6);
            }
        }
    }

    @Test
    void writesWhatNumpyWrites() throws Exception {
        // np.save of a (2, 3) float32 array (numpy 2.4) is exactly these 152 bytes: a 128-byte header, then the data.
        Path expected = npy("expected.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 64, floatsLe(1, 2, 3, 4, 5, 6));
        Path written = dir.resolve("written.npy");
        Npy.writeFloats(written, false, FloatEmbeddingBatch.of(new float[][]{{1, 2, 3}, {4, 5, 6}}));
        assertThat(Files.readAllBytes(written)).isEqualTo(Files.readAllBytes(expected));
        assertThat(Files.size(written)).isEqualTo(152);
    }

    @Test
    void oneDimensionalShapesGetTheTrailingComma() {
        assertThat(new String(NpyHeader.encode(NpyDtype.F8, 7), StandardCharsets.ISO_8859_1)).contains("'shape': (7,)");
    }

    @Test
    void convertsFloat64AndFloat16ToFloat32() throws Exception {
        ByteBuffer f8 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-2.5);
        try (FloatEmbeddingBatch b = Npy.readFloats(npy("f8.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", 64, f8.array()))) {
            assertThat(b.row(0)).containsExactly(0.1f, -2.5f);
        }
        // float16 1.0 = 0x3C00, -2.0 = 0xC000, smallest subnormal = 0x0001.
        ByteBuffer f2 = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 1);
        try (FloatEmbeddingBatch b = Npy.readFloats(npy("f2.npy", 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (3, 1), }", 64, f2.array()))) {
            assertThat(b.get(0, 0)).isEqualTo(1.0f);
            assertThat(b.get(1, 0)).isEqualTo(-2.0f);
            assertThat(b.get(2, 0)).isEqualTo(0x1p-24f);
        }
    }

    @Test
    void refusesFloat64BeyondFloat32RangeNamingRowAndColumn() throws Exception {
        ByteBuffer f8 = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putDouble(1).putDouble(2).putDouble(3).putDouble(1e300);
        Path p = npy("big.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", 64, f8.array());
        assertThatThrownBy(() -> Npy.readFloats(p)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(p.toString()).hasMessageContaining("row 1, column 1");
    }

    @Test
    void roundTripsCodesIntsLongsDoublesAndBytes() {
        long[] words = {-1L, 0x8000_0000_0000_0001L, 0, 42};
        Path codes = dir.resolve("codes.npy");
        Npy.writeCodes(codes, false, BinaryCodeBatch.ofWords(words, 2, 128));
        try (BinaryCodeBatch back = Npy.readCodes(codes)) {
            assertThat(back.rows()).isEqualTo(2);
            assertThat(back.words()).isEqualTo(2);
            assertThat(back.row(0)).containsExactly(-1L, 0x8000_0000_0000_0001L);
            assertThat(back.row(1)).containsExactly(0, 42);
        }
        Path ints = dir.resolve("i.npy");
        Npy.write(ints, false, NpyDtype.I4, Npy.le(new int[]{-7, 8, 9}), 3, 1);
        assertThat(Npy.readHeap(ints).ints()).containsExactly(-7, 8, 9);
        Path longs = dir.resolve("l.npy");
        Npy.write(longs, false, NpyDtype.I8, Npy.le(new long[]{1L << 40, -1}), 2);
        assertThat(Npy.readHeap(longs).longs()).containsExactly(1L << 40, -1);
        Path doubles = dir.resolve("d.npy");
        Npy.write(doubles, false, NpyDtype.F8, Npy.le(new double[]{Math.PI}), 1);
        assertThat(Npy.readHeap(doubles).doubles()).containsExactly(Math.PI);
        Path bytes = dir.resolve("b.npy");
        Npy.write(bytes, false, NpyDtype.U1, MemorySegment.ofArray(new byte[]{1, (byte) 255}), 1, 2);
        assertThat(Npy.readHeap(bytes).dtype()).isEqualTo(NpyDtype.U1);
        assertThat(new String(NpyHeader.encode(NpyDtype.U1, 1, 2), StandardCharsets.ISO_8859_1)).contains("'descr': '|u1'");
    }

    @Test
    void refusesForeignAndBrokenFilesNamingTheFile() throws Exception {
        String f4 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        Path truncated = npy("truncated.npy", 1, f4, 64, floatsLe(1, 2, 3, 4, 5));
        Path trailing = npy("trailing.npy", 1, f4, 64, floatsLe(1, 2, 3, 4, 5, 6, 7));
        Path fortran = npy("fortran.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 64, floatsLe(1, 2, 3, 4, 5, 6));
        Path bigEndian = npy("be.npy", 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", 64, floatsLe(1, 2, 3, 4, 5, 6));
        Path oneD = npy("1d.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", 64, floatsLe(1, 2, 3, 4, 5, 6));
        Path ints = npy("ints.npy", 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 64, floatsLe(1, 2, 3, 4, 5, 6));
        Path extraKey = npy("extra.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", 64, floatsLe(1, 2, 3, 4, 5, 6));
        Path garbled = npy("garbled.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3", 64, floatsLe(1, 2, 3, 4, 5, 6));
        Path version9 = npy("v9.npy", 1, f4, 64, floatsLe(1, 2, 3, 4, 5, 6));
        byte[] v9 = Files.readAllBytes(version9);
        v9[6] = 9;
        Files.write(version9, v9);
        Path text = dir.resolve("text.npy");
        Files.writeString(text, "id,x\n1,2\n");
        Path empty = dir.resolve("empty.npy");
        Files.write(empty, new byte[0]);

        assertBad(truncated, "truncated");
        assertBad(trailing, "unexpected bytes after the data");
        assertBad(fortran, "Fortran-order");
        assertBad(bigEndian, "big-endian");
        assertBad(oneD, "expected a 2-D array");
        assertBad(ints, "dtype <i4 cannot hold a float matrix");
        assertBad(extraKey, "must have the keys");
        assertBad(garbled, "malformed .npy header");
        assertBad(version9, "unsupported .npy format version 9.0");
        assertBad(text, "not an .npy file");
        assertBad(empty, "not an .npy file");
        assertBad(dir.resolve("missing.npy"), "no such file");
    }

    @Test
    void codesMustBeUint64WithAtLeastOneWord() throws Exception {
        Path f4 = npy("f.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", 64, floatsLe(1, 2));
        assertThatThrownBy(() -> Npy.readCodes(f4)).isInstanceOf(BadInputException.class).hasMessageContaining("expected <u8");
        Path none = npy("none.npy", 1, "{'descr': '<u8', 'fortran_order': False, 'shape': (3, 0), }", 64, new byte[0]);
        assertThatThrownBy(() -> Npy.readCodes(none)).isInstanceOf(BadInputException.class).hasMessageContaining("at least one 64-bit word");
    }

    private static void assertBad(Path file, String problem) {
        assertThatThrownBy(() -> Npy.readFloats(file)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(file.toString()).hasMessageContaining(problem);
    }

    @Test
    void headersAreValuesAndAlignTheDataTo64Bytes() throws Exception {
        for (long[] shape : new long[][]{{}, {0}, {7}, {3, 5}, {123456789012L, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}) {
            byte[] h = NpyHeader.encode(NpyDtype.F4, shape);
            assertThat(h.length % 64).as(Arrays.toString(shape)).isZero();
            assertThat(h[h.length - 1]).isEqualTo((byte) '\n');
            Path f = Files.write(dir.resolve("h.npy"), h);
            try (var ch = FileChannel.open(f)) {
                NpyHeader read = NpyHeader.read(f, ch);
                assertThat(read.dataOffset()).isEqualTo(h.length);
                assertThat(read.shape()).containsExactly(shape);
                NpyHeader same = new NpyHeader(NpyDtype.F4, shape.clone(), h.length);
                assertThat(read).isEqualTo(same).hasSameHashCodeAs(same).hasToString(same.toString());
                assertThat(read.toString()).contains("<f4").contains(Arrays.toString(shape));
                assertThat(read).isNotEqualTo(new NpyHeader(NpyDtype.F8, shape, h.length))
                        .isNotEqualTo(new NpyHeader(NpyDtype.F4, new long[]{99}, h.length))
                        .isNotEqualTo(new NpyHeader(NpyDtype.F4, shape, h.length + 64))
                        .isNotEqualTo("h");
            }
        }
    }

    @Test
    void shapesAtTheEdgeOfWhatAFileCanHold() throws Exception {
        // 2^60 8-byte words are 2^63 bytes, one more than a long holds; 2^59 words merely need a bigger file.
        Path over = Files.write(dir.resolve("over.npy"), NpyHeader.encode(NpyDtype.U8, new long[]{1L << 60}));
        assertThatThrownBy(() -> Npy.readHeap(over)).hasMessage(over + ": shape [1152921504606846976] of <u8 claims more bytes than any file holds");
        Path big = Files.write(dir.resolve("big.npy"), NpyHeader.encode(NpyDtype.U8, new long[]{1L << 59}));
        assertThatThrownBy(() -> Npy.readHeap(big)).hasMessageContaining(": truncated: shape [576460752303423488] of <u8 needs 4611686018427388032 bytes, the file has 128");
        // no element at all: any other dimension is fine
        Path empty = Files.write(dir.resolve("z.npy"), NpyHeader.encode(NpyDtype.U8, new long[]{0, Long.MAX_VALUE}));
        assertThat(Npy.readHeap(empty).length()).isZero();
        Path nine = Files.write(dir.resolve("nine.npy"), new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0});
        assertThatThrownBy(() -> Npy.readHeap(nine)).hasMessageContaining("not an .npy file");
    }

    @Test
    void heapArraysHandOutOnlyTheirOwnType() {
        Path f = dir.resolve("i.npy");
        Npy.write(f, false, NpyDtype.I4, Npy.le(new int[]{5, 6, 7}), 3);
        Npy.HeapArray a = Npy.readHeap(f);
        assertThat(a.length()).isEqualTo(3);
        assertThat(a.ints()).containsExactly(5, 6, 7);
        assertThatThrownBy(a::longs).isInstanceOf(IllegalStateException.class).hasMessageContaining("<i4");
        assertThatThrownBy(a::doubles).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(a::floats).isInstanceOf(IllegalStateException.class);
        Path g = dir.resolve("f.npy");
        Npy.write(g, false, NpyDtype.F4, MemorySegment.ofArray(new float[]{1.5f, 2}), 2);
        Npy.HeapArray b = Npy.readHeap(g);
        assertThat(b.floats()).containsExactly(1.5f, 2f);
        assertThat(b.length()).isEqualTo(2);
        assertThatThrownBy(b::ints).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMappingIsReleasedOnClose() {
        Path f = dir.resolve("m.npy");
        Npy.write(f, false, NpyDtype.U8, Npy.le(new long[]{1, 2, 3, 4}), 2, 2);
        Npy.Mapped m = Npy.map(f);
        assertThat(m.rows()).isEqualTo(2);
        assertThat(m.cols()).isEqualTo(2);
        m.close();
        assertThat(m.data().scope().isAlive()).isFalse();
        Npy.write(dir.resolve("one.npy"), false, NpyDtype.U8, Npy.le(new long[]{1, 2}), 2);
        try (Npy.Mapped one = Npy.map(dir.resolve("one.npy"))) {
            assertThat(one.cols()).isEqualTo(1);
        }
        var codes = Npy.readCodes(f);
        codes.close();
        assertThat(codes.segment().scope().isAlive()).isFalse();
    }

    @Test
    void differentHeadersHashDifferently() {
        NpyHeader a = new NpyHeader(NpyDtype.F4, new long[]{3, 5}, 128);
        assertThat(a.hashCode()).isNotZero()
                .isNotEqualTo(new NpyHeader(NpyDtype.F8, new long[]{3, 5}, 128).hashCode())
                .isNotEqualTo(new NpyHeader(NpyDtype.F4, new long[]{5, 3}, 128).hashCode())
                .isNotEqualTo(new NpyHeader(NpyDtype.F4, new long[]{3, 5}, 192).hashCode());
    }

    @Test
    void dtypesSayWhetherTheyAreFloats() {
        for (NpyDtype t : NpyDtype.values()) {
            assertThat(t.isFloat()).as(t.descr()).isEqualTo(t.descr().contains("f"));
            assertThat(NpyDtype.fromDescr(t.descr())).contains(t);
        }
        assertThat(NpyDtype.fromDescr("<u1")).contains(NpyDtype.U1);
        assertThat(NpyDtype.fromDescr("<i1")).contains(NpyDtype.I1);
        assertThat(NpyDtype.fromDescr(">f4")).isEmpty();
    }

    @Test
    void embeddingFilesAreReadByTheirExtension() throws Exception {
        float[][] rows = {{1, 2}, {3, 4}};
        Path npy = dir.resolve("e.npy");
        Npy.writeFloats(npy, false, FloatEmbeddingBatch.of(rows));
        ByteBuffer fv = ByteBuffer.allocate(2 * 12).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer bv = ByteBuffer.allocate(2 * 6).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] r : rows) {
            fv.putInt(2).putFloat(r[0]).putFloat(r[1]);
            bv.putInt(2).put((byte) r[0]).put((byte) r[1]);
        }
        Path fvecs = Files.write(dir.resolve("e.FVECS"), fv.array());
        Path bvecs = Files.write(dir.resolve("e.bvecs"), bv.array());
        for (Path f : new Path[]{npy, fvecs, bvecs}) {
            try (FloatEmbeddingBatch x = EmbeddingFiles.read(f)) {
                assertThat(x.row(1)).as(f.toString()).containsExactly(3, 4);
                assertThat(x.get(1, 0)).isEqualTo(3);
                assertThat(x.source()).isEqualTo(f.toString());
            }
        }
        Path bad = Files.write(dir.resolve("short.bvecs"), new byte[]{2, 0, 0, 0, 1});
        assertThatThrownBy(() -> EmbeddingFiles.read(bad)).hasMessageContaining("not .bvecs: 5 bytes is not a whole number of 6-byte rows");
        assertThatThrownBy(() -> EmbeddingFiles.read(dir.resolve("e.txt"))).hasMessageContaining("unknown embedding file type");
    }
}
