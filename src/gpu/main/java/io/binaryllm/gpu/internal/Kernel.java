package io.binaryllm.gpu.internal;

/** The kernels of {@code kernels/binaryllm_core.h}, by the name the program and the PTX give them. */
public enum Kernel {
    /** Per-query histograms of distances (the counting selection's first pass). */
    HISTOGRAM("blm_histogram"),
    /** The keys below the cut and the first ties at it, in index order (its second pass). */
    COLLECT("blm_collect"),
    /** The one-pass top-k for k up to 32, 4 queries a work-group. */
    TOP_K_TILE_4("blm_topk_small"),
    /** The same for 8 queries a work-group. */
    TOP_K_TILE_8("blm_topk_small8"),
    /** osq keys of every (row, query) pair of a chunk and pass, one work-item per row. */
    OSQ_KEYS("blm_osq_keys"),
    /** Sign codes, one work-item per output word. */
    PACK_SIGN("blm_pack_sign"),
    /** Hyperplane codes, one work-item per output word. */
    PACK_HYPERPLANE("blm_pack_hyperplane"),
    /** Ternary x int8 row sums, one work-item per output row and token. */
    TERNARY_SUMS("blm_ternary_sums"),
    /** The same over TQ2_0 blocks. */
    TQ2_SUMS("blm_tq2_sums"),
    /** Binary x int8 group sums, one work-item per output row and token. */
    BINARY_SUMS("blm_binary_sums"),
    /** Binary x sign-bit (XNOR-popcount) group sums, likewise. */
    SIGN_SUMS("blm_sign_sums");

    private final String symbol;

    Kernel(String symbol) {
        this.symbol = symbol;
    }

    /** The kernel's name in the OpenCL program and the PTX module. */
    public String symbol() {
        return symbol;
    }
}
