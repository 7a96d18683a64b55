package io.binaryllm.internal.vectorization;

import java.lang.foreign.MemorySegment;
import java.util.List;

/** The blocked loops in C ({@code native/binaryllm_hamming.c}), one downcall per tile and query range. */
public final class NativeHammingKernel implements HammingKernel {
    /** The C variants by number, as {@code blm_best_variant} returns them. */
    public static final List<String> VARIANTS = List.of(NativeLibrary.VARIANTS);

    private final NativeLibrary library;
    private final int variant;

    /** @param force the variant to use (0 scalar, 1 AVX2, 2 AVX-512), or -1 for the best this CPU has */
    NativeHammingKernel(NativeLibrary library, int force) {
        this.library = library;
        this.variant = force < 0 || force > library.bestVariant ? library.bestVariant : force;
    }

    /** The same kernel at C variant {@code force} (0 scalar, 1 AVX2, 2 AVX-512; above the best: the best), for tests. */
    public NativeHammingKernel withVariant(int force) {
        return new NativeHammingKernel(library, force);
    }

    /** The best variant this CPU runs. */
    public int bestVariant() {
        return library.bestVariant;
    }

    public int variant() {
        return variant;
    }

    /** The osq loop of the same library and variant. */
    public OsqKernel osq() {
        return new NativeOsqKernel(library, variant);
    }

    @Override
    public String describe() {
        return NativeLibrary.VARIANTS[variant];
    }

    @Override
    public int lanes() {
        return 8; // the C kernel's block width, fixed for every variant (AVX2 takes a block in two halves)
    }

    @Override
    public int queryGroup(int words) {
        return 1; // the C loop handles remainders itself
    }

    @Override
    public void topK(BlockedTile tile, long[] queries, int q0, int q1, FlatTopK heaps) {
        try {
            library.topK.invokeExact(variant, MemorySegment.ofArray(tile.data()), tile.codes(), tile.first(), tile.words(),
                    MemorySegment.ofArray(queries), q0, q1, heaps.k(), MemorySegment.ofArray(heaps.distances()),
                    MemorySegment.ofArray(heaps.indices()), MemorySegment.ofArray(heaps.sizes()), MemorySegment.ofArray(heaps.worst()));
        } catch (Throwable t) {
            throw new IllegalStateException("blm_topk failed", t);
        }
    }

    @Override
    public void distances(BlockedTile tile, long[] queries, int q, int[] out) {
        try {
            library.distances.invokeExact(variant, MemorySegment.ofArray(tile.data()), tile.codes(), tile.words(),
                    MemorySegment.ofArray(queries), q, MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw new IllegalStateException("blm_distances failed", t);
        }
    }
}
