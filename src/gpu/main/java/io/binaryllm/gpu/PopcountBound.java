package io.binaryllm.gpu;

/**
 * The time a GPU search cannot beat: every (query, code) pair needs ceil(bits / 32) 32-bit population counts
 * (a 64-bit popcount is two POPC instructions on NVIDIA), and an SM retires 16 of them per clock (the CUDA
 * programming guide's arithmetic throughput table, compute capability 5.0 to 9.0). An H100 SXM (132 SMs,
 * 1.98 GHz) needs 19 ms for 1M x 10,000 pairs of 256-bit codes and 77 ms at 1024 bits; the GPU kernels' target is
 * within 2x of the bound (docs/performance.md).
 */
public final class PopcountBound {
    /** 32-bit popcounts per clock per SM. */
    public static final int PER_CLOCK_PER_SM = 16;

    private PopcountBound() {
    }

    /** Popcounts per second of a device with {@code sms} SMs at {@code clockHz}. */
    public static double rate(int sms, double clockHz) {
        return (double) PER_CLOCK_PER_SM * sms * clockHz;
    }

    /** Seconds for {@code pairs} distances between codes of {@code bits} bits at {@code popcountsPerSecond}. */
    public static double seconds(double pairs, int bits, double popcountsPerSecond) {
        return pairs * ((bits + 31) / 32) / popcountsPerSecond;
    }
}
