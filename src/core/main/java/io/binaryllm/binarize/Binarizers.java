package io.binaryllm.binarize;

import io.binaryllm.BadArgumentException;
import io.binaryllm.seed.Seeds;

import java.util.List;

/** Binarizers by name, as configs and the command line spell them. */
public final class Binarizers {
    /** The names {@link #create} accepts. */
    public static final List<String> NAMES = List.of("sign", "scaled-sign", "hyperplane");

    private Binarizers() {
    }

    /**
     * @param bits  the code length for {@code hyperplane} (required there); for {@code sign} and
     *              {@code scaled-sign} it must be absent, since they keep one bit per dimension
     */
    public static Binarizer create(String name, Integer bits, Seeds seeds) {
        return switch (name) {
            case "sign", "scaled-sign" -> {
                if (bits != null) {
                    throw new BadArgumentException("bits", name + " keeps one bit per input dimension; bits apply to hyperplane only");
                }
                yield name.equals("sign") ? new SignBinarizer() : new ScaledSignBinarizer();
            }
            case "hyperplane" -> {
                if (bits == null) {
                    throw new BadArgumentException("bits", "hyperplane needs a bit count");
                }
                yield new HyperplaneBinarizer(bits, seeds);
            }
            case "osq" -> throw new BadArgumentException("binarizer", "osq quantizes (codes and corrections against a corpus"
                    + " centroid): use io.binaryllm.quantize.OsqQuantizer");
            default -> throw new BadArgumentException("binarizer", "unknown binarizer '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }
}
