package io.binaryllm.search;

import io.binaryllm.BadArgumentException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Codes;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.seed.SplitMix64;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The backend equivalence suite as a library routine, so it runs where no test runner does (the GPU bundle):
 * word-boundary database sizes, odd and prime bit counts, random and tie-heavy codes, k from 1 to n, every result
 * compared entry by entry with the {@code reference} backend, the oracle (FAISS tests its GPU index against its CPU
 * index the same way). Every case is searched twice: one-shot, and through the backend's {@link BinaryIndex} (kept on a
 * GPU, laid out by the CPU backends). Then osq: every document width (1, 2, 4 bits) against both query widths (4, 8),
 * at word-boundary and prime dimensions, random and tie-heavy vectors, k from 1 to n, one-shot and through the index,
 * scores compared bit for bit. Then, for a backend with low-bit kernels, the ternary, binary and XNOR products of
 * {@link LowBitEquivalence} (a backend without them is checked on search only).
 * Data come from a fixed SplitMix64 stream, so every machine checks the same cases.
 */
public final class EquivalenceSuite {
    private static final int[] ROWS = {1, 63, 64, 65, 127, 128, 129, 1000};
    private static final int[] BITS = {1, 7, 63, 64, 65, 127, 129, 256, 257, 1031};
    private static final int[] OSQ_DIMS = {1, 63, 64, 65, 97, 384};
    private static final int[] OSQ_ROWS = {1, 129, 1000};

    private EquivalenceSuite() {
    }

    /** One comparison: the case, and the first difference (null when identical). */
    public record Check(String backend, String what, String difference) {
        public boolean ok() {
            return difference == null;
        }
    }

    public static List<Check> run(SearchBackend backend, Consumer<Check> progress) {
        try (SearchBackend reference = SearchBackends.open("reference")) {
            return run(backend, reference, progress);
        }
    }

    /**
     * Only the low-bit products of {@code backend} against the reference's ({@link LowBitEquivalence}); refused for a
     * backend without low-bit kernels.
     */
    public static List<Check> lowBit(SearchBackend backend, Consumer<Check> progress) {
        LowBitKernels kernels = backend.lowBitKernels().orElseThrow(() -> new BadArgumentException("backend",
                backend.name() + " has no low-bit kernels"));
        List<Check> out = new ArrayList<>();
        LowBitEquivalence.run(backend.name(), kernels, LowBitKernels.scalar(), out, progress);
        return out;
    }

    private static List<Check> run(SearchBackend backend, SearchBackend reference, Consumer<Check> progress) {
        List<Check> out = new ArrayList<>();
        SplitMix64 rng = new SplitMix64(0x5EED);
        for (int n : ROWS) {
            for (int bits : BITS) {
                for (boolean ties : new boolean[]{false, true}) {
                    try (BinaryCodeBatch db = codes(rng, n, bits, ties); BinaryCodeBatch q = codes(rng, 13, bits, ties)) {
                        compare(backend, reference, db, q, "n=" + n + " bits=" + bits + (ties ? " tie-heavy" : " random"),
                                out, progress);
                    }
                }
            }
        }
        for (int dims : OSQ_DIMS) {
            for (int n : OSQ_ROWS) {
                for (int[] bits : new int[][]{{1, 4}, {2, 4}, {4, 4}, {1, 8}, {2, 8}, {4, 8}}) {
                    boolean ties = n == 129;
                    FloatEmbeddingBatch docs = vectors(rng, n, dims, ties);
                    OsqQuantizer quantizer = OsqQuantizer.fit(docs, bits[0]);
                    try (OsqCodes db = quantizer.encodeDocuments(docs); OsqCodes q = quantizer.encodeQueries(vectors(rng, 13, dims, ties), bits[1])) {
                        compare(backend, reference, db, q, "osq n=" + n + " dims=" + dims + " bits=" + bits[0] + "x" + bits[1]
                                + (ties ? " tie-heavy" : " random"), out, progress);
                    }
                }
            }
        }
        backend.lowBitKernels().ifPresent(k -> LowBitEquivalence.run(backend.name(), k, reference.lowBitKernels().orElseThrow(), out, progress));
        return out;
    }

    /** One case at k = 1, min(10, n) and n, searched one-shot and through the backend's index. */
    private static <C extends Codes> void compare(SearchBackend backend, SearchBackend reference, C db, C q, String what,
                                                  List<Check> out, Consumer<Check> progress) {
        try (BinaryIndex<C> index = backend.index(db)) {
            long n = db.rows();
            for (long k : new long[]{1, Math.min(10, n), n}) {
                String at = what + " k=" + k;
                SearchResult expected = reference.search(db, q, (int) k);
                for (Check c : List.of(new Check(backend.name(), at, expected.firstDifference(backend.search(db, q, (int) k))),
                        new Check(backend.name(), at + " index", expected.firstDifference(index.search(q, (int) k))))) {
                    out.add(c);
                    progress.accept(c);
                }
            }
        }
    }

    /** Gaussian vectors, or tie-heavy ones: copies of 3 Gaussian vectors. */
    static FloatEmbeddingBatch vectors(SplitMix64 rng, int rows, int dims, boolean ties) {
        float[][] patterns = new float[3][dims];
        for (float[] p : patterns) {
            for (int j = 0; j < dims; j++) {
                p[j] = (float) rng.nextGaussian();
            }
        }
        float[] flat = new float[rows * dims];
        for (int r = 0; r < rows; r++) {
            float[] p = patterns[(int) rng.nextLong(3)];
            for (int j = 0; j < dims; j++) {
                flat[r * dims + j] = ties ? p[j] : (float) rng.nextGaussian();
            }
        }
        return FloatEmbeddingBatch.ofFlat(flat, rows, dims, "suite");
    }

    /** Random codes, or tie-heavy ones: copies of 3 patterns with a rare flipped bit. */
    static BinaryCodeBatch codes(SplitMix64 rng, int rows, int bits, boolean ties) {
        BinaryCodeBatch out = BinaryCodeBatch.allocate(rows, bits, "suite");
        int words = out.words();
        long mask = BinaryCodeBatch.lastWordMask(bits);
        long[][] patterns = new long[3][words];
        for (long[] p : patterns) {
            for (int w = 0; w < words; w++) {
                p[w] = rng.nextLong() & (w == words - 1 ? mask : -1L);
            }
        }
        for (int r = 0; r < rows; r++) {
            long[] p = patterns[(int) rng.nextLong(3)];
            for (int w = 0; w < words; w++) {
                long v = ties ? p[w] : rng.nextLong();
                out.setWord(r, w, v & (w == words - 1 ? mask : -1L));
            }
            if (ties && rng.nextLong(4) == 0) {
                int j = (int) rng.nextLong(bits);
                out.setWord(r, j >>> 6, out.word(r, j >>> 6) ^ (1L << (j & 63)));
            }
        }
        return out;
    }
}
