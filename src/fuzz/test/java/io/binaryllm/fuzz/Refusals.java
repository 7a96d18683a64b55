package io.binaryllm.fuzz;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;

/**
 * The property every fuzz target checks: a parser given any bytes either answers or refuses with what the CLI turns
 * into exit 2 and one line ({@link BadInputException}, {@link BadArgumentException}) carrying a message of one line.
 * Anything else (an {@link ArithmeticException}, an {@link OutOfMemoryError}, a {@link NullPointerException}, a
 * hang) escapes and is a finding.
 */
public final class Refusals {
    /** A parse that may throw anything: the fuzzer judges it. */
    @FunctionalInterface
    public interface Parse {
        void run() throws Exception;
    }

    private Refusals() {
    }

    /** Runs {@code parse}; a refusal passes when its message is one non-empty line, anything else is rethrown. */
    public static void answerOrRefuse(Parse parse) throws Exception {
        try {
            parse.run();
        } catch (BadInputException | BadArgumentException refusal) {
            String message = refusal.getMessage();
            if (message == null || message.isBlank() || message.contains("\n") || message.contains("\r")) {
                throw new AssertionError("a refusal must be one line: " + message, refusal);
            }
        }
    }
}
