package io.binaryllm;

/**
 * Input the user can fix: a malformed file, a value out of range, a missing option. The CLI turns it into exit
 * code 2 and prints {@link #getMessage()} as one line, so the message always names the file (or option) first and
 * then the problem, e.g. {@code "db.npy: row 3, column 7 is NaN"}.
 */
public final class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same problem, prefixed with the file (or option) it was found in. */
    public static BadInputException in(Object source, String problem) {
        return new BadInputException(source + ": " + problem);
    }
}
