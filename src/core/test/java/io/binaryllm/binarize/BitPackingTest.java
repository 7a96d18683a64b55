package io.binaryllm.binarize;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BitPackingTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 5, 8, 9, 63, 64, 65, 200})
    void byteLayoutsMatchNumpyPackbitsInBothOrders(int bits) {
        int[][] rows = CodeGen.random(bits, 9, bits);
        BinaryCodeBatch codes = Oracle.codes(rows, bits);
        int perRow = (bits + 7) / 8;
        byte[] msb = BitPacking.toBytes(codes, true);
        byte[] lsb = BitPacking.toBytes(codes, false);
        assertThat(msb).hasSize(rows.length * perRow);
        for (int r = 0; r < rows.length; r++) {
            for (int j = 0; j < bits; j++) {
                // numpy.packbits default (bitorder='big'): dimension j is bit 7 - j % 8 of byte j / 8.
                assertThat((msb[r * perRow + j / 8] >> (7 - j % 8)) & 1).isEqualTo(rows[r][j]);
                assertThat((lsb[r * perRow + j / 8] >> (j % 8)) & 1).isEqualTo(rows[r][j]);
            }
        }
        assertThat(BitPacking.fromBytes(msb, rows.length, bits, true, "x").segment().mismatch(codes.segment())).isEqualTo(-1);
        assertThat(BitPacking.fromBytes(lsb, rows.length, bits, false, "x").segment().mismatch(codes.segment())).isEqualTo(-1);
        assertThat(BitPacking.unpack(codes.row(3), bits)).containsExactly(rows[3]);
        assertThat(BitPacking.pack(rows[3])).containsExactly(codes.row(3));
    }

    @Test
    void paddingBitsMustBeZero() {
        assertThatThrownBy(() -> BinaryCodeBatch.ofWords(new long[]{0, 1L << 63}, 2, 63)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("row 1 has nonzero padding bits beyond bit 62");
        assertThatThrownBy(() -> BitPacking.fromBytes(new byte[]{(byte) 0xFF}, 1, 5, true, "u.npy"))
                .hasMessageContaining("u.npy: row 0 has nonzero padding bits");
        BinaryCodeBatch wide = BinaryCodeBatch.ofWords(new long[]{0b111, 1L << 40}, 2, 64);
        assertThat(wide.withBits(41).bits()).isEqualTo(41);
        assertThatThrownBy(() -> wide.withBits(40)).hasMessageContaining("row 1 has nonzero padding bits beyond bit 39");
        assertThatThrownBy(() -> wide.withBits(65)).hasMessageContaining("need 2 words a row, the codes have 1");
    }
}
