package io.binaryllm.seed;

/**
 * Steele, Lea and Flood's SplitMix64 (OOPSLA 2014), the generator behind every random draw in BinaryLLM. It is
 * chosen for being tiny, fully specified and trivial to reproduce in numpy or C: state += 0x9E3779B97F4A7C15, then
 * the output is {@link #mix} of the state. Not thread-safe: one stream per component, per thread.
 */
public final class SplitMix64 {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** The SplitMix64 output function (a variant of MurmurHash3's fmix64). */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in [0, 1): the top 53 bits of {@link #nextLong()} times 2^-53. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound) by rejection, so no value is more likely than another. */
    public long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long limit = Long.remainderUnsigned(-bound, bound); // 2^64 mod bound draws are discarded
        while (true) {
            long r = nextLong();
            if (Long.compareUnsigned(r, limit) >= 0) {
                return Long.remainderUnsigned(r, bound);
            }
        }
    }

    /**
     * A standard normal draw by the Box-Muller transform: {@code sqrt(-2 ln(1 - u1)) * cos(2 pi u2)} with u1, u2
     * two consecutive {@link #nextDouble()} draws (the sine half is discarded, so every Gaussian costs exactly two
     * draws). {@link StrictMath} makes the result identical on every JVM and CPU.
     */
    public double nextGaussian() {
        double u1 = nextDouble();
        double u2 = nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }
}
