package io.binaryllm.seed;

import java.nio.charset.StandardCharsets;

/**
 * The one source of randomness in BinaryLLM. A run has one master seed; every component that draws random numbers
 * asks for its own stream by a fixed name, and nothing else in the code base may create randomness (a test scans
 * the sources for it).
 *
 * <p><b>Derivation rule</b> (stable: golden files depend on it). For master seed {@code s} and component name
 * {@code c}: {@code h = FNV-1a-64(UTF-8 bytes of c)}, stream seed {@code = SplitMix64.mix(s ^ SplitMix64.mix(h))},
 * and the stream is {@link SplitMix64} started from that seed. Distinct names give independent-looking streams,
 * and adding a component never shifts another's draws.
 *
 * <p>Component names in use:
 * <ul>
 *   <li>{@value #HYPERPLANE}: the m x d Gaussian matrix of the {@code hyperplane} binarizer, drawn row by row;
 *       for a fixed d, the first m rows are the same for every m, so codes of fewer bits are prefixes.</li>
 *   <li>{@code golden/<case>}: the synthetic data of one golden case.</li>
 * </ul>
 */
public record Seeds(long master) {
    public static final String HYPERPLANE = "binarize/hyperplane";
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /** The seed of component {@code name}'s stream. */
    public long seedFor(String name) {
        long h = FNV_OFFSET;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * FNV_PRIME;
        }
        return SplitMix64.mix(master ^ SplitMix64.mix(h));
    }

    /** A fresh stream for component {@code name}; the same name always starts at the same draw. */
    public SplitMix64 stream(String name) {
        return new SplitMix64(seedFor(name));
    }
}
