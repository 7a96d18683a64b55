package io.binaryllm.search.gpu;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.search.SearchResult;

import java.lang.foreign.MemorySegment;

/**
 * The host's side of GPU work, written once for OpenCL and CUDA: packing (sign and hyperplane codes, rows in
 * chunks) and search (the database whole or in chunks, {@link DatabaseChunks}; the one-pass kernel for
 * k <= {@link CountingSelection#SMALL_K} or histogram, cut and collect above; rows sliced for few queries; the sorted
 * result). A runtime supplies only the device operations, on buffers of type {@code B}; OpenCL runs this code on
 * pocl in CI, so the CUDA path shares tested orchestration.
 *
 * <p>Buffers are kept between searches, one per role ({@link DeviceBufferPool}); {@link #release()} frees them (the
 * runtime's owner calls it on close), and a failed search frees them too, since the device's state is then unknown.
 * A database searched many times can be kept on the device in a buffer of its own ({@link #keep}, {@link #drop}).
 */
public abstract class GpuHost<B> {
    /** Histograms and keys of one pass over the queries stay under this many bytes each. */
    private static final long PASS_BYTES = 256L << 20;
    private final DeviceBufferPool<B> pool = new DeviceBufferPool<>(this::allocate, this::free);

    protected abstract B allocate(long bytes);

    protected abstract void free(B buffer);

    /** Copies {@code data} to the start of {@code dst}. */
    protected abstract void upload(B dst, MemorySegment data);

    protected abstract void fill(B dst, int value, long ints);

    protected abstract void readInts(B src, int[] dst);

    protected abstract void readLongs(B src, long[] dst);

    /**
     * Runs blm_histogram over the chunk's {@code m} queries from {@code q0}, {@code qt} and one slice of the rows a
     * work-group in {@code groups} groups, and waits for it. Arguments in the kernel's order (so for the other kernels).
     */
    protected abstract void histogram(B db, long rows, int words, B queries, int q0, int m, int qt, int slices, int bits,
                                      B hist, int groups);

    /** blm_collect over the chunk's {@code m} queries from {@code q0}: {@link CountingSelection#COUNT_TILE} and a slice a work-group. */
    protected abstract void collect(B db, long rows, long first, int words, B queries, int q0, int m, int slices, B cut,
                                    B ties, int k, B doneBelow, B doneAt, B keys, int groups);

    /**
     * The one-pass kernel over the chunk's {@code m} queries from {@code q0}: one work-group per {@code tile} queries
     * and slice of the rows ({@code slices} of them), {@code groups} in all.
     */
    protected abstract void topKSmall(B db, long rows, long first, int words, B queries, int q0, int m, int k, int slices,
                                      B keys, int tile, int groups);

    /** Work-groups that keep the whole device busy (a few per multiprocessor or compute unit). */
    protected abstract int groupsToFill();

    /** blm_pack_sign over {@code rows} rows: one work-item per output word, {@code groups} groups of {@link #PACK_GROUP}. */
    protected abstract void packSign(B x, long rows, int dims, B codes, int groups);

    /** blm_pack_hyperplane over {@code rows} rows, the projection {@code planes} (bits x dims, row-major). */
    protected abstract void packHyperplane(B x, long rows, int dims, B planes, int bits, B codes, int groups);

    /** Work-items per group of the packing kernels. */
    public static final int PACK_GROUP = 64;
    /** Float rows sent to the device at once when packing stay under this many bytes. */
    private static final long PACK_CHUNK_BYTES = 64L << 20;

    /** Sign codes of every row of {@code x} (finite values: the caller checks), as the sign binarizer packs them. */
    public final BinaryCodeBatch packSigns(FloatEmbeddingBatch x, GpuTimings timings) {
        return pack(x, null, x.dims(), timings);
    }

