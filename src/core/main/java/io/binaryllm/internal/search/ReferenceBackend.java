package io.binaryllm.internal.search;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.metric.Hamming;
import io.binaryllm.search.Availability;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;

/**
 * The specification: for every query, the Hamming distance to every database row in index order, kept in a
 * bounded heap on (distance, index). Scalar, single-threaded and deliberately plain; every other backend must
 * return exactly what this one returns.
 */
public final class ReferenceBackend implements SearchBackend {
    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Availability availability() {
        return Availability.of("scalar Java, single thread");
    }

    @Override
    public int autoPreference() {
        return 0;
    }

    @Override
    public SearchResult search(BinaryCodeBatch database, BinaryCodeBatch queries, int k) {
        SearchBackend.requireValid(database, queries, k);
        try {
            return scan(database, queries, k);
        } catch (InternalError e) {
            throw MappedFaults.explain(e, database.source(), queries.source());
        }
    }

    private static SearchResult scan(BinaryCodeBatch database, BinaryCodeBatch queries, int k) {
        int nq = Math.toIntExact(queries.rows());
        long[] indices = new long[nq * k];
        int[] distances = new int[nq * k];
        long[] query = new long[queries.words()];
        long[] row = new long[database.words()];
        TopKHeap heap = new TopKHeap(k);
        for (int q = 0; q < nq; q++) {
            queries.copyRow(q, query);
            heap.clear();
            for (long i = 0; i < database.rows(); i++) {
                database.copyRow(i, row);
                heap.offer(Hamming.distance(query, row), i);
            }
            heap.drainSorted(indices, distances, q * k);
        }
        return new SearchResult(nq, k, indices, distances);
    }
}
