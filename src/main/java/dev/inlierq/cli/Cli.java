package dev.inlierq.cli;

import dev.inlierq.api.EngineKind;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import picocli.CommandLine;

/** Small parsing helpers shared by the commands. */
final class Cli {
    private Cli() {
    }

    /** A progress bar on the terminal's stderr; silent when output is not a terminal (CI, pipes). */
    static me.tongfei.progressbar.ProgressBar progressBar(String task, long max) {
        boolean terminal = System.console() != null;
        return new me.tongfei.progressbar.ProgressBarBuilder().setTaskName(task)
                .setStyle(me.tongfei.progressbar.ProgressBarStyle.ASCII).setInitialMax(max).continuousUpdate()
                .setConsumer(terminal ? new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)
                        : new me.tongfei.progressbar.DelegatingProgressBarConsumer(s -> { }))
                .build();
    }

    /** Bit widths the QDQ writer and ONNX Runtime handle: 2..8 (no 16-bit output). */
    static void checkBits(String option, int bits) {
        if (bits < 2 || bits > 8) {
            throw new UserError(ExitCode.USAGE, option + " " + bits + " is not supported: expected 2 to 8 bits");
        }
    }

    static EngineKind engine(CommandLine cl, String name) {
        for (EngineKind k : EngineKind.values()) {
            if (k.cliName().equals(name.trim().toLowerCase(java.util.Locale.ROOT))) {
                return k;
            }
        }
        throw new CommandLine.ParameterException(cl, "unknown engine '" + name + "' (expected ort or djl)");
    }
}
