package io.binaryllm.spark;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.internal.boundary.ErrorLines;
import org.apache.spark.SparkConf;

import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * How the Spark applications end on a failure, as every command of this project does: one line and exit code 2 for
 * what a user can act on, found here or inside an executor's task (Spark wraps it: the cause is told, not Spark's
 * "Job aborted due to stage failure" and two stack traces); a failure of Spark's own (a master that does not answer,
 * an executor lost for good) named with the master; anything else a bug, exit code 1.
 */
final class SparkFailures {
    private SparkFailures() {
    }

    static int report(Throwable e, boolean debug, PrintStream stream) {
        PrintWriter err = new PrintWriter(stream, true);
        Throwable told = userFacing(e);
        String line = ErrorLines.line(told, argument -> "--" + argument);
        if (line == null && fromSpark(e)) {
            line = "--spark " + new SparkConf().get("spark.master", "(no master)") + ": " + deepestMessage(e);
        }
        return ErrorLines.report("binaryllm-spark", told, line, debug, err);
    }

    /** The bad argument or input in {@code e}'s causes (an executor's, which Spark wrapped), else {@code e}. */
    static Throwable userFacing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BadInputException || t instanceof BadArgumentException) {
                return t;
            }
        }
        return e;
    }

    /** Whether Spark threw it, or wrapped it (its exceptions live in {@code org.apache.spark}). */
    private static boolean fromSpark(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().startsWith("org.apache.spark.")) {
                return true;
            }
        }
        return false;
    }

    /** The first line of the innermost message: Spark's outer ones repeat it with stack traces appended. */
    private static String deepestMessage(Throwable e) {
        String message = e.toString();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message.lines().findFirst().orElse(message);
    }
}
