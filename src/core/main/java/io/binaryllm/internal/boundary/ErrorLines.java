package io.binaryllm.internal.boundary;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.Messages;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.internal.io.FileKinds;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * The error boundary every entry point of this project shares (the CLI, the trainer, the Spark applications): what a
 * user can act on is exit code 2 and one line naming the option or file and the problem; anything else is a bug,
 * exit code 1, with its stack trace only when asked for.
 */
public final class ErrorLines {
    public static final int BUG = 1;
    public static final int BAD_INPUT = 2;

    private ErrorLines() {
    }

    /**
     * The line for {@code e} without the tool's prefix, or null for a bug: a library argument's problem names the
     * option it came from ({@code option} maps the argument's name to it), a bad file names the file, running out of
     * heap says how much the JVM has, a fault in a mapped file names the file.
     */
    public static String line(Throwable e, Function<String, String> option) {
        if (e instanceof Error error && MappedFaults.isMappedFault(error)) {
            e = MappedFaults.explain(error);
        }
        return switch (e) {
            case BadArgumentException a -> option.apply(a.argument()) + ": " + a.getMessage();
            case BadInputException b -> b.getMessage();
            case OutOfMemoryError o -> "out of memory (" + o.getMessage() + "): " + MemoryBudget.heapAdvice();
            case UncheckedIOException u -> FileKinds.explain(u.getCause());
            default -> null;
        };
    }

    /**
     * Prints {@code tool: line} for {@code e} (its stack trace too when {@code debug}) and returns 2, or, for a bug,
     * {@code tool: internal error: ...} and returns 1.
     */
    public static int report(String tool, Throwable e, String line, boolean debug, PrintWriter err) {
        if (line != null) {
            if (line.contains("-Xmx")) { // the library names the JVM's option; bin/binaryllm takes it from the environment
                line += "; bin/binaryllm passes BINARYLLM_JAVA_OPTS to the JVM";
            }
            err.println(Messages.oneLine(tool + ": " + line)); // one line is the contract, whatever a message quotes
        } else {
            err.println(Messages.oneLine(tool + ": internal error: " + e + (debug ? "" : " (a bug; rerun with --debug for the stack trace)")));
        }
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return line != null ? BAD_INPUT : BUG;
    }
}
