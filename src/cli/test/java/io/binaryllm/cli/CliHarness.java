package io.binaryllm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;

/** Runs the CLI in-process for tests in other packages. */
public final class CliHarness {
    private CliHarness() {
    }

    public record Run(int code, String out, String err) {
    }

    public static Run cli(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), Arrays.stream(args).map(Object::toString).toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }
}
