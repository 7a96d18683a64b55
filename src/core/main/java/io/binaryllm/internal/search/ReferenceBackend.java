package io.binaryllm.internal.search;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Codes;
import io.binaryllm.data.Ranking;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.metric.Hamming;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqScores;
import io.binaryllm.search.Availability;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;

import java.util.Optional;

/**
 * The specification: for every query, the Hamming distance to every database row in index order, kept in a
 * bounded heap on (distance, index); for osq, the {@link OsqScores} score of every pair, selected on its key.
 * Scalar, single-threaded and deliberately plain; every other backend must return exactly what this one returns.
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
    public Optional<LowBitKernels> lowBitKernels() {
        return Optional.of(LowBitKernels.scalar());
    }

    @Override
    public <C extends Codes> SearchResult search(C database, C queries, int k) {
        database.requireSearchable(queries, k);
        try {
            return switch (database) {
                case BinaryCodeBatch codes -> scan(codes, (BinaryCodeBatch) queries, k);
                case OsqCodes codes -> scanOsq(codes, (OsqCodes) queries, k);
                default -> throw SearchBackend.unsupported(this, database);
            };
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

    private static SearchResult scanOsq(OsqCodes database, OsqCodes queries, int k) {
        int nq = Math.toIntExact(queries.rows());
        long[] indices = new long[nq * k];
        int[] keys = new int[nq * k];
        long[] query = new long[queries.planes().words()];
        long[] row = new long[database.planes().words()];
        float[] dc = database.corrections();
        float[] qc = queries.corrections();
        TopKHeap heap = new TopKHeap(k);
        for (int q = 0; q < nq; q++) {
            queries.planes().copyRow(q, query);
            heap.clear();
            for (long i = 0; i < database.rows(); i++) {
                database.planes().copyRow(i, row);
                long dot = OsqScores.dot(row, 0, database.bitsPerDim(), query, 0, queries.bitsPerDim(), database.planeWords());
                float score = OsqScores.score(dot, dc, (int) i * OsqScores.CORRECTIONS, qc, q * OsqScores.CORRECTIONS);
                heap.offer(Ranking.keyOf(score), i);
            }
            heap.drainSorted(indices, keys, q * k);
        }
        return new SearchResult(nq, k, indices, keys, Ranking.SCORE);
    }
}
