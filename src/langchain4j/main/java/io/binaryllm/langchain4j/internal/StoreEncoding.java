package io.binaryllm.langchain4j.internal;

import io.binaryllm.BadArgumentException;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.quantize.OsqCodes;

/**
 * How a store gets its codes, chosen once from its options: a binarizer's codes from the first add on, or osq's once
 * enough entries are in to fit a centroid (until then the store ranks by exact cosine). The store asks it, never which
 * family it is.
 */
public sealed interface StoreEncoding {
    /**
     * The encoding a store's options name, refused now, naming the option, when they do not fit: {@code bits} is a
     * hyperplane code length, {@code bitsPerDimension} osq's (1, the default, 2 or 4).
     *
     * @param centroid a loaded osq store's centroid, used instead of a fit; null otherwise
     */
    static StoreEncoding of(BinaryEngine engine, String binarizer, Integer bits, Integer bitsPerDimension, float[] centroid) {
        if (StoreFiles.OSQ.equals(binarizer)) {
            if (bits != null) {
                throw new BadArgumentException("bits", "osq takes bitsPerDimension (1, 2 or 4), not a code length");
            }
            if (bitsPerDimension != null && !OsqCodes.documentBits(bitsPerDimension)) {
                throw new BadArgumentException("bitsPerDimension", "osq takes 1, 2 or 4 bits a dimension, got " + bitsPerDimension);
            }
            return new Osq(engine, bitsPerDimension == null ? 1 : bitsPerDimension, centroid);
        }
        if (bitsPerDimension != null) {
            throw new BadArgumentException("bitsPerDimension", "bits a dimension are osq's; " + binarizer + " takes bits");
        }
        engine.binarizer(binarizer, bits); // a bad name or bit count is refused here, not at the first add
        return new Binarized(engine, binarizer, bits);
    }

    /** The codes of a store whose first rows, of {@code dims} dimensions, are about to arrive; null to wait. */
    StoreCodes<?> atFirstAdd(int dims);

    /** The codes of a store without any after an add to {@code table}; null while they cannot be made yet. */
    StoreCodes<?> afterAdd(EntryTable table);

    /** The binarizer's name, as {@code store.json} records it. */
    String binarizer();

    /** What {@code store.json} records as bits: the code length, or osq's bits a dimension; null for none. */
    Integer savedBits();

    /** What {@code store.json} records as the centroid, given the store's {@code codes} (null: none made yet). */
    float[] savedCentroid(StoreCodes<?> codes);

    /** A binarizer's codes: made at the first add, each add encoding its rows. */
    record Binarized(BinaryEngine engine, String binarizer, Integer bits) implements StoreEncoding {
        @Override
        public StoreCodes<?> atFirstAdd(int dims) {
            return new StoreCodes<>(new HammingCodec(engine, engine.binarizer(binarizer, bits), dims));
        }

        @Override
        public StoreCodes<?> afterAdd(EntryTable table) {
            return null;
        }

        @Override
        public Integer savedBits() {
            return bits;
        }

        @Override
        public float[] savedCentroid(StoreCodes<?> codes) {
            return null;
        }
    }

    /**
     * osq's codes: made once the store holds {@link #FIT_ENTRIES} entries (or at once with a loaded centroid).
     *
     * @param bitsPerDimension 1, 2 or 4
     * @param centroid         a loaded store's centroid, or null
     */
    record Osq(BinaryEngine engine, int bitsPerDimension, float[] centroid) implements StoreEncoding {
        /** osq fits its centroid on this many entries: enough to estimate a mean, few enough to search exactly until then. */
        public static final int FIT_ENTRIES = 1024;

        @Override
        public StoreCodes<?> atFirstAdd(int dims) {
            return null;
        }

        @Override
        public StoreCodes<?> afterAdd(EntryTable table) {
            return centroid != null || table.liveCount() >= FIT_ENTRIES
                    ? OsqFit.codes(engine, table, FIT_ENTRIES, bitsPerDimension, centroid) : null;
        }

        @Override
        public String binarizer() {
            return StoreFiles.OSQ;
        }

        @Override
        public Integer savedBits() {
            return bitsPerDimension;
        }

        @Override
        public float[] savedCentroid(StoreCodes<?> codes) {
            return codes != null && codes.codec() instanceof OsqCodec osq ? osq.quantizer().centroid() : centroid;
        }
    }
}
