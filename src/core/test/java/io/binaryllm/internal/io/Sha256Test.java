package io.binaryllm.internal.io;

import io.binaryllm.internal.io.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class Sha256Test {
    @TempDir
    Path dir;

    /** FIPS 180-2's test vectors: "abc", the empty message, and a file larger than one read buffer. */
    @Test
    void digestsMatchTheStandardsVectors() throws Exception {
        assertThat(Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Sha256.hex(new byte[0])).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Sha256.digest("abc".getBytes(StandardCharsets.US_ASCII))).hasSize(32).startsWith((byte) 0xba, (byte) 0x78);
        byte[] million = "a".repeat(1_000_000).getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(dir.resolve("a"), million);
        assertThat(Sha256.hex(file)).isEqualTo("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        assertThat(Sha256.hex(million)).isEqualTo(Sha256.hex(file));
        assertThat(Sha256.hex(Files.write(dir.resolve("empty"), new byte[0]))).isEqualTo(Sha256.hex(new byte[0]));
    }
}
