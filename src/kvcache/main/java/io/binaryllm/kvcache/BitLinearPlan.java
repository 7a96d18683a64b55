package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which of a Llama decoder's seven projections are low-bit, and how: BitNet b1.58's layers ({@link Kind#TERNARY}:
 * absmean ternary weights, one scale a matrix, against the input quantized to int8 per token), binary weights against
 * int8 inputs ({@link Kind#BINARY}) or against sign-bit inputs ({@link Kind#BINARY_SIGNS}, XNOR-popcount), or float.
 * Activations are quantized where BitNet quantizes them: at the input of every low-bit projection (the normed
 * residual for q, k, v, gate and up; attention's output for o; the SwiGLU product for down). Norms, rotary positions,
 * attention and the residual stay in float. The embedding and the classifier are float or int8 (one absmax scale a
 * row, the values rounded to the int8 grid and multiplied in float).
 *
 * @param kinds          every projection's kind
 * @param int8Embedding  whether the token embeddings are rounded to int8 a row
 * @param int8Classifier whether the classifier's rows are (when it is not the embedding itself)
 */
public record BitLinearPlan(Map<Projection, Kind> kinds, boolean int8Embedding, boolean int8Classifier) {
    /** The seven projections of a Llama layer. */
    public enum Projection {
        Q, K, V, O, GATE, UP, DOWN;

        /** The spelling in a plan: {@code q}, {@code gate}, ... */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a projection computes. */
    public enum Kind {
        FLOAT, TERNARY, BINARY, BINARY_SIGNS;

        /** The spelling in a plan: {@code float}, {@code ternary}, {@code binary}, {@code binary-signs}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public BitLinearPlan {
        if (kinds == null || kinds.size() != Projection.values().length || kinds.containsKey(null) || kinds.containsValue(null)) {
            throw new BadArgumentException("kinds", "a plan names a kind for each of the 7 projections, got " + kinds);
        }
        kinds = Map.copyOf(kinds);
    }

    /** Every projection float, the embedding and classifier too: the float decoder. */
    public static BitLinearPlan allFloat() {
        return uniform(Kind.FLOAT);
    }

    /** Every projection of {@code kind}, the embedding and classifier float. */
    public static BitLinearPlan uniform(Kind kind) {
        Map<Projection, Kind> m = new EnumMap<>(Projection.class);
        for (Projection p : Projection.values()) {
            m.put(p, kind);
        }
        return new BitLinearPlan(m, false, false);
    }

    /** The kind of {@code p}. */
    public Kind kind(Projection p) {
        return kinds.get(p);
    }

    /** Whether any projection, the embedding or the classifier is not float. */
    public boolean isLowBit() {
        return int8Embedding || int8Classifier || kinds.values().stream().anyMatch(k -> k != Kind.FLOAT);
    }

    /**
     * Reads a plan: comma-separated {@code target=kind} in order, later ones overriding earlier ones. Targets are the
     * projections ({@code q k v o gate up down}), {@code attention} (q, k, v, o), {@code mlp} (gate, up, down),
     * {@code all}, {@code embedding} and {@code classifier}; kinds are {@code float ternary binary binary-signs} for
     * projections and {@code float int8} for the embedding and classifier. Unnamed projections are float. Examples:
     * {@code all=ternary}; {@code all=binary-signs,down=binary}; {@code mlp=ternary,embedding=int8}.
     */
    public static BitLinearPlan parse(String text) {
        if (text == null || text.isBlank()) {
            throw new BadArgumentException("plan", "a plan is target=kind pairs, e.g. all=ternary; got an empty one");
        }
        Map<Projection, Kind> m = new EnumMap<>(allFloat().kinds);
        boolean embedding = false;
        boolean classifier = false;
        for (String part : text.split(",", -1)) {
            String[] kv = part.strip().split("=", -1);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new BadArgumentException("plan", "'" + part.strip() + "' is not target=kind (e.g. all=ternary)");
            }
            String target = kv[0].strip().toLowerCase(Locale.ROOT);
            String kind = kv[1].strip().toLowerCase(Locale.ROOT);
            switch (target) {
                case "embedding" -> embedding = int8(kind, target);
                case "classifier" -> classifier = int8(kind, target);
                case "all" -> set(m, kind(kind), Projection.values());
                case "attention" -> set(m, kind(kind), Projection.Q, Projection.K, Projection.V, Projection.O);
                case "mlp" -> set(m, kind(kind), Projection.GATE, Projection.UP, Projection.DOWN);
                default -> set(m, kind(kind), projection(target));
            }
        }
        return new BitLinearPlan(m, embedding, classifier);
    }

    private static void set(Map<Projection, Kind> m, Kind kind, Projection... ps) {
        for (Projection p : ps) {
            m.put(p, kind);
        }
    }

    private static Projection projection(String target) {
        for (Projection p : Projection.values()) {
            if (p.key().equals(target)) {
                return p;
            }
        }
        throw new BadArgumentException("plan", "unknown target '" + target + "': q, k, v, o, gate, up, down, attention, mlp, all, embedding or classifier");
    }

    private static Kind kind(String kind) {
        for (Kind k : Kind.values()) {
            if (k.key().equals(kind)) {
                return k;
            }
        }
        throw new BadArgumentException("plan", "unknown kind '" + kind + "': float, ternary, binary or binary-signs");
    }

    private static boolean int8(String kind, String target) {
        return switch (kind) {
            case "int8" -> true;
            case "float" -> false;
            default -> throw new BadArgumentException("plan", "the " + target + " is float or int8, got '" + kind + "'");
        };
    }

    /** The plan in {@link #parse}'s syntax, every projection named: parses back to an equal plan. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (Projection p : Projection.values()) {
            s.append(s.isEmpty() ? "" : ",").append(p.key()).append('=').append(kind(p).key());
        }
        return s.append(",embedding=").append(int8Embedding ? "int8" : "float")
                .append(",classifier=").append(int8Classifier ? "int8" : "float").toString();
    }

    /**
     * The plan in the fewest pairs {@link #parse} reads back to it: {@code all=KIND} for the projections' most common
     * kind (float left unsaid), then the projections that differ, then an int8 embedding or classifier;
     * {@code all=float} for the float decoder. {@code all=binary-signs,down=binary} for the binary arm.
     */
    public String toShortString() {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        for (Projection p : Projection.values()) {
            counts.merge(kind(p), 1, Integer::sum);
        }
        Kind common = Kind.FLOAT;
        for (Kind k : Kind.values()) { // the most common kind, float on a tie
            if (counts.getOrDefault(k, 0) > counts.getOrDefault(common, 0)) {
                common = k;
            }
        }
        StringBuilder s = new StringBuilder(common == Kind.FLOAT ? "" : "all=" + common.key());
        for (Projection p : Projection.values()) {
            if (kind(p) != common) {
                s.append(s.isEmpty() ? "" : ",").append(p.key()).append('=').append(kind(p).key());
            }
        }
        if (int8Embedding) {
            s.append(s.isEmpty() ? "" : ",").append("embedding=int8");
        }
        if (int8Classifier) {
            s.append(s.isEmpty() ? "" : ",").append("classifier=int8");
        }
        return s.isEmpty() ? "all=float" : s.toString();
    }

}