    /** Hyperplane codes of {@code bits} bits with the projection {@code planes} (bits x dims, row-major). */
    public final BinaryCodeBatch packHyperplane(FloatEmbeddingBatch x, float[] planes, int bits, GpuTimings timings) {
        if (planes.length != (long) bits * x.dims()) {
            throw new IllegalArgumentException(planes.length + " projection values for " + bits + " x " + x.dims());
        }
        return pack(x, planes, bits, timings);
    }

    private BinaryCodeBatch pack(FloatEmbeddingBatch x, float[] planes, int bits, GpuTimings timings) {
        int dims = x.dims();
        int words = BinaryCodeBatch.wordsFor(bits);
        long rowBytes = (long) dims * Float.BYTES;
        long chunkRows = Math.max(1, Math.min(x.rows(), PACK_CHUNK_BYTES / Math.max(1, rowBytes)));
        BinaryCodeBatch out = BinaryCodeBatch.allocate(x.rows(), bits, x.source());
        try {
            B xBuf = buffer("pack-input", chunkRows * rowBytes, timings);
            B codeBuf = buffer("pack-codes", chunkRows * words * Long.BYTES, timings);
            B planeBuf = planes == null ? null : buffer("pack-planes", (long) planes.length * Float.BYTES, timings);
            if (planes != null) {
                long t = System.nanoTime();
                send(planeBuf, MemorySegment.ofArray(planes), timings);
                timings.upload(t);
            }
            for (long first = 0; first < x.rows(); first += chunkRows) {
                long rows = Math.min(chunkRows, x.rows() - first);
                long t = System.nanoTime();
                send(xBuf, x.segment().asSlice(first * rowBytes, rows * rowBytes), timings);
                t = timings.upload(t);
                int groups = Math.toIntExact((rows * words + PACK_GROUP - 1) / PACK_GROUP);
                if (planes == null) {
                    packSign(xBuf, rows, dims, codeBuf, groups);
                } else {
                    packHyperplane(xBuf, rows, dims, planeBuf, bits, codeBuf, groups);
                }
                t = timings.kernels(t);
                long[] codes = new long[Math.toIntExact(rows * words)];
                readLongs(codeBuf, codes);
                timings.download(t);
                MemorySegment.copy(codes, 0, out.segment(), BinaryCodeBatch.U64, first * words * Long.BYTES, codes.length);
            }
        } catch (RuntimeException | Error e) {
            out.close();
            releaseAfter(e);
            throw e;
        }
        return out;
    }

    /** Queries per pass for codes of {@code bins - 1} bits: what the histogram and key buffers are sized for. */
    public static int queriesPerPass(int nq, int bins, int k) {
        return (int) Math.max(1, Math.min(nq, Math.min(PASS_BYTES / (4L * bins), PASS_BYTES / (8L * k))));
    }

    /** Exact top-k, the database sent in chunks of {@code chunkRows} rows (one upload when one chunk holds it). */
    public final SearchResult search(BinaryCodeBatch db, BinaryCodeBatch queries, int k, long chunkRows, GpuTimings timings) {
        long rowBytes = (long) db.words() * Long.BYTES;
        boolean whole = chunkRows >= db.rows();
        try {
            // A database in chunks goes through two buffers: one chunk uploads while the kernel runs on the other.
            // Chunk sizing counted the kept database buffers as free, so when either must change, both go first.
            long dbBytes = Math.max(8, Math.min(chunkRows, db.rows()) * rowBytes);
            long nextBytes = whole ? 0 : Math.max(8, chunkRows * rowBytes);
            if (pool.bytes("database") < dbBytes || pool.bytes("database-next") < nextBytes || whole && pool.has("database-next")) {
                releaseDatabaseBuffers();
            }
            B dbBuf = buffer("database", dbBytes, timings);
            B dbNext = whole ? null : buffer("database-next", nextBytes, timings);
            if (whole) {
                long t = System.nanoTime();
                send(dbBuf, db.segment(), timings);
                timings.upload(t);
            }
            DatabaseChunks<B> chunks = whole ? DatabaseChunks.whole(db, dbBuf, timings)
                    : DatabaseChunks.chunked(db, chunkRows, dbBuf, dbNext, this::upload, timings);
            return select(chunks, db, queries, k, timings);
        } catch (RuntimeException | Error e) {
            releaseAfter(e);
            throw e;
        }
    }

