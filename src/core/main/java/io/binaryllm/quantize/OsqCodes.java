package io.binaryllm.quantize;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Codes;
import io.binaryllm.data.Ranking;

/**
 * Rows encoded by an {@link OsqQuantizer}: bit planes and four correction floats a row. Closing releases the planes.
 *
 * <p>Planes: a row of a {@code B}-bit encoding is {@code B} planes of {@link #planeWords()} words each, plane i
 * holding bit i of every dimension's integer (dimension j is bit {@code j % 64} of the plane's word {@code j / 64}, as
 * for every code here; bits past {@code dims} are zero). The planes are one {@link BinaryCodeBatch} of
 * {@code B * planeWords * 64} bits a row, so they are stored, mapped and laid out like any codes.
 *
 * <p>Corrections, row-major {@code [rows][4]}: for documents {@code (ax, lx, x1, dadd)}: the interval's lower end, its
 * step, the sum of the row's integers and the row's dot product with the centroid; for queries
 * {@code (ay, ly, q1, q0)}: the lower end, the step, {@code ay * dims + ly * y1} and {@code q.c - c.c}
 * ({@link OsqScores} says how they combine).
 *
 * @param planes      the bit planes
 * @param corrections {@code rows * 4} floats
 * @param dims        dimensions of the vectors encoded
 * @param bitsPerDim  bits a dimension: 1, 2 or 4 for documents, 4 or 8 for queries
 * @param queries     whether these are queries (scored against documents) or documents
 * @param centroidId  identifies the quantizer's centroid ({@link OsqQuantizer#centroidId()}): queries and documents
 *                    must share it
 */
public record OsqCodes(BinaryCodeBatch planes, float[] corrections, int dims, int bitsPerDim, boolean queries,
                       long centroidId) implements Codes {
    public OsqCodes {
        if (dims < 1) {
            throw new BadArgumentException("dims", "dims must be positive, got " + dims);
        }
        requireBits(queries ? "query_bits" : "bits", bitsPerDim, queries);
        long expectedBits = (long) bitsPerDim * planeWords(dims) * Long.SIZE;
        if (planes.bits() != expectedBits) {
            throw BadInputException.in(planes.source(), "osq " + (queries ? "queries" : "codes") + " of " + dims
                    + " dims at " + bitsPerDim + " bits need " + expectedBits + "-bit rows, got " + planes.bits());
        }
        if (corrections.length != planes.rows() * OsqScores.CORRECTIONS) {
            throw BadInputException.in(planes.source(), planes.rows() + " rows need " + planes.rows() * OsqScores.CORRECTIONS
                    + " correction floats, got " + corrections.length);
        }
    }

    /** Document bits a dimension that osq encodes. */
    public static boolean documentBits(int bits) {
        return bits == 1 || bits == 2 || bits == 4;
    }

    /** Query bits a dimension that osq encodes. */
    public static boolean queryBits(int bits) {
        return bits == 4 || bits == 8;
    }

    static void requireBits(String argument, int bits, boolean queries) {
        if (queries ? !queryBits(bits) : !documentBits(bits)) {
            throw new BadArgumentException(argument, (queries ? "osq queries take 4 or 8 bits a dimension"
                    : "osq documents take 1, 2 or 4 bits a dimension") + ", got " + bits);
        }
    }

    /** Words of one plane for {@code dims} dimensions. */
    public static int planeWords(int dims) {
        return BinaryCodeBatch.wordsFor(dims);
    }

    public int planeWords() {
        return planeWords(dims);
    }

    @Override
    public long rows() {
        return planes.rows();
    }

    /** The planes' source. */
    @Override
    public String source() {
        return planes.source();
    }

    /** osq codes rank by score, an estimate of the cosine. */
    @Override
    public Ranking ranking() {
        return Ranking.SCORE;
    }

    /** Bytes a row takes: its planes plus its corrections. */
    public long bytesPerRow() {
        return (long) planes.words() * Long.BYTES + OsqScores.CORRECTIONS * Float.BYTES;
    }

    /** Bits of code a row carries, as configs count them: {@code dims * bitsPerDim}. */
    public int codeBits() {
        return dims * bitsPerDim;
    }

    /**
     * The checks every backend makes before an osq search (these codes the database): documents against queries of
     * the same dimension and centroid; {@link Codes#requireResultsFit}.
     */
    @Override
    public void requireSearchable(Codes queryCodes, int k) {
        OsqCodes q = Codes.sameFamily(this, queryCodes, OsqCodes.class);
        if (queries) {
            throw BadInputException.in(planes.source(), "osq database holds queries, not documents");
        }
        if (!q.queries) {
            throw BadInputException.in(q.planes.source(), "osq queries were encoded as documents (encode them as queries)");
        }
        if (dims != q.dims) {
            throw BadInputException.in(q.planes.source(), "queries have " + q.dims + " dims, the osq database "
                    + planes.source() + " has " + dims);
        }
        if (centroidId != q.centroidId) {
            throw BadInputException.in(q.planes.source(), "queries were quantized against another centroid than the osq database "
                    + planes.source());
        }
        Codes.requireResultsFit(this, q, k);
    }

    @Override
    public void close() {
        planes.close();
    }

    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "OsqCodes[" + rows() + " " + (queries ? "queries" : "documents") + ", " + dims + " dims x " + bitsPerDim + " bits, "
                + planes.source() + "]";
    }
}
