package io.binaryllm.gpu.internal;

import io.binaryllm.data.BinaryCodeBatch;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A database on the device in index order, for one kernel per chunk. In one piece (already on the device): the
 * kernel runs once on its buffer. In chunks: chunk c + 1 uploads on {@link #UPLOADER} into the other of two buffers
 * while the kernel runs on chunk c; a buffer is refilled only after the kernel that read it returned (kernels are
 * waited for), and a kernel starts only after its chunk's upload returned, so the order of results is the
 * one-thread order. Runtimes upload on their own copy queue or stream, so the copy really overlaps the kernel.
 */
final class DatabaseChunks<B> {
    /** One daemon thread for every runtime's chunk uploads: a search holds its runtime's lock, so they never queue long. */
    private static final ExecutorService UPLOADER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "binaryllm-gpu-upload");
        t.setDaemon(true);
        return t;
    });

    /** A kernel launch over one chunk: the device buffer holding it, its first row's index, its row count. */
    @FunctionalInterface
    interface PerChunk<B> {
        void run(B buffer, long first, long rows);
    }

    private final BinaryCodeBatch db;
    private final long chunkRows;
    private final B[] buffers;
    private final DeviceCalls<B> calls;

    /** A database already on the device, in {@code buffer}. */
    static <B> DatabaseChunks<B> whole(BinaryCodeBatch db, B buffer) {
        return new DatabaseChunks<>(db, db.rows(), buffer, null, null);
    }

    /** A database passed in chunks of {@code chunkRows} rows through {@code first} and {@code next}. */
    static <B> DatabaseChunks<B> chunked(BinaryCodeBatch db, long chunkRows, B first, B next, DeviceCalls<B> calls) {
        return new DatabaseChunks<>(db, chunkRows, first, next, calls);
    }

    @SuppressWarnings("unchecked")
    private DatabaseChunks(BinaryCodeBatch db, long chunkRows, B first, B next, DeviceCalls<B> calls) {
        this.db = db;
        this.chunkRows = chunkRows;
        this.buffers = next == null ? (B[]) new Object[]{first} : (B[]) new Object[]{first, next};
        this.calls = calls;
    }

    /** The codes, in index order. */
    BinaryCodeBatch codes() {
        return db;
    }

    /** Whether the database is in one piece on the device (not passed in chunks). */
    boolean single() {
        return buffers.length == 1;
    }

    /** Runs {@code kernel} on every chunk in index order, each once its upload is done. */
    void forEach(PerChunk<B> kernel) {
        if (single()) {
            kernel.run(buffers[0], 0, db.rows());
            return;
        }
        long chunks = (db.rows() + chunkRows - 1) / chunkRows;
        Future<Long> pending = UPLOADER.submit(() -> upload(0));
        try {
            for (long c = 0; c < chunks; c++) {
                calls.clock().addUpload(await(pending)); // chunk c is on the device
                calls.clock().sent(rows(c) * db.words() * Long.BYTES);
                pending = null;
                if (c + 1 < chunks) {
                    long nextChunk = c + 1;
                    pending = UPLOADER.submit(() -> upload(nextChunk));
                }
                kernel.run(buffers[(int) (c % 2)], c * chunkRows, rows(c));
            }
        } finally {
            if (pending != null) { // a kernel failed: let the upload in flight finish before anything is freed
                try {
                    await(pending);
                } catch (RuntimeException ignored) {
                    // the kernel's failure is the one to report
                }
            }
        }
    }

    private long rows(long c) {
        return Math.min(chunkRows, db.rows() - c * chunkRows);
    }

    /** Uploads chunk c into its buffer (on the uploader thread); returns the nanoseconds it took. */
    private long upload(long c) {
        long t = System.nanoTime();
        long rowBytes = (long) db.words() * Long.BYTES;
        calls.device().upload(buffers[(int) (c % 2)], db.segment().asSlice(c * chunkRows * rowBytes, rows(c) * rowBytes));
        return System.nanoTime() - t;
    }

    private static long await(Future<Long> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a database chunk uploaded", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("database chunk upload failed", e.getCause());
        }
    }
}
