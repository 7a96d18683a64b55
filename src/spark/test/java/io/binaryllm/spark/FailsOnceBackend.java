package io.binaryllm.spark;

import io.binaryllm.data.Codes;
import io.binaryllm.search.SearchResult;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference backend, except that its first search after {@link #arm()} fails: a task that dies as on a sick
 * executor, for Spark to retry. Registered as a service for this module's tests only.
 */
public final class FailsOnceBackend extends ReferenceBacked {
    static final AtomicInteger FAILURES_LEFT = new AtomicInteger();
    static final AtomicInteger FAILED = new AtomicInteger();

    public FailsOnceBackend() {
        super("fails-once");
    }

    static void arm() {
        FAILURES_LEFT.set(1);
        FAILED.set(0);
    }

    @Override
    public <C extends Codes> SearchResult search(C database, C queries, int k) {
        if (FAILURES_LEFT.getAndDecrement() > 0) {
            FAILED.incrementAndGet();
            throw new IllegalStateException("injected: the executor's search failed");
        }
        return super.search(database, queries, k);
    }
}
