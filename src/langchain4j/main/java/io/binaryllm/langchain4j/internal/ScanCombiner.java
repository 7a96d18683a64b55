package io.binaryllm.langchain4j.internal;

import io.binaryllm.data.Codes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Concurrent searches of one part served by one scan: a scan of a large part is bound by reading the codes, and one
 * pass serves two queries for about the price of one (1M codes: 1.31 ms for two against 1.22 ms for one), where two
 * separate scans share the cores and the memory bus and gain little. With one client searching, a query goes straight
 * to the part. With more, the first to come leads: it waits a moment (at most half its last scan's time, at most
 * 200 microseconds) for the other clients' queries, scans for all of them, and hands each its top-k (the first k of
 * the batch's largest k: the same rows, as the order is total). Answers never depend on how queries were batched.
 */
final class ScanCombiner<Q extends Codes> implements StoreCodec.Part<Q> {
    private static final long MAX_WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private final StoreCodec<Q> codec;
    private final StoreCodec.Part<Q> part;
    /** Clients inside a store search (counted by the store), whose queries a leader waits for. */
    private final AtomicInteger searching;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Condition served = lock.newCondition();
    private final List<Request<Q>> pending = new ArrayList<>();
    private boolean scanning;
    private volatile long lastScanNanos;

    ScanCombiner(StoreCodec<Q> codec, StoreCodec.Part<Q> part, AtomicInteger searching) {
        this.codec = codec;
        this.part = part;
        this.searching = searching;
    }

    private static final class Request<Q> {
        final Q query;
        final int k;
        StoreCodec.Ranked result;
        Throwable failure;

        Request(Q query, int k) {
            this.query = query;
            this.k = k;
        }

        boolean done() {
            return result != null || failure != null;
        }
    }

    @Override
    public StoreCodec.Ranked[] topKEach(Q queries, int count, int k) {
        return part.topKEach(queries, count, k);
    }

    @Override
    public StoreCodec.Ranked topK(Q query, int k) {
        if (searching.get() <= 1) {
            return timed(() -> part.topK(query, k));
        }
        Request<Q> mine = new Request<>(query, k);
        boolean interrupted = false;
        lock.lock();
        try {
            pending.add(mine);
            arrived.signal();
            while (!mine.done()) {
                if (scanning) {
                    interrupted |= awaitUninterruptibly(served, Long.MAX_VALUE);
                    continue;
                }
                scanning = true; // lead: gather the other clients' queries for a moment, then scan for all
                long deadline = System.nanoTime() + Math.min(MAX_WAIT_NANOS, lastScanNanos / 2);
                long left;
                while (pending.size() < searching.get() && (left = deadline - System.nanoTime()) > 0) {
                    interrupted |= awaitUninterruptibly(arrived, left);
                }
                List<Request<Q>> batch = new ArrayList<>(pending);
                pending.clear();
                lock.unlock();
                try {
                    scan(batch);
                } finally {
                    lock.lock();
                    scanning = false;
                    served.signalAll();
                }
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (mine.failure instanceof RuntimeException e) {
            throw e;
        }
        if (mine.failure instanceof Error e) {
            throw e;
        }
        return mine.result;
    }

    /** One scan for every request of the batch; a failure is every request's. */
    private void scan(List<Request<Q>> batch) {
        int k = batch.stream().mapToInt(r -> r.k).max().orElseThrow();
        try {
            if (batch.size() == 1) {
                batch.getFirst().result = timed(() -> part.topK(batch.getFirst().query, k));
                return;
            }
            Q joined = codec.join(batch.stream().map(r -> r.query).toList());
            try {
                StoreCodec.Ranked[] each = timed(() -> part.topKEach(joined, batch.size(), k));
                for (int i = 0; i < batch.size(); i++) {
                    Request<Q> r = batch.get(i);
                    r.result = r.k == k ? each[i]
                            : new StoreCodec.Ranked(Arrays.copyOf(each[i].rows(), r.k), Arrays.copyOf(each[i].keys(), r.k));
                }
            } finally {
                codec.release(joined);
            }
        } catch (RuntimeException | Error e) {
            for (Request<Q> r : batch) {
                r.failure = e;
            }
        }
    }

    private <T> T timed(Supplier<T> scan) {
        long t = System.nanoTime();
        T result = scan.get();
        lastScanNanos = System.nanoTime() - t;
        return result;
    }

    /** Waits on {@code c} (the lock held) up to {@code nanos}; true if the thread was interrupted meanwhile. */
    private static boolean awaitUninterruptibly(Condition c, long nanos) {
        try {
            if (nanos == Long.MAX_VALUE) {
                c.await();
            } else {
                c.awaitNanos(nanos);
            }
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    @Override
    public void close() {
        part.close();
    }
}
