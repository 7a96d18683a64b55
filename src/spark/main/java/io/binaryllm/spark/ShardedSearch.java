package io.binaryllm.spark;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Codes;
import io.binaryllm.data.Ranking;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.data.io.NpyHeader;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqFiles;
import io.binaryllm.search.SearchResult;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

import java.io.Serializable;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * Exact top-k over a corpus split into {@code .npy} shards, on a Spark cluster: one task per shard opens it on its
 * executor, searches it with the engine's backend (by name: {@code auto}, {@code native}, {@code cpu}, a GPU where the
 * executor has one) and returns each query's top-k with corpus indices; the partial lists merge by (distance, index)
 * in a tree, so the driver only ever holds answers. The result is what one machine gives for the concatenated corpus,
 * byte for byte: per shard the backends are exact, and the merge of exact lists under a total order is exact in any
 * grouping, whatever the shard boundaries, task retries or executor losses.
 */
public final class ShardedSearch {
    private ShardedSearch() {
    }

    /**
     * The shards of local {@code files}, in order: corpus rows are numbered across them. Reads each file's header (on
     * the driver, which must see the files as the executors do); a file that is not a 2-D {@code <u8} array is refused
     * naming it.
     */
    public static List<Shard> shardsOf(List<Path> files) {
        return numbered(files.stream().map(f -> f.toAbsolutePath().toUri().toString()).toList(), null);
    }

    /**
     * The shards at {@code paths} on any file system {@code hadoop} reads ({@code spark.hadoopConfiguration()}: local,
     * HDFS, S3A...; a path without a scheme is on the default file system), in order, a directory meaning its
     * {@code *.npy} files in name order. Reads each file's header on the driver; a missing, unreadable or malformed
     * file is refused naming it.
     */
    public static List<Shard> shardsOf(Configuration hadoop, List<String> paths) {
        return numbered(ShardFiles.expand(hadoop, paths), hadoop);
    }

    private static List<Shard> numbered(List<String> uris, Configuration hadoop) {
        List<Shard> shards = new ArrayList<>(uris.size());
        long next = 0;
        for (String uri : uris) {
            NpyHeader h = ShardFiles.header(hadoop, uri);
            if (h.dtype() != NpyDtype.U8 || h.shape().length != 2) {
                throw BadInputException.in(uri, "expected packed codes (rows, words) of <u8, got " + h.dtype().descr() + " "
                        + Arrays.toString(h.shape()));
            }
            long rows = h.shape()[0];
            shards.add(new Shard(uri, next, rows));
            next = Math.addExact(next, rows);
        }
        return shards;
    }

    /**
     * Exact top-k of every query over every shard: for each query the k corpus rows with the smallest (distance,
     * index). {@code k} must be between 1 and the corpus size; an unreadable or inconsistent shard is a
     * {@link BadInputException} naming it.
     */
    public static SearchResult search(JavaSparkContext spark, List<Shard> shards, BinaryCodeBatch queries, int k, String backend) {
        return searchShards(spark, shards, QueryWords.of(queries), k, backend);
    }

    /**
     * Exact osq top-k over shards that {@code pack --binarizer osq} wrote (each {@code CODES.npy} with its
     * corrections and centroid beside it, all of one quantizer): for each query the k documents with the highest
     * score, ties by corpus index; the scores and order one machine's {@code search} gives. Shards of another
     * quantizer than the queries' are refused naming them.
     */
    public static SearchResult search(JavaSparkContext spark, List<Shard> shards, OsqCodes queries, int k, String backend) {
        return searchShards(spark, shards, OsqQueries.of(queries), k, backend);
    }

    /** Exact top-k over shards of any code family: each task searches its shards, the lists merge in a tree. */
    private static <C extends Codes> SearchResult searchShards(JavaSparkContext spark, List<Shard> shards, ShippedQueries<C> queries,
                                                             int k, String backend) {
        long total = shards.stream().mapToLong(Shard::rows).sum();
        if (k < 1 || k > total) {
            throw new BadArgumentException("k", "k must be between 1 and the corpus size " + total + ", got " + k);
        }
        Broadcast<ShippedQueries<C>> q = spark.broadcast(queries);
        Broadcast<HadoopConf> hadoop = spark.broadcast(HadoopConf.of(spark.hadoopConfiguration()));
        List<Shard> nonEmpty = shards.stream().filter(s -> s.rows() > 0).toList();
        try {
            return spark.parallelize(nonEmpty, nonEmpty.size())
                    .mapPartitions(new SearchShards<>(q, hadoop, k, backend))
                    .treeReduce(TopLists::merge, mergeDepth(nonEmpty.size()))
                    .result(queries.ranking());
        } catch (Exception e) { // Spark rethrows a task's failure (a checked SparkException, thrown unchecked)
            throw unwrap(e);
        } finally {
            q.destroy();
            hadoop.destroy();
        }
    }

