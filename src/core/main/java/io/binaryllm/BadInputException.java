package io.binaryllm;

/**
 * Input the user can fix that is not a call's argument: a malformed or truncated file, codes of the wrong width, a
 * config key with a bad value. The message names the file (with row and column where they apply), then the problem,
 * e.g. {@code "db.npy: row 3, column 7 is NaN"}. A call's argument out of range is a {@link BadArgumentException}. The
 * CLI turns either into exit code 2 and one line. Messages are kept to one line of bounded length: control characters a
 * file's bytes bring in are escaped.
 */
public final class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(Messages.oneLine(message));
    }

    public BadInputException(String message, Throwable cause) {
        super(Messages.oneLine(message), cause);
    }

    /** The problem, prefixed with the file it was found in. */
    public static BadInputException in(Object source, String problem) {
        return new BadInputException(source + ": " + problem);
    }
}
