package io.binaryllm.spark;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
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
     * The shards of {@code files}, in order: corpus rows are numbered across them. Reads each file's header (on the
     * driver, which must see the files as the executors do); a file that is not a 2-D {@code <u8} array is refused
     * naming it.
     */
    public static List<Shard> shardsOf(List<Path> files) {
        List<Shard> shards = new ArrayList<>(files.size());
        long next = 0;
        for (Path f : files) {
            try (Npy.Mapped m = Npy.map(f)) {
                long rows = m.rows();
                shards.add(new Shard(f.toString(), next, rows));
                next = Math.addExact(next, rows);
            }
        }
        return shards;
    }

    /**
     * Exact top-k of every query over every shard: for each query the k corpus rows with the smallest (distance,
     * index). {@code k} must be between 1 and the corpus size; an unreadable or inconsistent shard is a
     * {@link BadInputException} naming it.
     */
    public static SearchResult search(JavaSparkContext spark, List<Shard> shards, BinaryCodeBatch queries, int k, String backend) {
        long total = shards.stream().mapToLong(Shard::rows).sum();
        if (k < 1 || k > total) {
            throw new BadArgumentException("k", "k must be between 1 and the corpus size " + total + ", got " + k);
        }
        Broadcast<QueryWords> q = spark.broadcast(new QueryWords(queries.segment().toArray(ValueLayout.JAVA_LONG),
                Math.toIntExact(queries.rows()), queries.bits()));
        List<Shard> nonEmpty = shards.stream().filter(s -> s.rows() > 0).toList();
        try {
            return spark.parallelize(nonEmpty, nonEmpty.size())
                    .mapPartitions(new SearchShards(q, k, backend))
                    .treeReduce(TopLists::merge)
                    .result();
        } catch (Exception e) { // Spark rethrows a task's failure (a checked SparkException, thrown unchecked)
            throw unwrap(e);
        } finally {
            q.destroy();
        }
    }

    /** A task's bad input as it was thrown there (Spark wraps it, and says "Job aborted" around it). */
    private static RuntimeException unwrap(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadInputException || t instanceof BadArgumentException) {
                return (RuntimeException) t;
            }
        }
        return e instanceof RuntimeException re ? re : new IllegalStateException("the Spark job failed: " + e.getMessage(), e);
    }

    /** The queries as every executor receives them once. */
    record QueryWords(long[] words, int rows, int bits) implements java.io.Serializable {
        BinaryCodeBatch batch() {
            return BinaryCodeBatch.ofWords(words, rows, bits);
        }
    }

    /** A task: search each shard of its partition, return the lists (one element: the partition's merge). */
    private record SearchShards(Broadcast<QueryWords> queries, int k, String backend)
            implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<Shard>, TopLists> {
        @Override
        public Iterator<TopLists> call(Iterator<Shard> shards) {
            QueryWords q = queries.value();
            TopLists merged = TopLists.empty(q.rows(), k);
            BinaryEngine engine = ExecutorEngines.get(backend);
            try (BinaryCodeBatch qs = q.batch()) {
                while (shards.hasNext()) {
                    Shard s = shards.next();
                    try (BinaryCodeBatch raw = Npy.readCodes(Path.of(s.path()))) {
                        if (raw.rows() != s.rows()) {
                            throw BadInputException.in(s.path(), raw.rows() + " rows, " + s.rows() + " when the search began");
                        }
                        BinaryCodeBatch db = raw.withBits(q.bits());
                        SearchBackend.requireValid(db, qs, (int) Math.min(k, db.rows()));
                        SearchResult r = engine.backend().search(db, qs, (int) Math.min(k, db.rows()));
                        merged = TopLists.merge(merged, TopLists.of(r, k, s.firstRow()));
                    }
                }
            }
            return List.of(merged).iterator();
        }
    }
}
