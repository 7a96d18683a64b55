package io.binaryllm.benchmarks.bbq;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one timing rule of every system in the comparison. A pass answers every query from its float vector: query
 * encoding, the scan of every document, top-k and (where asked) the float rescoring are all inside it. Warm-up passes
 * run until two seconds have passed (at least one); then timed passes until three more seconds have passed (at least
 * three, at most 200). The figure is the median timed pass as queries per second.
 */
final class PassTimer {
    private static final long WARM_UP_NANOS = 2_000_000_000L;
    private static final long TIMED_NANOS = 3_000_000_000L;
    private static final int MIN_TIMED = 3;
    private static final int MAX_TIMED = 200;

    private PassTimer() {
    }

    /** One pass over every query. */
    interface Pass {
        void run() throws Exception;
    }

    /** The median timed pass's queries per second, and how many passes were timed. */
    record Timing(double queriesPerSecond, int passes) {
    }

    static Timing measure(int queries, Pass pass) throws Exception {
        long start = System.nanoTime();
        do {
            pass.run();
        } while (System.nanoTime() - start < WARM_UP_NANOS);
        List<Long> nanos = new ArrayList<>();
        start = System.nanoTime();
        while (nanos.size() < MIN_TIMED || System.nanoTime() - start < TIMED_NANOS && nanos.size() < MAX_TIMED) {
            long t0 = System.nanoTime();
            pass.run();
            nanos.add(System.nanoTime() - t0);
        }
        Collections.sort(nanos);
        int n = nanos.size();
        double median = n % 2 == 1 ? nanos.get(n / 2) : (nanos.get(n / 2 - 1) + nanos.get(n / 2)) / 2.0;
        return new Timing(queries / (median / 1e9), n);
    }
}
