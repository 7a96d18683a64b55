package io.binaryllm.cli;

import io.binaryllm.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code binaryllm}: the command line. Exit codes are a contract: 0 success, 2 bad input or usage (one line on
 * stderr naming the file or option and the problem), 1 a bug (with the stack trace under {@code --debug}).
 */
@Command(name = "binaryllm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Binary embeddings: pack floats into bit codes, search them by exact Hamming top-k, check the golden set.")
public final class Main {
    /**
     * The subcommands, registered lazily: picocli builds a model of every registered command by reflection, about
     * 30 ms each, so a run registers only the one it was asked for (all of them for help and usage errors).
     */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("pack", PackCommand::new);
        COMMANDS.put("search", SearchCommand::new);
        COMMANDS.put("golden", GoldenCommand::new);
        COMMANDS.put("devices", DevicesCommand::new);
        COMMANDS.put("bench", BenchCommand::new);
        COMMANDS.put("run", RunCommand::new);
        COMMANDS.put("datasets", DatasetsCommand::new);
        COMMANDS.put("equivalence", EquivalenceCommand::new);
        COMMANDS.put("embed", EmbedCommand::new);
    }

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
        var direct = SearchArgs.parse(args, err);
        if (direct.isPresent()) {
            return execute(direct.get().command(), direct.get().debug(), err);
        }
        Main main = new Main();
        CommandLine cli = new CommandLine(main);
        String first = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
        if (COMMANDS.containsKey(first)) {
            cli.addSubcommand(first, COMMANDS.get(first).get());
        } else {
            COMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
            cli.addSubcommand("help", new CommandLine.HelpCommand());
        }
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
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> failure(e, parseResult.hasMatchedOption("--debug")
                || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug")), err));
        return cli.execute(args);
    }

    /** Runs a command parsed without picocli, with the same exit codes and messages as picocli's execution. */
    private static int execute(java.util.concurrent.Callable<Integer> command, boolean debug, PrintWriter err) {
        try {
            return command.call();
        } catch (Exception e) {
            return failure(e, debug, err);
        }
    }

    private static int failure(Exception e, boolean debug, PrintWriter err) {
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
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"binaryllm " + (v == null ? "(development build)" : v)};
        }
    }
}
