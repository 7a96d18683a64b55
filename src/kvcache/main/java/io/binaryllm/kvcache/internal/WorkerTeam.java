package io.binaryllm.kvcache.internal;

import io.binaryllm.BadArgumentException;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The decoder's threads: the caller and {@code threads - 1} helpers that split a range of independent items
 * (a product's rows, attention's heads) into contiguous parts, one each. A decode step runs dozens of such ranges of a
 * few microseconds, so helpers wait for the next one spinning for a while (the hand-off then costs well under a
 * microsecond, where a fork-join task costs several) and park only when the decoder is idle. Parts are fixed by the
 * range, but who runs them is not: the caller runs part 0 and then claims any part no helper has started, so a helper
 * the system has not scheduled (a machine busy with other work, a helper still waking from park) delays nothing but
 * its own part once started. Items are independent and each is computed as it would be alone, so the results are the
 * same bits for every thread count and whichever thread runs a part. One range runs at a time: a caller that finds
 * the team busy (another decoder on another thread, or a range inside a range) runs its range alone, as part 0.
 */
public final class WorkerTeam {
    /** How long an idle helper spins before it parks: about a decode step's gap between two ranges, many times over. */
    private static final long SPIN_NANOS = 200_000;
    /** Multiply-adds below which a range is not worth splitting: about a microsecond of work, what a hand-off costs. */
    public static final long SPLIT_FROM = 1L << 14;
    private static final WorkerTeam SHARED = new WorkerTeam(configuredThreads());

    /**
     * A range's work: items [from, to), part {@code part} of the range (0 runs on the caller's thread; scratch may go
     * by the part: one thread runs it).
     */
    public interface Items {
        void run(int part, int from, int to);
    }

    private final int threads;
    private final Helper[] helpers;
    private final ReentrantLock busy = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();   // parts of the current range not yet done
    private final AtomicInteger nextPart = new AtomicInteger();  // the next part 1.. to claim; >= threads: none left
    private volatile long generation;
    private Items items;       // the current range, published by the write of generation
    private int count;
    private int grain;
    private volatile Throwable failure;

    /** A team of its own (tests compare thread counts with it); decoders share {@link #shared()}. */
    public WorkerTeam(int threads) {
        this(threads, true);
    }

    /** A team whose helpers start now, or never (tests: helpers a busy machine does not schedule). */
    WorkerTeam(int threads, boolean startHelpers) {
        if (threads < 1) {
            throw new BadArgumentException("threads", "a team has at least 1 thread, got " + threads);
        }
        this.threads = threads;
        this.helpers = new Helper[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            Helper h = new Helper();
            helpers[i] = h;
            Thread.Builder builder = Thread.ofPlatform().daemon().name("binaryllm-decoder-" + (i + 1));
            h.thread = startHelpers ? builder.start(() -> helperLoop(h)) : builder.unstarted(() -> helperLoop(h));
        }
    }

    /** The team of {@code -Dbinaryllm.threads} threads (every core when unset), shared by every decoder. */
    public static WorkerTeam shared() {
        return SHARED;
    }

    private static int configuredThreads() {
        Integer set = Integer.getInteger("binaryllm.threads");
        return set != null && set > 0 ? set : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Threads a range may use, the caller's included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over items [0, count), split into one contiguous part a thread, parts a multiple of
     * {@code grain} items (the last excepted); on the caller alone when {@code parallel} is false, the team has one
     * thread, or another range holds it. Returns when every part is done; a part's exception is thrown here (the
     * caller's own first), after every part has ended.
     */
    public void run(int count, int grain, boolean parallel, Items body) {
        if (!parallel || threads == 1 || count <= grain || busy.isHeldByCurrentThread() || !busy.tryLock()) {
            body.run(0, 0, count);
            return;
        }
        try {
            this.items = body;
            this.count = count;
            this.grain = grain;
            this.failure = null;
            pending.set(threads);
            nextPart.set(1);  // publishes the fields above to a helper that claims a part
            generation++;     // wakes the helpers
            for (Helper h : helpers) {
                if (h.parked) { // a spinning helper sees the generation without the system call
                    LockSupport.unpark(h.thread);
                }
            }
            Throwable f = null;
            for (int part = 0; part < threads; part = nextPart.getAndIncrement()) {
                try {
                    runPart(part);
                } catch (RuntimeException | Error e) {
                    f = f != null ? f : e; // thrown once every part is done: the next range must not start under them
                } finally {
                    pending.decrementAndGet();
                }
            }
            for (int spins = 0; pending.get() != 0; spins++) {
                // a helper runs a part it claimed; on a busy machine it may wait for a core this thread holds
                if (spins < 1 << 12) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            this.items = null;
            f = f != null ? f : failure;
            if (f instanceof RuntimeException e) {
                throw e;
            } else if (f instanceof Error e) {
                throw e;
            }
        } finally {
            busy.unlock();
        }
    }

    private void runPart(int part) {
        int per = ((count + threads - 1) / threads + grain - 1) / grain * grain;
        int from = Math.min(count, part * per);
        int to = Math.min(count, from + per);
        if (from < to) {
            items.run(part, from, to);
        }
    }

    /** A helper thread and whether it is parked (or about to be): the caller unparks only those. */
    private static final class Helper {
        Thread thread;
        volatile boolean parked;
    }

    private void helperLoop(Helper h) {
        long seen = 0;
        while (true) {
            long spunSince = System.nanoTime();
            while (generation == seen) {
                if (System.nanoTime() - spunSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    // parked, then the generation read again: a caller that bumped it in between sees parked.
                    h.parked = true;
                    if (generation == seen) {
                        LockSupport.park(this);
                    }
                    h.parked = false;
                }
            }
            seen = generation;
            // parts of this range no one has claimed; none when the caller ran them all (or a later range's, whose
            // fields the claim publishes: a part is a part whichever range this helper woke for)
            for (int part = nextPart.getAndIncrement(); part < threads; part = nextPart.getAndIncrement()) {
                try {
                    runPart(part);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }
}
