package io.binaryllm.langchain4j.internal;

import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;

import java.util.Arrays;

/**
 * osq's codes for a store, made once it has enough entries to fit a centroid: the centroid of its first
 * {@code sample} live entries in slot order (or a loaded store's own), then every live entry encoded in batches.
 */
public final class OsqFit {
    private static final int ENCODE_BATCH = 4096;

    private OsqFit() {
    }

    /**
     * @param sample   entries the centroid is the mean of (the table has at least as many live ones)
     * @param docBits  bits a dimension: 1, 2 or 4
     * @param centroid a loaded store's centroid, used instead of a fit; null to fit
     */
    public static StoreCodes<OsqCodes> codes(BinaryEngine engine, EntryTable table, int sample, int docBits, float[] centroid) {
        OsqQuantizer quantizer;
        if (centroid != null) {
            quantizer = OsqQuantizer.of(centroid, docBits);
        } else {
            float[][] rows = new float[sample][];
            int n = 0;
            for (int slot = table.nextLive(0); n < rows.length; slot = table.nextLive(slot + 1)) {
                rows[n++] = table.row(slot);
            }
            try (FloatEmbeddingBatch batch = FloatEmbeddingBatch.of(rows)) {
                quantizer = OsqQuantizer.fit(batch, docBits);
            }
        }
        StoreCodes<OsqCodes> made = new StoreCodes<>(new OsqCodec(engine, quantizer));
        int[] slots = table.liveSlots();
        for (int from = 0; from < slots.length; from += ENCODE_BATCH) {
            int[] chunk = Arrays.copyOfRange(slots, from, Math.min(slots.length, from + ENCODE_BATCH));
            float[][] rows = new float[chunk.length][];
            for (int i = 0; i < chunk.length; i++) {
                rows[i] = table.row(chunk[i]);
            }
            made.append(chunk, made.codec().encode(rows));
        }
        made.maintain(table::isLive);
        return made;
    }
}
