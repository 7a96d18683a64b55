package io.binaryllm.data.io;

import java.util.Arrays;
import java.util.Optional;

/** The {@code .npy} element types this project reads and writes: little-endian only, as docs/contracts.md fixes. */
public enum NpyDtype {
    F2("<f2", 2),
    F4("<f4", 4),
    F8("<f8", 8),
    U8("<u8", 8),
    I8("<i8", 8),
    I4("<i4", 4),
    /** uint8: byte-packed codes exported for numpy, FAISS and sentence-transformers (numpy writes '|u1'). */
    U1("|u1", 1),
    /** int8: ternary trits and int8 activations of the low-bit layers (numpy writes '|i1'). */
    I1("|i1", 1);

    private final String descr;
    private final int itemSize;

    NpyDtype(String descr, int itemSize) {
        this.descr = descr;
        this.itemSize = itemSize;
    }

    /** numpy's type string, e.g. {@code <f4}. */
    public String descr() {
        return descr;
    }

    public int itemSize() {
        return itemSize;
    }

    public boolean isFloat() {
        return this == F2 || this == F4 || this == F8;
    }

    public static Optional<NpyDtype> fromDescr(String descr) {
        // numpy writes '|' for 1-byte types; '<u1' means the same thing.
        String canonical = descr.equals("<u1") ? "|u1" : descr.equals("<i1") ? "|i1" : descr;
        return Arrays.stream(values()).filter(t -> t.descr.equals(canonical)).findFirst();
    }
}
