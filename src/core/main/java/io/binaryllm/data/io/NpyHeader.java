package io.binaryllm.data.io;

import io.binaryllm.BadInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header of an {@code .npy} file (format versions 1.0, 2.0 and 3.0): the magic string, the version, the
 * header length (2 bytes in 1.0, 4 bytes after), then a Python dict literal with exactly the keys
 * {@code descr}, {@code fortran_order} and {@code shape}, padded with spaces and a newline so that the data starts
 * on a 64-byte boundary.
 *
 * @param dtype      element type
 * @param shape      dimensions (empty for a scalar)
 * @param dataOffset byte offset of the first element
 */
public record NpyHeader(NpyDtype dtype, long[] shape, long dataOffset) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy aligns the data to 64 bytes since 1.17; older writers used 16, which a reader must still accept. */
    private static final int ALIGN = 64;

    /** Elements the shape holds; the header check refuses a shape whose bytes do not fit in a long. */
    public long elementCount() {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    public long dataBytes() {
        return Math.multiplyExact(elementCount(), dtype.itemSize());
    }

    /** Whether the shape's bytes fit in a long (a header may claim any shape; no file holds 2^63 bytes). */
    private static boolean fits(long[] shape, int itemSize) {
        for (long s : shape) {
            if (s == 0) {
                return true;
            }
        }
        long n = itemSize;
        for (long s : shape) {
            if (n > Long.MAX_VALUE / s) {
                return false;
            }
            n *= s;
        }
        return true;
    }

    /**
     * Reads and validates the header of {@code source} (a path or URI, named in errors) from {@code channel}: a local
     * file's, or a stream's on another file system; the channel is left positioned anywhere.
     */
    public static NpyHeader read(Object source, SeekableByteChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        readAt(channel, prefix, 0);
        if (prefix.position() < 10 || !Arrays.equals(Arrays.copyOf(prefix.array(), 6), MAGIC)) {
            throw BadInputException.in(source, "not an .npy file (no \\x93NUMPY magic at the start)");
        }
        int major = prefix.get(6) & 0xff;
        int minor = prefix.get(7) & 0xff;
        long headerLength;
        int lengthFieldEnd;
        if (major == 1) {
            headerLength = prefix.getShort(8) & 0xffff;
            lengthFieldEnd = 10;
        } else if (major == 2 || major == 3) {
            if (prefix.position() < 12) {
                throw BadInputException.in(source, "truncated .npy header");
            }
            headerLength = prefix.getInt(8) & 0xffffffffL;
            lengthFieldEnd = 12;
        } else {
            throw BadInputException.in(source, "unsupported .npy format version " + major + "." + minor + " (1.0 to 3.0 are read)");
        }
        if (minor != 0) {
            throw BadInputException.in(source, "unsupported .npy format version " + major + "." + minor);
        }
        long dataOffset = lengthFieldEnd + headerLength;
        if (dataOffset > size) {
            throw BadInputException.in(source, "truncated .npy header: it claims " + headerLength + " bytes, the file has " + size);
        }
        if (headerLength > 1 << 20) {
            throw BadInputException.in(source, "implausible .npy header length " + headerLength);
        }
        ByteBuffer text = ByteBuffer.allocate((int) headerLength);
        readAt(channel, text, lengthFieldEnd);
        // Version 3 allows UTF-8 in the header (field names of structured types); 1 and 2 are latin-1.
        String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parseDict(source, dict, dataOffset);
    }

    /** Refuses a file of {@code size} bytes that is not exactly this header and its data: truncated, or with bytes after. */
    public void requireFileSize(Object source, long size) {
        long expected = dataOffset + dataBytes();
        if (size < expected) {
            throw BadInputException.in(source, "truncated: shape " + Arrays.toString(shape) + " of " + dtype.descr() + " needs "
                    + expected + " bytes, the file has " + size);
        }
        if (size > expected) {
            throw BadInputException.in(source, (size - expected) + " unexpected bytes after the data of shape " + Arrays.toString(shape));
        }
    }

    /** Fills {@code buffer} from {@code position} on, or up to the end of the channel. */
    private static void readAt(SeekableByteChannel channel, ByteBuffer buffer, long position) throws IOException {
        channel.position(position);
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
            // a stream may return fewer bytes than asked for
        }
    }

    private static NpyHeader parseDict(Object file, String text, long dataOffset) {
        Map<String, Object> dict;
        try {
            dict = new DictParser(text).parse();
        } catch (IllegalArgumentException e) {
            throw BadInputException.in(file, "malformed .npy header (" + e.getMessage() + "): " + text.strip());
        }
        if (!dict.keySet().equals(Set.of("descr", "fortran_order", "shape"))) {
            throw BadInputException.in(file, ".npy header must have the keys descr, fortran_order and shape, has " + dict.keySet());
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw BadInputException.in(file, "structured .npy dtype " + dict.get("descr") + " is not supported");
        }
        NpyDtype dtype = NpyDtype.fromDescr(descr).orElseThrow(() -> BadInputException.in(file, "unsupported dtype '" + descr
                + "'" + (descr.startsWith(">") ? " (big-endian; save it little-endian, e.g. arr.astype('<" + descr.substring(1) + "'))" : "")
                + "; supported: <f4 <f8 <f2 <u8 <i8 <i4 |u1"));
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw BadInputException.in(file, "fortran_order must be True or False");
        }
        if (fortran) {
            throw BadInputException.in(file, "Fortran-order arrays are not supported (save with np.ascontiguousarray)");
        }
        if (!(dict.get("shape") instanceof List<?> dims)) {
            throw BadInputException.in(file, "shape must be a tuple");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long dim) || dim < 0) {
                throw BadInputException.in(file, "shape entries must be non-negative integers, got " + dims);
            }
            shape[i] = dim;
        }
        if (!fits(shape, dtype.itemSize())) {
            throw BadInputException.in(file, "shape " + Arrays.toString(shape) + " of " + dtype.descr()
                    + " claims more bytes than any file holds");
        }
        return new NpyHeader(dtype, shape, dataOffset);
    }

    /** The header bytes for {@code dtype} and {@code shape}: version 1.0 when it fits, else 2.0. */
    public static byte[] encode(NpyDtype dtype, long... shape) {
        StringBuilder dims = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        dims.append(shape.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': " + dims + ", }";
        int version = dict.length() + 11 < 65536 ? 1 : 2;
        int prefix = version == 1 ? 10 : 12;
        int total = (prefix + dict.length() + 1 + ALIGN - 1) / ALIGN * ALIGN;
        String padded = dict + " ".repeat(total - prefix - dict.length() - 1) + "\n";
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            out.putShort((short) padded.length());
        } else {
            out.putInt(padded.length());
        }
        out.put(padded.getBytes(StandardCharsets.ISO_8859_1));
        return out.array();
    }

    @Override
    public String toString() {
        return "NpyHeader[" + dtype.descr() + ", shape=" + Arrays.toString(shape) + ", offset=" + dataOffset + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && h.dtype == dtype && Arrays.equals(h.shape, shape) && h.dataOffset == dataOffset;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Long.hashCode(dataOffset);
    }

    /** Just enough of Python's literal syntax for numpy headers: a dict of strings, booleans and int tuples. */
    private static final class DictParser {
        private final String s;
        private int pos;

        DictParser(String s) {
            this.s = s;
        }

        Map<String, Object> parse() {
            expect('{');
            Map<String, Object> out = new HashMap<>();
            while (!peekIs('}')) {
                Object key = value();
                if (!(key instanceof String name)) {
                    throw new IllegalArgumentException("dict keys must be strings");
                }
                expect(':');
                if (out.put(name, value()) != null) {
                    throw new IllegalArgumentException("duplicate key " + name);
                }
                if (!peekIs('}')) {
                    expect(',');
                }
            }
            expect('}');
            skipSpace();
            if (pos != s.length()) {
                throw new IllegalArgumentException("text after the dict");
            }
            return out;
        }

        private Object value() {
            skipSpace();
            if (pos >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            char c = s.charAt(pos);
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, pos + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated string");
                }
                String str = s.substring(pos + 1, end);
                pos = end + 1;
                return str;
            }
            if (c == '(') {
                pos++;
                List<Object> items = new ArrayList<>();
                while (!peekIs(')')) {
                    items.add(value());
                    if (!peekIs(')')) {
                        expect(',');
                    }
                }
                expect(')');
                return items;
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            int start = pos;
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '-')) {
                pos++;
            }
            // numpy 1.x on Windows wrote Python 2 longs such as "3L".
            String digits = s.substring(start, pos);
            if (pos < s.length() && s.charAt(pos) == 'L') {
                pos++;
            }
            if (digits.isEmpty()) {
                throw new IllegalArgumentException("unexpected '" + c + "'");
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad integer " + digits);
            }
        }

        private boolean peekIs(char c) {
            skipSpace();
            return pos < s.length() && s.charAt(pos) == c;
        }

        private void expect(char c) {
            if (!peekIs(c)) {
                throw new IllegalArgumentException("expected '" + c + "' at offset " + pos);
            }
            pos++;
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }
    }
}
