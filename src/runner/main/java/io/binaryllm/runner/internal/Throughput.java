package io.binaryllm.runner.internal;

import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;

import java.util.ArrayList;
import java.util.List;

/**
 * Search speed of every available backend on the first variant's codes, each checked against the run's result.
 *
 * @param backends the backends timed
 * @param mpairs   each one's million (query, row) pairs a second
 * @param bits     the codes' bits
 */
record Throughput(List<String> backends, List<Double> mpairs, int bits) {
    /** Every available backend's speed on {@code workload}, each checked against the run's result first. */
    static Throughput measure(VariantRuns.Workload workload, EventLog events) {
        List<String> names = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (SearchBackend b : SearchBackends.loadAll()) {
            try (b) {
                if (!b.availability().available()) {
                    events.log("throughput_skipped", "backend", b.name(), "reason", b.availability().detail());
                    continue;
                }
                SearchResult r = workload.search().apply(b); // also warms the JIT
                if (!r.equals(workload.expected())) {
                    throw new IllegalStateException(b.name() + " differs from the run's backend on " + workload.what());
                }
                long start = System.nanoTime();
                workload.search().apply(b);
                double seconds = (System.nanoTime() - start) / 1e9;
                double mpairs = (double) workload.pairs() / seconds / 1e6;
                names.add(b.name());
                rates.add(mpairs);
                events.log("throughput", "backend", b.name(), "seconds", seconds, "mpairs_per_second", mpairs, "identical", true);
            }
        }
        return new Throughput(names, rates, workload.bits());
    }
}
