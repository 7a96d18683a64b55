package io.binaryllm.spark;

import io.binaryllm.runner.Sweep;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * A run's variants measured on a Spark cluster: one task a variant, each on some executor, which loads the config's
 * dataset itself (its paths must be readable there: built-in data, a shared file system) and receives the float
 * baseline once, as a broadcast. The measurements come back in config order, each the entry one machine writes.
 * <pre>
 * Runner.run(Path.of("sweep.yaml"), out, SparkSweep.on(spark));   // inside an application with its context
 * </pre>
 */
public final class SparkSweep implements Sweep.Executor {
    private final Supplier<JavaSparkContext> spark;
    private final boolean stopAfter;

    private SparkSweep(Supplier<JavaSparkContext> spark, boolean stopAfter) {
        this.spark = spark;
        this.stopAfter = stopAfter;
    }

    /** Measures on {@code spark}, an application's context, which stays open. */
    public static SparkSweep on(JavaSparkContext spark) {
        return new SparkSweep(() -> spark, false);
    }

    /**
     * Starts a context with {@code spark} when the run, its config and data checked, asks for the measurements (a bad
     * config never reaches a cluster), and stops it when they are in.
     */
    public static SparkSweep starting(Supplier<JavaSparkContext> spark) {
        return new SparkSweep(spark, true);
    }

    @Override
    public List<Sweep.Measured> measureAll(Sweep.Plan plan, int variants) {
        JavaSparkContext sc = spark.get();
        Broadcast<Sweep.Plan> shared = null;
        try {
            shared = sc.broadcast(plan);
            Broadcast<Sweep.Plan> p = shared;
            List<Integer> indices = IntStream.range(0, variants).boxed().toList();
            // One partition a variant: collect() returns them in partition order, which is config order.
            return sc.parallelize(indices, variants).map(i -> Sweep.measure(p.value(), i)).collect();
        } catch (Exception e) {
            throw ShardedSearch.unwrap(e);
        } finally {
            if (shared != null && !stopAfter) {
                shared.destroy(); // an application's context lives on: the float baseline must not stay on every executor
            }
            if (stopAfter) {
                sc.stop();
            }
        }
    }
}
