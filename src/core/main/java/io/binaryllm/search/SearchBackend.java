package io.binaryllm.search;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.Codes;
import io.binaryllm.lowbit.LowBitKernels;

import java.util.Optional;

/**
 * One way of computing exact top-k over codes of every family it supports: the SPI every backend implements
 * (reference, cpu, native, opencl, cuda). Implementations are listed in
 * {@code META-INF/services/io.binaryllm.search.SearchBackend}, so a new backend only registers itself; the shared test
 * harness then runs it against the reference.
 *
 * <p>Contract: {@link #search} returns, for every query, the k database rows with the smallest {@code (key, index)}
 * (the codes' {@link io.binaryllm.data.Ranking}: a Hamming distance, or an osq score's order-preserving key), the
 * total order that makes every backend, thread count and tile size agree. The constructor must succeed everywhere (a
 * CUDA backend on a machine without a driver included): acquiring devices is deferred, and {@link #availability()}
 * explains what is missing.
 */
public interface SearchBackend extends AutoCloseable {
    /** The name used by {@code --backend}. */
    String name();

    /** Whether this backend can run here, cheaply probed and safe to call anywhere. */
    Availability availability();

    /** Rank for {@code --backend auto}: the available backend with the highest value is chosen. */
    int autoPreference();

    /**
     * Exact top-k of every query over {@code database}; throws {@link BadInputException} or {@link BadArgumentException}
     * when {@link Codes#requireSearchable} does, and {@link BadArgumentException} for a family this backend does not
     * search ({@link #unsupported}).
     */
    <C extends Codes> SearchResult search(C database, C queries, int k);

    /**
     * {@code database} made ready for repeated searches: an index that may keep a copy of it where this backend
     * searches fastest (laid out, on a device). The default searches it in place.
     */
    default <C extends Codes> BinaryIndex<C> index(C database) {
        return new InPlaceIndex<>(this, database);
    }

    /**
     * The integer sums of low-bit linear layers on this backend (ternary and binary weights; the products of {@link
     * io.binaryllm.lowbit.TernaryMatVec} and {@link io.binaryllm.lowbit.BinaryMatVec}), the same ints as every other
     * backend's; empty where this backend has none (the default).
     */
    default Optional<LowBitKernels> lowBitKernels() {
        return Optional.empty();
    }

    /** Releases devices and memory; the default holds none. */
    @Override
    default void close() {
    }

    /** The refusal of codes of a family this backend has no kernel for. */
    static BadArgumentException unsupported(SearchBackend backend, Codes database) {
        return new BadArgumentException("database", backend.name() + " does not search " + database.getClass().getSimpleName()
                + " codes (" + database.source() + ")");
    }
}