    /**
     * Queries as every executor receives them once, and how their family's shards are opened there.
     *
     * @param <C> the code family
     */
    interface ShippedQueries<C extends Codes> extends Serializable {
        int rows();

        Ranking ranking();

        /** The queries, rebuilt on an executor. */
        C codes();

        /** A shard's codes, read on an executor; closing the shard frees them. */
        OpenShard<C> open(Configuration conf, Shard shard);
    }

    /** A shard's codes and what holds them. */
    record OpenShard<C extends Codes>(C codes, AutoCloseable... held) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            for (AutoCloseable h : held) {
                h.close();
            }
        }
    }

    /** osq queries as every executor receives them once; their shards are the four files an osq pack writes. */
    record OsqQueries(long[] planes, int rows, int planeBits, float[] corrections, int dims, int bitsPerDim, long centroid)
            implements ShippedQueries<OsqCodes> {
        static OsqQueries of(OsqCodes q) {
            return new OsqQueries(q.planes().segment().toArray(ValueLayout.JAVA_LONG), Math.toIntExact(q.rows()), q.planes().bits(),
                    q.corrections().clone(), q.dims(), q.bitsPerDim(), q.centroidId());
        }

        @Override
        public Ranking ranking() {
            return Ranking.SCORE;
        }

        @Override
        public OsqCodes codes() {
            return new OsqCodes(BinaryCodeBatch.ofWords(planes, rows, planeBits), corrections, dims, bitsPerDim, true, centroid);
        }

        @Override
        public OpenShard<OsqCodes> open(Configuration conf, Shard shard) {
            ShardFiles.LocalCopy local = ShardFiles.osqLocal(conf, shard.path());
            try {
                OsqFiles.Stored stored = OsqFiles.read(local.file());
                return new OpenShard<>(stored.codes(), stored, local);
            } catch (RuntimeException | Error e) {
                local.close();
                throw e;
            }
        }
    }

    /** A task: search each shard of its partition, return the lists (one element: the partition's merge). */
    private record SearchShards<C extends Codes>(Broadcast<ShippedQueries<C>> queries, Broadcast<HadoopConf> hadoop, int k,
                                                 String backend)
            implements FlatMapFunction<Iterator<Shard>, TopLists> {
        @Override
        public Iterator<TopLists> call(Iterator<Shard> shards) throws Exception {
            ShippedQueries<C> q = queries.value();
            TopLists merged = TopLists.empty(q.rows(), k);
            BinaryEngine engine = ExecutorEngines.get(backend);
            try (C qs = q.codes()) {
                while (shards.hasNext()) {
                    Shard s = shards.next();
                    try (OpenShard<C> open = q.open(hadoop.value().get(), s)) {
                        C db = open.codes();
                        if (db.rows() != s.rows()) {
                            throw BadInputException.in(s.path(), db.rows() + " rows, " + s.rows() + " when the search began");
                        }
                        SearchResult r = engine.search(db, qs, (int) Math.min(k, db.rows()));
                        merged = TopLists.merge(merged, TopLists.of(r, k, s.firstRow()));
                    }
                }
            }
            return List.of(merged).iterator();
        }
    }

    /**
     * Exact top-k over codes already in a Spark job: {@code codes} pairs each code's corpus index (any order, any
     * partitioning; each index once: a repeat within a partition is refused, across partitions it is not seen) with its words ({@link BinaryCodeBatch#wordsFor} of the queries' bits, padding bits
     * zero). The answer is the one {@link #search(JavaSparkContext, List, BinaryCodeBatch, int, String)} and one
     * machine give for the codes laid out by index: within a partition the codes are searched in index order, so ties
     * fall to the smaller index as everywhere. {@code k} must not exceed the number of codes.
     */
    public static SearchResult search(JavaPairRDD<Long, long[]> codes, BinaryCodeBatch queries, int k, String backend) {
        if (k < 1) {
            throw new BadArgumentException("k", "k must be between 1 and the corpus size, got " + k);
        }
        JavaSparkContext spark = JavaSparkContext.fromSparkContext(codes.context());
        Broadcast<QueryWords> q = spark.broadcast(QueryWords.of(queries));
        try {
            TopLists merged = codes.mapPartitions(new SearchRows(q, k, backend))
                    .treeReduce(TopLists::merge, mergeDepth(codes.getNumPartitions()));
            if (merged.queries() > 0 && merged.sizes()[0] < k) { // every query sees every code: sizes[0] is the corpus size
                throw new BadArgumentException("k", "k must be between 1 and the corpus size " + merged.sizes()[0] + ", got " + k);
            }
            return merged.result(Ranking.DISTANCE);
        } catch (Exception e) {
            throw unwrap(e);
        } finally {
            q.destroy();
        }
    }

    /**
     * Levels of the merge tree: up to {@value #DRIVER_MERGES} partial lists the driver merges itself as the tasks end
     * (it holds the answer and the list in hand, never all of them); a shuffle level above that, which costs a
     * stage (tens of milliseconds) but keeps thousands of lists off the driver.
     */
    static int mergeDepth(int partitions) {
        return partitions <= DRIVER_MERGES ? 1 : 2;
    }

    private static final int DRIVER_MERGES = 64;

    /** A task's bad input as it was thrown there (Spark wraps it, and says "Job aborted" around it). */
    static RuntimeException unwrap(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadInputException || t instanceof BadArgumentException) {
                return (RuntimeException) t;
            }
        }
        return e instanceof RuntimeException re ? re : new IllegalStateException("the Spark job failed: " + e.getMessage(), e);
    }

    /** Hamming queries as every executor receives them once; their shards are packed codes read as the queries' bits. */
    record QueryWords(long[] words, int rows, int bits) implements ShippedQueries<BinaryCodeBatch> {
        static QueryWords of(BinaryCodeBatch q) {
            return new QueryWords(q.segment().toArray(ValueLayout.JAVA_LONG), Math.toIntExact(q.rows()), q.bits());
        }

        BinaryCodeBatch batch() {
            return BinaryCodeBatch.ofWords(words, rows, bits);
        }

        @Override
        public Ranking ranking() {
            return Ranking.DISTANCE;
        }

        @Override
        public BinaryCodeBatch codes() {
            return batch();
        }

        @Override
        public OpenShard<BinaryCodeBatch> open(Configuration conf, Shard shard) {
            BinaryCodeBatch raw = ShardFiles.readCodes(conf, shard.path());
            try {
                return new OpenShard<>(raw.withBits(bits), raw);
            } catch (RuntimeException | Error e) {
                raw.close();
                throw e;
            }
        }
    }

    /** A task over rows in a job: its partition's codes in index order, searched, indices mapped back. */
    private record SearchRows(Broadcast<QueryWords> queries, int k, String backend)
            implements FlatMapFunction<Iterator<Tuple2<Long, long[]>>, TopLists> {
        @Override
        public Iterator<TopLists> call(Iterator<Tuple2<Long, long[]>> rows) {
            QueryWords q = queries.value();
            int words = BinaryCodeBatch.wordsFor(q.bits());
            List<Tuple2<Long, long[]>> mine = new ArrayList<>();
            rows.forEachRemaining(mine::add);
            if (mine.isEmpty()) {
                return List.of(TopLists.empty(q.rows(), k)).iterator();
            }
            mine.sort(Comparator.comparingLong(Tuple2::_1));
            long[] packed = new long[Math.multiplyExact(mine.size(), words)];
            long[] index = new long[mine.size()];
            for (int i = 0; i < mine.size(); i++) {
                long[] code = mine.get(i)._2();
                if (code.length != words) {
                    throw new BadArgumentException("codes", "code " + mine.get(i)._1() + " has " + code.length + " words, "
                            + q.bits() + "-bit queries need " + words);
                }
                if (i > 0 && index[i - 1] == mine.get(i)._1()) {
                    throw new BadArgumentException("codes", "corpus index " + index[i - 1] + " appears twice");
                }
                index[i] = mine.get(i)._1();
                System.arraycopy(code, 0, packed, i * words, words);
            }
            int kk = Math.min(k, mine.size());
            try (BinaryCodeBatch db = BinaryCodeBatch.ofWords(packed, mine.size(), q.bits()); BinaryCodeBatch qs = q.batch()) {
                SearchResult r = ExecutorEngines.get(backend).backend().search(db, qs, kk);
                long[] mapped = r.indices().clone();
                for (int i = 0; i < mapped.length; i++) {
                    mapped[i] = index[(int) mapped[i]];
                }
                return List.of(TopLists.of(new SearchResult(r.queries(), kk, mapped, r.distances()), k, 0)).iterator();
            }
        }
    }
}
