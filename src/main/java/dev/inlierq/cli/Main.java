package dev.inlierq.cli;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code inlierq} command line: thin commands that call the library. */
@Command(name = "inlierq", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Post-training quantization toolkit for object detectors.",
        subcommands = {EvalCommand.class, QuantizeCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
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
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            line.append("; did you mean ").append(String.join(" or ", u.getSuggestions())).append('?');
        }
        line.append(" (see ").append(cmd.getCommandSpec().qualifiedName()).append(" --help)");
        cmd.getErr().println(line);
        return ExitCode.USAGE.code();
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
