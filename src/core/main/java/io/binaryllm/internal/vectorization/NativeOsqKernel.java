package io.binaryllm.internal.vectorization;

import java.lang.foreign.MemorySegment;

/** The osq loop in C ({@code native/binaryllm_osq.c}), one downcall per tile and query range, at a chosen variant. */
public final class NativeOsqKernel implements OsqKernel {
    private final NativeLibrary library;
    private final int variant;

    NativeOsqKernel(NativeLibrary library, int variant) {
        this.library = library;
        this.variant = variant;
    }

    @Override
    public String describe() {
        return NativeLibrary.VARIANTS[variant];
    }

    @Override
    public int lanes() {
        return 8; // the C kernel's block width, as for Hamming
    }

    @Override
    public void topK(BlockedTile tile, OsqBatch batch, int q0, int q1, FlatTopK heaps) {
        try {
            library.osqTopK.invokeExact(variant, MemorySegment.ofArray(tile.data()), tile.codes(), tile.first(),
                    batch.planeWords(), batch.docBits(), batch.queryBits(), MemorySegment.ofArray(batch.queries()),
                    MemorySegment.ofArray(batch.queryCorrections()), MemorySegment.ofArray(batch.docCorrections()), q0, q1,
                    heaps.k(), MemorySegment.ofArray(heaps.distances()), MemorySegment.ofArray(heaps.indices()),
                    MemorySegment.ofArray(heaps.sizes()), MemorySegment.ofArray(heaps.worst()));
        } catch (Throwable t) {
            throw new IllegalStateException("blm_osq_topk failed", t);
        }
    }
}