    /** Exact top-k over a database kept on the device by {@link #keep}: only the queries are uploaded. */
    public final SearchResult search(GpuRuntime.Resident kept, BinaryCodeBatch queries, int k, GpuTimings timings) {
        Resident r = mine(kept);
        if (r.dropped) {
            throw new IllegalStateException("the database kept on the device was closed");
        }
        try {
            return select(DatabaseChunks.whole(r.codes, r.buffer, timings), r.codes, queries, k, timings);
        } catch (RuntimeException | Error e) {
            releaseAfter(e);
            throw e;
        }
    }

    /** The selection over the database's chunks (already on the device when there is one chunk). */
    private SearchResult select(DatabaseChunks<B> chunks, BinaryCodeBatch db, BinaryCodeBatch queries, int k, GpuTimings timings) {
        int words = db.words();
        int nq = Math.toIntExact(queries.rows());
        int bins = db.bits() + 1;
        int pass = queriesPerPass(nq, bins, k);
        boolean small = k <= CountingSelection.SMALL_K;
        int tile = CountingSelection.queryTile();
        // Few queries fill a few multiprocessors: the kernels then also cut the rows into slices (the counting
        // selection only over a database in one piece: its slices' slots are counted ahead, from the histograms).
        int slices = small || chunks.single()
                ? CountingSelection.slices(pass, small ? tile : CountingSelection.COUNT_TILE, db.rows(), groupsToFill()) : 1;
        pass = (int) Math.max(1, Math.min(pass, small ? PASS_BYTES / (8L * k * slices) : PASS_BYTES / (4L * bins * slices)));
        int keySlices = small ? slices : 1; // the one-pass kernel keeps k keys per slice; collect writes each query's k once
        long[] indices = new long[nq * k];
        int[] distances = new int[nq * k];
        B qBuf = buffer("queries", queries.segment().byteSize(), timings);
        B keyBuf = buffer("keys", 8L * k * pass * keySlices, timings);
        B histBuf = small ? null : buffer("histograms", 4L * bins * pass * slices, timings);
        B cutBuf = small ? null : buffer("cuts", 4L * pass, timings);
        B tieBuf = small ? null : buffer("ties", 4L * pass, timings);
        B belowBuf = small ? null : buffer("below", 4L * pass * slices, timings);
        B atBuf = small ? null : buffer("at", 4L * pass * slices, timings);
        long t = System.nanoTime();
        send(qBuf, queries.segment(), timings);
        timings.upload(t);
        for (int q0 = 0; q0 < nq; q0 += pass) {
            int m = Math.min(pass, nq - q0);
            int q = q0; // for the kernels' lambdas
            long[] keys = new long[m * k * keySlices];
            if (small) {
                fill(keyBuf, -1, 2L * m * k * keySlices); // all ones: no key yet
                int groups = Math.toIntExact((long) (m + tile - 1) / tile * slices);
                chunks.forEach((buf, first, rows) -> topKSmall(buf, rows, first, words, qBuf, q, m, k, slices, keyBuf,
                        tile, groups));
            } else {
                fill(histBuf, 0, (long) m * bins * slices);
                int qt = CountingSelection.histogramTile(bins);
                int histGroups = Math.toIntExact((long) (m + qt - 1) / qt * slices);
                chunks.forEach((buf, first, rows) -> histogram(buf, rows, words, qBuf, q, m, qt, slices, db.bits(), histBuf,
                        histGroups));
                int[] hist = new int[Math.toIntExact((long) m * bins * slices)];
                t = System.nanoTime();
                readInts(histBuf, hist);
                timings.download(t);
                CountingSelection.Cuts cuts = CountingSelection.cuts(hist, slices, m, bins, k);
                t = System.nanoTime();
                send(cutBuf, MemorySegment.ofArray(cuts.cut()), timings);
                send(tieBuf, MemorySegment.ofArray(cuts.ties()), timings);
                send(belowBuf, MemorySegment.ofArray(cuts.belowBefore()), timings);
                send(atBuf, MemorySegment.ofArray(cuts.atBefore()), timings);
                timings.upload(t);
                int groups = Math.toIntExact((long) (m + CountingSelection.COUNT_TILE - 1) / CountingSelection.COUNT_TILE * slices);
                chunks.forEach((buf, first, rows) -> collect(buf, rows, first, words, qBuf, q, m, slices, cutBuf, tieBuf, k,
                        belowBuf, atBuf, keyBuf, groups));
            }
            t = System.nanoTime();
            readLongs(keyBuf, keys);
            timings.download(t);
            CountingSelection.unpack(keys, keySlices, m, k, indices, distances, q0 * k);
        }
        return new SearchResult(nq, k, indices, distances);
    }

