package io.binaryllm.search;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.quantize.OsqCodes;

/**
 * One way of computing exact top-k, Hamming and osq: the SPI every backend implements (reference, cpu, native, opencl,
 * cuda). Implementations are listed in {@code META-INF/services/io.binaryllm.search.SearchBackend}, so a new backend
 * only registers itself; the shared test harness then runs it against the reference.
 *
 * <p>Contract: {@link #search} returns, for every query, the k database rows with the smallest
 * {@code (distance, index)}, the total order that makes every backend, thread count and tile size agree. The
 * constructor must succeed everywhere (a CUDA backend on a machine without a driver included): acquiring devices
 * is deferred, and {@link #availability()} explains what is missing.
 */
public interface SearchBackend extends AutoCloseable {
    /** The name used by {@code --backend}. */
    String name();

    /** Whether this backend can run here, cheaply probed and safe to call anywhere. */
    Availability availability();

    /** Rank for {@code --backend auto}: the available backend with the highest value is chosen. */
    int autoPreference();

    /**
     * Exact top-k; throws {@link BadInputException} when {@link #requireValid} does.
     */
    SearchResult search(BinaryCodeBatch database, BinaryCodeBatch queries, int k);

    /**
     * Exact osq top-k: for every query, the k documents with the highest {@link io.binaryllm.quantize.OsqScores} score,
     * ties by ascending index; the same scores and order as the reference. Throws {@link BadInputException} when
     * {@link OsqCodes#requireSearchable} does.
     */
    ScoredResult searchOsq(OsqCodes database, OsqCodes queries, int k);

    /**
     * {@code database} made ready for repeated searches: a {@link BinaryIndex} that may keep a copy of it where this
     * backend searches fastest (laid out, on a device). The default searches it in place.
     */
    default BinaryIndex index(BinaryCodeBatch database) {
        return new InPlaceIndex(this, database);
    }

    /**
     * {@code database} made ready for repeated osq searches: an {@link OsqIndex} that may keep its planes where this
     * backend searches fastest. The default searches them in place.
     */
    default OsqIndex indexOsq(OsqCodes database) {
        return new InPlaceOsqIndex(this, database);
    }

    /** Releases devices and memory; the default holds none. */
    @Override
    default void close() {
    }

    /** The checks every backend makes before searching: equal code widths, 1 <= k <= n, the results fit in memory. */
    static void requireValid(BinaryCodeBatch database, BinaryCodeBatch queries, int k) {
        if (database.bits() != queries.bits()) {
            throw BadInputException.in(queries.source(), "queries have " + queries.bits() + "-bit codes ("
                    + queries.words() + " words), the database " + database.source() + " has " + database.bits()
                    + "-bit codes (" + database.words() + " words)");
        }
        if (k < 1 || k > database.rows()) {
            throw new BadArgumentException("k", "k must be between 1 and the database size " + database.rows() + ", got " + k);
        }
        if (queries.rows() * k > Integer.MAX_VALUE - 8) {
            throw new BadArgumentException("k", queries.rows() + " queries x k=" + k + " results do not fit in one result array");
        }
        MemoryBudget.requireHeapFor("k", MemoryBudget.bytes(queries.rows(), k, Long.BYTES + Integer.BYTES),
                "the results of " + queries.rows() + " queries x k=" + k);
    }
}
