package io.binaryllm;

/**
 * The form of every error message a user sees: one line (an error is one line on stderr, a contract of the CLI) of
 * bounded length, whatever bytes of a file or an argument it quotes. Line breaks, with the spaces around them, become
 * one space (a parser's message that quotes the input over several lines reads on), a tab a space; every other control
 * character is written as an escape ({@code \x07}); a message longer than {@link #MAX_LENGTH} is cut with an ellipsis.
 * The library's exceptions apply it to their messages; the CLI to every line it prints about an error.
 */
public final class Messages {
    public static final int MAX_LENGTH = 2000;

    private Messages() {
    }

    /** {@code message} as one printable line of at most {@link #MAX_LENGTH} characters (null stays null). */
    public static String oneLine(String message) {
        if (message == null) {
            return null;
        }
        String joined = message.strip().replaceAll("[ \\t]*\\R\\s*", " ");
        StringBuilder out = new StringBuilder(Math.min(joined.length(), MAX_LENGTH) + 16);
        for (int i = 0; i < joined.length() && out.length() < MAX_LENGTH; i++) {
            char c = joined.charAt(i);
            if (c == '\t') {
                out.append(' ');
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= MAX_LENGTH) {
            out.setLength(MAX_LENGTH);
            out.append("...");
        }
        return out.toString();
    }
}