    /** Uploads {@code data} and counts its bytes (the caller times it). */
    private void send(B dst, MemorySegment data, GpuTimings timings) {
        upload(dst, data);
        timings.sent(data.byteSize());
    }

    /** After a failure the device's state is unknown: the pooled buffers go (a kept database stays its owner's). */
    private void releaseAfter(Throwable e) {
        try {
            release();
        } catch (RuntimeException again) {
            e.addSuppressed(again);
        }
    }

    /**
     * A database copied to the device for repeated searches: a buffer of its own, outside the pool, so
     * {@link #release()} leaves it alone; {@link #drop} frees it.
     */
    final class Resident implements GpuRuntime.Resident {
        private final B buffer;
        private final BinaryCodeBatch codes;
        private final long bytes;
        private boolean dropped;

        private Resident(B buffer, BinaryCodeBatch codes, long bytes) {
            this.buffer = buffer;
            this.codes = codes;
            this.bytes = bytes;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        private GpuHost<B> host() {
            return GpuHost.this;
        }
    }

    private long keptBytes;

    /** Copies {@code db} into a buffer of its own on the device, for {@link #search(GpuRuntime.Resident, BinaryCodeBatch, int, GpuTimings)}. */
    public final GpuRuntime.Resident keep(BinaryCodeBatch db, GpuTimings timings) {
        long bytes = Math.max(8, db.segment().byteSize());
        B buffer = allocate(bytes);
        timings.allocated();
        try {
            long t = System.nanoTime();
            send(buffer, db.segment(), timings);
            timings.upload(t);
        } catch (RuntimeException | Error e) {
            try {
                free(buffer);
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        keptBytes += bytes;
        return new Resident(buffer, db, bytes);
    }

    /** Frees a kept database's buffer; a second call does nothing. */
    public final void drop(GpuRuntime.Resident kept) {
        Resident r = mine(kept);
        if (!r.dropped) {
            r.dropped = true;
            keptBytes -= r.bytes;
            free(r.buffer);
        }
    }

    /** Bytes of device memory the kept databases hold. */
    public final long keptBytes() {
        return keptBytes;
    }

    /** Frees the pooled database buffers (before a database is kept: the device's memory is better spent on it). */
    public final void releaseDatabaseBuffers() {
        pool.discard("database");
        pool.discard("database-next");
    }

    @SuppressWarnings("unchecked")
    private Resident mine(GpuRuntime.Resident kept) {
        if (!(kept instanceof GpuHost<?>.Resident r) || r.host() != this) {
            throw new IllegalArgumentException("a database kept by another device runtime");
        }
        return (Resident) r;
    }

    private B buffer(String role, long bytes, GpuTimings timings) {
        return pool.get(role, bytes, timings);
    }

    /**
     * Bytes of device memory the pooled database buffers hold: a search replaces or reuses them, so its chunk
     * sizing may count them as free although the driver counts them used.
     */
    public final long pooledDatabaseBytes() {
        return pool.bytes("database") + pool.bytes("database-next");
    }

    /** Frees every pooled buffer; the next search allocates what it needs. */
    public final void release() {
        pool.release();
    }
}
