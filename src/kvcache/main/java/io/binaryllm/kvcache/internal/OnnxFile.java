package io.binaryllm.kvcache.internal;

import io.binaryllm.BadInputException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model (protobuf) a weight reader needs, walked by hand: the graph's float initializers (name,
 * dimensions, values from raw_data or float_data) and its nodes (operator, inputs, outputs). Fields it does not know
 * are skipped; a malformed message is refused naming the file and the byte.
 */
public final class OnnxFile {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A graph node. */
    public record Node(String op, List<String> inputs, List<String> outputs) {
    }

    /** A float initializer. */
    public record Tensor(String name, long[] dims, float[] values) {
    }

    private final Path file;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();

    private OnnxFile(Path file) {
        this.file = file;
    }

    public static OnnxFile parse(Path file, MemorySegment data) {
        OnnxFile f = new OnnxFile(file);
        Cursor model = new Cursor(f, data, 0, data.byteSize());
        while (model.more()) {
            int key = model.key();
            if (key >>> 3 == 7 && (key & 7) == 2) { // ModelProto.graph
                f.graph(model.message());
            } else {
                model.skip(key);
            }
        }
        return f;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public List<Node> nodes() {
        return nodes;
    }

    private void graph(Cursor g) {
        while (g.more()) {
            int key = g.key();
            switch (key) {
                case (1 << 3) | 2 -> node(g.message());
                case (5 << 3) | 2 -> tensor(g.message());
                default -> g.skip(key);
            }
        }
    }

    private void node(Cursor n) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String op = null;
        while (n.more()) {
            int key = n.key();
            switch (key) {
                case (1 << 3) | 2 -> in.add(n.string());
                case (2 << 3) | 2 -> out.add(n.string());
                case (4 << 3) | 2 -> op = n.string();
                default -> n.skip(key);
            }
        }
        nodes.add(new Node(op, in, out));
    }

    private void tensor(Cursor t) {
        List<Long> dims = new ArrayList<>();
        String name = null;
        int type = 0;
        MemorySegment raw = null;
        List<Float> floats = new ArrayList<>();
        while (t.more()) {
            int key = t.key();
            switch (key) {
                case (1 << 3) -> dims.add(t.varint());
                case (1 << 3) | 2 -> {
                    Cursor packed = t.message();
                    while (packed.more()) {
                        dims.add(packed.varint());
                    }
                }
                case (2 << 3) -> type = (int) t.varint();
                case (4 << 3) | 2 -> {
                    Cursor packed = t.message();
                    while (packed.more()) {
                        floats.add(packed.f32());
                    }
                }
                case (8 << 3) | 2 -> name = t.string();
                case (9 << 3) | 2 -> raw = t.bytes();
                default -> t.skip(key);
            }
        }
        if (type != 1 || name == null) {
            return; // only float tensors are weights here (int64 position ids and the like are not)
        }
        // The dimensions come from the file: checked against the values it holds before anything is allocated.
        long count = 1;
        for (long d : dims) {
            if (d < 0 || (d > 0 && count > Integer.MAX_VALUE / d)) {
                throw BadInputException.in(file, "initializer " + name + " has dimensions " + dims + ": more floats than a tensor here holds");
            }
            count *= d;
        }
        if (raw != null && raw.byteSize() != count * 4) {
            throw BadInputException.in(file, "initializer " + name + " has " + raw.byteSize() + " bytes for " + count + " floats");
        }
        if (raw == null && floats.size() != count) {
            throw BadInputException.in(file, "initializer " + name + " has " + floats.size() + " floats for dimensions " + dims);
        }
        float[] values = new float[(int) count];
        if (raw != null) {
            MemorySegment.copy(raw, F32, 0, values, 0, values.length);
        } else {
            for (int i = 0; i < values.length; i++) {
                values[i] = floats.get(i);
            }
        }
        tensors.put(name, new Tensor(name, dims.stream().mapToLong(Long::longValue).toArray(), values));
    }

    /** A protobuf message's bytes [at, end). */
    private static final class Cursor {
        private final OnnxFile owner;
        private final MemorySegment data;
        private long at;
        private final long end;

        Cursor(OnnxFile owner, MemorySegment data, long at, long end) {
            this.owner = owner;
            this.data = data;
            this.at = at;
            this.end = end;
        }

        boolean more() {
            return at < end;
        }

        int key() {
            return (int) varint();
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at >= end) {
                    throw BadInputException.in(owner.file, "malformed protobuf: a number runs past byte " + end);
                }
                byte b = data.get(ValueLayout.JAVA_BYTE, at++);
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw BadInputException.in(owner.file, "malformed protobuf: a number longer than 10 bytes at byte " + at);
        }

        float f32() {
            need(4);
            float v = data.get(F32, at);
            at += 4;
            return v;
        }

        Cursor message() {
            long len = varint();
            need(len);
            Cursor c = new Cursor(owner, data, at, at + len);
            at += len;
            return c;
        }

        MemorySegment bytes() {
            long len = varint();
            need(len);
            MemorySegment s = data.asSlice(at, len);
            at += len;
            return s;
        }

        String string() {
            return new String(bytes().toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }

        void skip(int key) {
            switch (key & 7) {
                case 0 -> varint();
                case 1 -> {
                    need(8);
                    at += 8;
                }
                case 2 -> bytes();
                case 5 -> {
                    need(4);
                    at += 4;
                }
                default -> throw BadInputException.in(owner.file, "malformed protobuf: wire type " + (key & 7) + " at byte " + at);
            }
        }

        private void need(long n) {
            if (n < 0 || n > end - at) { // not at + n, which a length near 2^63 overflows
                throw BadInputException.in(owner.file, "malformed protobuf: " + n + " bytes at byte " + at + " run past " + end);
            }
        }
    }
}
