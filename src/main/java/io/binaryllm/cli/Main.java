package io.binaryllm.cli;

import io.binaryllm.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;

/**
 * {@code binaryllm}: the command line. Exit codes are a contract: 0 success, 2 bad input or usage (one line on
 * stderr naming the file or option and the problem), 1 a bug (with the stack trace under {@code --debug}).
 */
@Command(name = "binaryllm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Binary embeddings: pack floats into bit codes, search them by exact Hamming top-k, check the golden set.",
        subcommands = {PackCommand.class, SearchCommand.class, GoldenCommand.class, DevicesCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static final int OK = 0;
    public static final int BUG = 1;
    public static final int BAD_INPUT = 2;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    public static void main(String[] args) {
        SearchCommand.warmUpKernelEarly(args);
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams and returns the exit code (tests call this directly). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        Main main = new Main();
        CommandLine cli = new CommandLine(main);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine where = e.getCommandLine();
            String command = where.getCommandName().equals("binaryllm") ? "binaryllm" : "binaryllm " + where.getCommandName();
            // A misspelt option also makes the real one "missing"; the misspelling is the news.
            List<String> unmatched = where.getUnmatchedArguments();
            String message = e.getMessage();
            if (!unmatched.isEmpty()) {
                var u = new CommandLine.UnmatchedArgumentException(where, unmatched);
                message = (unmatched.getFirst().startsWith("-") ? "Unknown option: '" : "Unexpected argument: '") + unmatched.getFirst() + "'"
                        + (u.getSuggestions().isEmpty() ? "" : "; did you mean " + String.join(" or ", u.getSuggestions()) + "?");
            }
            err.println(command + ": " + message + " (see " + command + " --help)");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean debug = parseResult.hasMatchedOption("--debug")
                    || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug"));
            if (e instanceof BadInputException) {
                err.println("binaryllm: " + e.getMessage());
                if (debug) {
                    e.printStackTrace(err);
                }
                return BAD_INPUT;
            }
            err.println("binaryllm: internal error: " + e + (debug ? "" : " (a bug; rerun with --debug for the stack trace)"));
            if (debug) {
                e.printStackTrace(err);
            }
            return BUG;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"binaryllm " + (v == null ? "(development build)" : v)};
        }
    }
}
