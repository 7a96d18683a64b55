package io.binaryllm.spark;

import io.binaryllm.runner.Runner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The program {@code spark-submit} runs for {@code bin/binaryllm run CONFIG --spark MASTER}: the run, its variants
 * measured on the executors ({@link SparkSweep}), written on the driver into the run directory one machine writes,
 * {@code metrics.json} byte for byte.
 * <pre>
 * spark-submit --master MASTER --class io.binaryllm.spark.RunApp binaryllm-spark-app.jar CONFIG
 * </pre>
 * The run directory goes where the config's {@code output.dir} says (default: {@code runs/} under the system property
 * {@code binaryllm.home}, else the working directory). A bad config or dataset is exit code 2 and one line naming the
 * file and key, before a cluster is asked for anything.
 */
public final class RunApp {
    private RunApp() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        int code = run(args, out, System.err, () -> new JavaSparkContext(new SparkConf().setAppName("binaryllm run")));
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the config {@code args} names ({@code CONFIG [--debug]}) and returns the exit code: 0, or 2 for bad input or
     * a failure of Spark's (after one line on {@code err}), or 1 for a bug.
     */
    static int run(String[] args, PrintWriter out, PrintStream err, Supplier<JavaSparkContext> spark) {
        List<String> a = new ArrayList<>(List.of(args));
        boolean debug = a.remove("--debug");
        if (a.size() != 1 || a.getFirst().startsWith("-")) {
            err.println("binaryllm-spark: usage: RunApp CONFIG [--debug] (one run config, YAML or JSON)");
            return 2;
        }
        try {
            Runner.run(Path.of(a.getFirst()), out, SparkSweep.starting(spark));
            return 0;
        } catch (RuntimeException | Error e) {
            return SparkFailures.report(e, debug, err);
        }
    }
}
