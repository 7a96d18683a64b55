package io.binaryllm.cli;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.FileKinds;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code --spark MASTER}: a command handed to Spark with the application jar of {@code src/spark}
 * ({@code binaryllm-spark-app.jar}: that module and core). With a Spark installation, its own {@code spark-submit}
 * starts the driver with the cluster's class path, settings and JVM flags. Without one, a local master
 * ({@code local}, {@code local[N]}, {@code local[*]}) runs Spark's {@code SparkSubmit} in a JVM of its own on the
 * jars of the local Maven repository that the Spark module's build lists ({@code spark-classpath.txt}), with the
 * module openings Spark's launcher passes. This JVM never loads Spark: the 220 MB of it stay out of the command-line
 * tool. The master is checked here, before anything starts; Spark's log is off unless {@code --debug}.
 */
final class SparkHandOver {
    static final String SEARCH_APP = "io.binaryllm.spark.SearchApp";
    static final String RUN_APP = "io.binaryllm.spark.RunApp";
    static final String APP_JAR = "binaryllm-spark-app.jar";
    static final String CLASSPATH_FILE = "src/spark/target/spark-classpath.txt";
    static final String SUBMIT = "org.apache.spark.deploy.SparkSubmit";

    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|[1-9][0-9]{0,5})(,[1-9][0-9]{0,5})?])?");
    private static final Pattern MASTER = Pattern.compile("local-cluster\\[[1-9][0-9]{0,5}, *[1-9][0-9]{0,5}, *[1-9][0-9]{0,8}]"
            + "|spark://[^\\s/,]+(,[^\\s/,]+)*|yarn|k8s://\\S+");

    /**
     * The modules Spark opens to itself on JDK 17+ (its launcher's {@code JavaModuleOptions}, Spark 4.2), which a JVM
     * that runs Spark without that launcher must pass; but for {@code sun.security.action}, which JDK 25 no longer
     * has (the JVM warns about it).
     */
    static final List<String> SPARK_JVM_FLAGS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false", "-Dio.netty.tryReflectionSetAccessible=true",
            "--sun-misc-unsafe-memory-access=allow");

    private SparkHandOver() {
    }

    /** What is handed over: the application, its arguments, and system properties its driver needs. */
    record Job(String master, String app, List<String> args, Map<String, String> driverProperties, boolean debug) {
    }

    /** Runs {@code job} and returns Spark's exit code (the application's: 0, or 2 after one line). */
    static int run(Job job) {
        return run(job, System.getenv(), Path.of(System.getProperty("binaryllm.home", ".")), Path.of(System.getProperty("java.home")));
    }

    static int run(Job job, Map<String, String> env, Path home, Path javaHome) {
        return start(command(job, env, home, javaHome));
    }

    /** The command line: the installation's spark-submit, else (local masters) Spark's SparkSubmit in a JVM of its own. */
    static List<String> command(Job job, Map<String, String> env, Path home, Path javaHome) {
        requireMaster(job.master());
        Path submit = sparkSubmit(env);
        boolean local = LOCAL.matcher(job.master()).matches();
        if (submit == null && !local) {
            throw new BadArgumentException("spark", "the master " + job.master() + " needs a Spark 4.2 installation: set SPARK_HOME or put"
                    + " spark-submit on the PATH (docs/spark.md); local masters (local[N]) run without one");
        }
        List<String> command = new ArrayList<>();
        if (submit != null) {
            command.add(submit.toString());
            if (!job.driverProperties().isEmpty()) {
                command.addAll(List.of("--driver-java-options", String.join(" ", properties(job))));
            }
        } else {
            command.add(javaHome.resolve("bin").resolve("java").toString());
            command.addAll(SPARK_JVM_FLAGS);
            command.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                    "-Dlog4j2.configurationFile=binaryllm-spark-log4j2.properties"));
            if (job.debug()) {
                command.add("-Dbinaryllm.spark.log=warn");
            }
            command.addAll(properties(job));
            command.addAll(List.of("-cp", appJar(home) + File.pathSeparator + sparkClassPath(home), SUBMIT));
        }
        command.addAll(List.of("--master", job.master(), "--class", job.app(),
                // Spark logs every step at INFO: the terminal keeps this tool's own lines, Spark's with --debug.
                "--conf", "spark.log.level=" + (job.debug() ? "WARN" : "OFF")));
        command.add(appJar(home).toString());
        command.addAll(job.args());
        if (job.debug()) {
            command.add("--debug");
        }
        return command;
    }

    private static List<String> properties(Job job) {
        return job.driverProperties().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> "-D" + e.getKey() + "=" + e.getValue()).toList();
    }

    /** Refuses what no Spark master URL is, before anything starts (Spark's own refusal is 13 lines). */
    static void requireMaster(String master) {
        if (master.isBlank()) {
            throw new BadArgumentException("spark", "a master is needed: local[4], local-cluster[2,1,1024], spark://HOST:7077, yarn...");
        }
        if (!LOCAL.matcher(master).matches() && !MASTER.matcher(master).matches()) {
            throw new BadArgumentException("spark", "not a Spark master: '" + master + "' (local, local[N] or local[*] with N >= 1,"
                    + " local-cluster[WORKERS,CORES,MB], spark://HOST:PORT, yarn, k8s://HOST:PORT)");
        }
    }

    private static int start(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            return p.waitFor();
        } catch (IOException e) {
            throw new BadArgumentException("spark", "cannot start " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadArgumentException("spark", "interrupted while Spark ran");
        }
    }

    /** {@code $SPARK_HOME/bin/spark-submit}, else {@code spark-submit} on the {@code PATH}, else null. */
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
        return null;
    }

    /** Spark's jars in the local repository, as the Spark module's build lists them. */
    static String sparkClassPath(Path home) {
        Path list = home.resolve(CLASSPATH_FILE);
        if (!Files.isRegularFile(list)) {
            throw new BadArgumentException("spark", "no Spark installation (SPARK_HOME, or spark-submit on the PATH), and Spark's jars"
                    + " are not listed (" + list + "): run mvn -B package -DskipTests -pl src/spark -am (bin/binaryllm does when it"
                    + " sees --spark), or install Spark 4.2");
        }
        try {
            return Files.readString(list, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw BadInputException.in(list, "cannot read: " + FileKinds.reason(e));
        }
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
