package dev.inlierq.cli;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code inlierq} command line: thin commands that call the library. */
@Command(name = "inlierq", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Post-training quantization toolkit for object detectors.",
        subcommands = {EvalCommand.class, QuantizeCommand.class, AnalyzeCommand.class, CompareCommand.class,
            BenchCommand.class, SynthCommand.class, SynthLidarCommand.class, TrainCommand.class, DemoCommand.class,
            CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        // Ctrl-C or kill: one line, temporary outputs deleted, 130 / 143 at once (Interrupts); should a signal
        // still reach the JVM's own handler, this hook says the same line and OutputFile's hook cleans up
        Interrupts.install();
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!finished.get()) {
                System.err.println("interrupted");
                System.err.flush();
            }
        }, "inlierq-interrupted"));
        int code = execute(args);
        finished.set(true);
        System.exit(code);
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        StageHelp.install(cl);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            Throwable t = ex;
            while (t != null && !(t instanceof UserError) && t.getCause() != null && t.getCause() != t) {
                if (t.getCause() instanceof UserError) {
                    t = t.getCause();
                    break;
                }
                t = t.getCause();
            }
            if (t instanceof UserError u) {
                cmd.getErr().println("error: " + u.getMessage());
                return u.exitCode().code();
            }
            cmd.getErr().println("internal error: " + ex + " (set INLIERQ_DEBUG=1 for the stack trace)");
            if (System.getenv("INLIERQ_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return ExitCode.INTERNAL.code();
        });
        cl.setParameterExceptionHandler(Main::usageError);
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    /**
     * A command line that is not understood is one line on stderr and exit code 2 (not picocli's message
     * followed by the whole usage text): the message, picocli's suggestions for a mistyped option, and where
     * the usage is.
     */
    static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        StringBuilder line = new StringBuilder("error: ").append(ex.getMessage().strip().replace('\n', ' '));
        if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            java.util.List<String> suggestions = u.getSuggestions().isEmpty()
                    ? sameWithoutDashes(cmd, u.getUnmatched()) : u.getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append("; did you mean ").append(String.join(" or ", suggestions)).append('?');
            }
        }
        line.append(" (see ").append(cmd.getCommandSpec().qualifiedName()).append(" --help)");
        cmd.getErr().println(line);
        return ExitCode.USAGE.code();
    }

    /** Options that differ from an unmatched argument only by dashes ({@code --wbits} for {@code --w-bits}). */
    private static java.util.List<String> sameWithoutDashes(CommandLine cmd, java.util.List<String> unmatched) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String arg : unmatched) {
            String key = arg.split("=", 2)[0].replace("-", "");
            for (String name : cmd.getCommandSpec().optionsMap().keySet()) {
                if (!key.isEmpty() && name.replace("-", "").equals(key) && !out.contains(name)) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"inlierq " + (v == null ? "dev" : v)};
        }
    }
}
