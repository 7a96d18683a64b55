package io.binaryllm.cli;

import io.binaryllm.BadArgumentException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --spark MASTER}: a command handed to the Spark installation's own {@code spark-submit}, which starts the
 * driver with the cluster's class path, settings and JVM flags (its launcher passes the ones the engine needs), with
 * the application jar of {@code src/spark} ({@code binaryllm-spark-app.jar}: that module and core; Spark is the
 * installation's). This JVM never loads Spark: the 220 MB of it stay out of the command-line tool.
 */
final class SparkHandOver {
    static final String SEARCH_APP = "io.binaryllm.spark.SearchApp";
    static final String RUN_APP = "io.binaryllm.spark.RunApp";
    static final String APP_JAR = "binaryllm-spark-app.jar";

    private SparkHandOver() {
    }

    /**
     * Runs {@code app} with {@code args} on {@code master} ({@code submitOptions} are spark-submit's own) and returns
     * spark-submit's exit code.
     */
    static int run(String master, String app, List<String> args, List<String> submitOptions) {
        return run(master, app, args, submitOptions, System.getenv(), Path.of(System.getProperty("binaryllm.home", ".")));
    }

    static int run(String master, String app, List<String> args, List<String> submitOptions, Map<String, String> env, Path home) {
        return start(command(master, app, args, submitOptions, env, home));
    }

    /** The spark-submit command line. */
    static List<String> command(String master, String app, List<String> args, List<String> submitOptions, Map<String, String> env, Path home) {
        if (master.isBlank()) {
            throw new BadArgumentException("spark", "a master is needed: local[4], local-cluster[2,1,1024], spark://HOST:7077, yarn...");
        }
        List<String> command = new ArrayList<>(List.of(sparkSubmit(env).toString(), "--master", master, "--class", app,
                // Spark logs every step at INFO: keep the terminal for warnings, errors and this tool's own lines.
                "--conf", "spark.log.level=WARN"));
        command.addAll(submitOptions);
        command.add(appJar(home).toString());
        command.addAll(args);
        return command;
    }

    private static int start(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            return p.waitFor();
        } catch (IOException e) {
            throw new BadArgumentException("spark", "cannot start " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadArgumentException("spark", "interrupted while spark-submit ran");
        }
    }

    /** {@code $SPARK_HOME/bin/spark-submit}, else {@code spark-submit} on the {@code PATH}. */
    static Path sparkSubmit(Map<String, String> env) {
        String home = env.get("SPARK_HOME");
        if (home != null && !home.isBlank()) {
            Path p = Path.of(home, "bin", "spark-submit");
            if (!Files.isExecutable(p)) {
                throw new BadArgumentException("spark", "SPARK_HOME is " + home + ", but it has no executable bin/spark-submit");
            }
            return p;
        }
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "spark-submit"))) {
                return Path.of(dir, "spark-submit");
            }
        }
        throw new BadArgumentException("spark", "needs a Spark 4.2 installation: set SPARK_HOME or put spark-submit on the PATH"
                + " (docs/spark.md)");
    }

    /** The application jar: the bundle's {@code lib/}, or the source tree's {@code src/spark/target/}. */
    static Path appJar(Path home) {
        for (Path p : List.of(home.resolve("lib").resolve(APP_JAR), home.resolve("src/spark/target").resolve(APP_JAR))) {
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new BadArgumentException("spark", "the Spark application jar " + APP_JAR + " is not built: run"
                + " mvn -B package -DskipTests -pl src/spark -am (bin/binaryllm does when it sees --spark)");
    }
}
