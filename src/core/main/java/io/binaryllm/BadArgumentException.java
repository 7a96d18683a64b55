package io.binaryllm;

/**
 * An argument of a library call that is out of range or of the wrong kind: an {@link IllegalArgumentException} whose
 * message names the argument and the problem ({@code "k must be between 1 and the database size 1000, got 0"}).
 * {@link #argument()} is the argument's name, which the CLI maps to the option it came from (exit code 2,
 * {@code "--k: k must be ..."}). Problems with the content of a file are {@link BadInputException}s.
 */
public final class BadArgumentException extends IllegalArgumentException {
    private final String argument;

    public BadArgumentException(String argument, String problem) {
        super(Messages.oneLine(problem));
        this.argument = argument;
    }

    /** The argument's name: {@code k}, {@code bits}, {@code backend}, {@code binarizer}, ... */
    public String argument() {
        return argument;
    }
}
