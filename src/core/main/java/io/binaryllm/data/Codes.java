package io.binaryllm.data;

import io.binaryllm.BadArgumentException;

/**
 * Rows of one code family, ready to be searched by exact top-k: Hamming codes ({@link BinaryCodeBatch}), osq codes
 * ({@code io.binaryllm.quantize.OsqCodes}) or another family. A family says how its rows rank ({@link #ranking()}) and
 * which queries may search them ({@link #requireSearchable}); a backend supplies the loop that computes the keys.
 */
public interface Codes extends AutoCloseable {
    /** Rows held. */
    long rows();

    /** Where the rows came from, for messages: a file, or {@code <memory>}. */
    String source();

    /** What a search's keys mean for these codes. */
    Ranking ranking();

    /**
     * The checks every backend makes before searching these rows (the database) with {@code queries}: the same family
     * and shape, {@code 1 <= k <= rows()}, the results fit in one array and in the heap. Throws
     * {@link io.binaryllm.BadInputException} naming the codes, or {@link BadArgumentException} naming {@code k}.
     */
    void requireSearchable(Codes queries, int k);

    /** Releases the memory the codes own; codes that own none do nothing. */
    @Override
    void close();

    /** The family-independent checks of {@link #requireSearchable}: k in range, results that fit. */
    static void requireResultsFit(Codes database, Codes queries, int k) {
        if (k < 1 || k > database.rows()) {
            throw new BadArgumentException("k", "k must be between 1 and the database size " + database.rows() + ", got " + k);
        }
        if (queries.rows() * k > Integer.MAX_VALUE - 8) {
            throw new BadArgumentException("k", queries.rows() + " queries x k=" + k + " results do not fit in one result array");
        }
        MemoryBudget.requireHeapFor("k", MemoryBudget.bytes(queries.rows(), k, Long.BYTES + Integer.BYTES),
                "the results of " + queries.rows() + " queries x k=" + k);
    }

    /** {@code queries} as codes of {@code type}, or a refusal naming both sides. */
    static <C extends Codes> C sameFamily(Codes database, Codes queries, Class<C> type) {
        if (!type.isInstance(queries)) {
            throw new BadArgumentException("queries", "queries " + queries.source() + " are " + queries.getClass().getSimpleName()
                    + ", the database " + database.source() + " holds " + database.getClass().getSimpleName());
        }
        return type.cast(queries);
    }
}
