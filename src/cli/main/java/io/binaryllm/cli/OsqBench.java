package io.binaryllm.cli;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.data.RandomCodes;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqScores;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.Seeds;
import io.binaryllm.seed.SplitMix64;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

/**
 * {@code bench --osq}: osq searches on generated codes, timed like the Hamming rows (each backend's answer for the
 * first {@code --check} queries compared with the reference's first). The codes are random planes (padding zero) and
 * random corrections in the ranges real ones take: the kernels' work does not depend on the values.
 */
final class OsqBench {
    private OsqBench() {
    }

    static void run(BenchCommand c, List<int[]> widths, List<BenchRow> rows, PrintWriter out) {
        for (int dims : c.bits) {
            for (int[] w : widths) {
                requireFits(c, dims, w);
                try (OsqCodes db = generate(c.seed, "database", c.n, dims, w[0], false);
                     OsqCodes q = generate(c.seed, "queries", c.nq, dims, w[1], true)) {
                    measure(c, db, q, w[0] + "x" + w[1], rows, out);
                }
            }
        }
    }

    private static void requireFits(BenchCommand c, int dims, int[] w) {
        if (dims < 1) {
            throw new BadInputException("--bits: osq dimensions must be positive, got " + dims);
        }
        for (int k : c.ks) {
            if (k < 1 || k > c.n) {
                throw new BadInputException("--k: k must be between 1 and the database size " + c.n + ", got " + k);
            }
        }
        long planeWords = OsqCodes.planeWords(dims);
        long total = MemoryBudget.sum(MemoryBudget.bytes(c.n, planeWords * w[0], Long.BYTES),
                MemoryBudget.bytes(c.nq, planeWords * w[1], Long.BYTES));
        MemoryBudget.offHeapShortfall(total).ifPresent(problem -> {
            throw new BadInputException("--n, --nq, --bits: " + c.n + " osq documents and " + c.nq + " queries of " + dims
                    + " dims: " + problem);
        });
        MemoryBudget.requireHeapFor("n", MemoryBudget.bytes(c.n + c.nq, OsqScores.CORRECTIONS, Float.BYTES),
                "the corrections of " + c.n + " documents and " + c.nq + " queries");
    }

    private static void measure(BenchCommand c, OsqCodes db, OsqCodes q, String widths, List<BenchRow> rows, PrintWriter out) {
        List<SearchBackend> chosen = c.chooseBackends();
        try {
            SearchBackend reference = chosen.stream().filter(b -> b.name().equals("reference")).findFirst().orElseThrow();
            int checked = (int) Math.min(c.check, q.rows());
            try (OsqCodes checkQueries = slice(q, checked)) {
                for (int k : c.ks) {
                    db.requireSearchable(q, k);
                    double refTime = c.time(() -> reference.search(db, checkQueries, k));
                    SearchResult expected = reference.search(db, checkQueries, k);
                    double refRate = (double) db.rows() * checked / refTime;
                    rows.add(c.print(out, reference, new BenchCommand.Timed(widths, db.rows(), db.codeBits(), checked, k, refTime), refRate, checked));
                    for (SearchBackend b : chosen) {
                        if (b == reference) {
                            continue;
                        }
                        String diff = expected.firstDifference(b.search(db, checkQueries, k));
                        if (diff != null) {
                            throw new IllegalStateException(b.name() + " differs from reference on osq " + widths + " (" + diff + "): not reporting it");
                        }
                        double seconds = c.time(() -> b.search(db, q, k));
                        rows.add(c.print(out, b, new BenchCommand.Timed(widths, db.rows(), db.codeBits(), (int) q.rows(), k, seconds), refRate, checked));
                    }
                }
            }
        } finally {
            chosen.forEach(SearchBackend::close);
        }
    }

    /** Random osq codes: planes with zero padding, corrections drawn where real ones lie. */
    static OsqCodes generate(long seed, String what, long rows, int dims, int bits, boolean queries) {
        int planeWords = OsqCodes.planeWords(dims);
        Seeds seeds = new Seeds(seed);
        BinaryCodeBatch planes = RandomCodes.generate(seeds.stream("bench/osq/" + what + "/" + dims + "/" + bits),
                rows, bits * planeWords * Long.SIZE, "generated osq " + what);
        long mask = BinaryCodeBatch.lastWordMask(dims);
        for (long r = 0; r < rows; r++) {
            for (int i = 0; i < bits; i++) {
                int last = i * planeWords + planeWords - 1;
                planes.setWord(r, last, planes.word(r, last) & mask);
            }
        }
        SplitMix64 rng = seeds.stream("bench/osq/" + what + "/corrections/" + dims + "/" + bits);
        float[] corrections = new float[Math.toIntExact(rows * OsqScores.CORRECTIONS)];
        int levels = (1 << bits) - 1;
        for (int r = 0; r < rows; r++) {
            float lower = (float) (-0.1 * rng.nextDouble());
            float step = (float) (0.2 * rng.nextDouble() / levels);
            float sum = (float) Math.floor(rng.nextDouble() * dims * levels);
            corrections[r * 4] = lower;
            corrections[r * 4 + 1] = step;
            corrections[r * 4 + 2] = queries ? lower * dims + step * sum : sum;
            corrections[r * 4 + 3] = (float) (0.4 * rng.nextDouble() - 0.2);
        }
        return new OsqCodes(planes, corrections, dims, bits, queries, seed);
    }

    /** The first {@code rows} queries, sharing the planes' memory. */
    private static OsqCodes slice(OsqCodes q, int rows) {
        BinaryCodeBatch planes = BinaryCodeBatch.wrap(q.planes().segment().asSlice(0, (long) rows * q.planes().words() * Long.BYTES),
                rows, q.planes().bits(), q.planes().source(), null);
        return new OsqCodes(planes, Arrays.copyOf(q.corrections(), rows * OsqScores.CORRECTIONS), q.dims(),
                q.bitsPerDim(), true, q.centroidId());
    }
}
