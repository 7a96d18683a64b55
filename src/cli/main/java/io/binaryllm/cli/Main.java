package io.binaryllm.cli;

import io.binaryllm.Messages;
import io.binaryllm.gpu.DeviceFailure;
import io.binaryllm.internal.boundary.ErrorLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code binaryllm}: the command line. Exit codes are a contract: 0 success, 2 bad input or usage (one line on
 * stderr naming the file or option and the problem), 1 a bug (with the stack trace under {@code --debug}).
 */
@Command(name = "binaryllm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Binary and low-bit representations: pack float embeddings into bit codes and search them exactly,",
                "measure what they keep, run a Llama with binary KV caches and ternary layers, check the golden set."})
public final class Main {
    /**
     * The subcommands, registered lazily: picocli builds a model of every registered command by reflection, about
     * 30 ms each, so a run registers only the one it was asked for (all of them for help and usage errors). A
     * switch, not a map of constructor references: each reference would load its class and spin a lambda class at
     * start-up, milliseconds that every run (and the short `search` runs most) would pay.
     */
    static final List<String> COMMANDS = List.of("pack", "search", "golden", "devices", "bench", "run", "datasets",
            "equivalence", "embed", "kv-eval", "model-eval", "train-llama");

    static Object command(String name) {
        return switch (name) {
            case "pack" -> new PackCommand();
            case "search" -> new SearchCommand();
            case "golden" -> new GoldenCommand();
            case "devices" -> new DevicesCommand();
            case "bench" -> new BenchCommand();
            case "run" -> new RunCommand();
            case "datasets" -> new DatasetsCommand();
            case "equivalence" -> new EquivalenceCommand();
            case "embed" -> new EmbedCommand();
            case "kv-eval" -> new KvEvalCommand();
            case "model-eval" -> new ModelEvalCommand();
            case "train-llama" -> new TrainLlamaCommand();
            default -> throw new IllegalArgumentException("no command " + name);
        };
    }

    public static final int OK = 0;
    public static final int BUG = ErrorLines.BUG;
    public static final int BAD_INPUT = ErrorLines.BAD_INPUT;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    public static void main(String[] args) {
        SearchCommand.warmUpKernelEarly(args);
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the CLI with the given streams and returns the exit code (tests call this directly). Errors thrown by a
     * command are mapped here too: a user never sees an {@link OutOfMemoryError} or a fault in a mapped file as a
     * stack trace ({@link #failure(Throwable, boolean, PrintWriter)}).
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        boolean debug = Arrays.asList(args).contains("--debug");
        try {
            return dispatch(out, err, args);
        } catch (Error e) {
            return failure(e, debug, err);
        }
    }

    private static int dispatch(PrintWriter out, PrintWriter err, String... args) {
        var direct = SearchArgs.parse(args, err);
        if (direct.isPresent()) {
            return execute(direct.get().command(), direct.get().debug(), err);
        }
        Main main = new Main();
        CommandLine cli = new CommandLine(main);
        String first = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
        if (first.equals("train-llama")) { // the trainer parses its own options, --help included
            List<String> all = Arrays.asList(args);
            List<String> rest = new ArrayList<>(all.subList(all.indexOf(first) + 1, all.size()));
            boolean debug = all.subList(0, all.indexOf(first)).contains("--debug");
            if (debug && !rest.contains("--debug")) {
                rest.add("--debug");
            }
            TrainLlamaCommand train = new TrainLlamaCommand();
            train.args = rest;
            return execute(train, debug || rest.contains("--debug"), err);
        }
        if (COMMANDS.contains(first)) {
            cli.addSubcommand(first, command(first));
        } else if (!first.isEmpty() && !first.equals("help")) { // else "foo --help" would print the main help and exit 0
            err.println("binaryllm: unknown command '" + first + "'; the commands: " + String.join(", ", COMMANDS));
            err.flush();
            return BAD_INPUT;
        } else {
            COMMANDS.forEach(name -> cli.addSubcommand(name, command(name)));
            cli.addSubcommand("help", new CommandLine.HelpCommand());
        }
        // A path no file system can hold (a NUL in it) is a value the user fixes, said without an exception's name.
        cli.registerConverter(Path.class, value -> {
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new CommandLine.TypeConversionException("not a valid path (" + e.getReason() + ")");
            }
        });
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
            err.println(Messages.oneLine(command + ": " + message + " (see " + command + " --help)"));
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> failure(e, parseResult.hasMatchedOption("--debug")
                || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug")), err));
        return cli.execute(args);
    }

    /** Runs a command parsed without picocli, with the same exit codes and messages as picocli's execution. */
    private static int execute(Callable<Integer> command, boolean debug, PrintWriter err) {
        try {
            return command.call();
        } catch (Exception | Error e) {
            return failure(e, debug, err);
        }
    }

    /**
     * Exit 2 and one line for what the user can act on, else exit 1: a bug. A library argument's problem names the
     * option it came from ({@code --k: k must be ...}: the library's arguments are the options' names); a failing
     * device names {@code --backend}, where the remedy is.
     */
    static int failure(Throwable e, boolean debug, PrintWriter err) {
        String line = e instanceof DeviceFailure d ? "--backend: " + d.getMessage() : ErrorLines.line(e, argument -> "--" + argument);
        return ErrorLines.report("binaryllm", e, line, debug, err);
    }

    /** Whether {@code --debug} was given to this command or a command above it. */
    static boolean debug(CommandLine.Model.CommandSpec spec) {
        for (CommandLine c = spec == null ? null : spec.commandLine(); c != null; c = c.getParent()) {
            if (c.getParseResult() != null && c.getParseResult().hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"binaryllm " + (v == null ? "(development build)" : v)};
        }
    }
}
