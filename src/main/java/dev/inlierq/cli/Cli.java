package dev.inlierq.cli;

import dev.inlierq.api.EngineKind;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Small parsing helpers shared by the commands. */
final class Cli {
    private Cli() {
    }

    /**
     * A progress bar on the terminal's stderr; silent when output is not a terminal (CI, pipes), unless the
     * system property {@code inlierq.progress} is {@code always} (progress in logs).
     */
    static me.tongfei.progressbar.ProgressBar progressBar(String task, long max) {
        boolean terminal = System.console() != null || "always".equals(System.getProperty("inlierq.progress"));
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

    /** A count option below {@code min} is one usage line naming the option. */
    static void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new UserError(ExitCode.USAGE, option + " must be at least " + min + ", got " + value);
        }
    }

    /** A model path that is a folder or missing is one line naming it (before any work). */
    static void modelFile(String option, Path model) {
        if (model == null) {
            return;
        }
        if (Files.isDirectory(model)) {
            throw new UserError(ExitCode.MISSING_INPUT, option + " " + model + ": is a folder, not a model file");
        }
        if (!Files.exists(model)) {
            throw new UserError(ExitCode.MISSING_INPUT, option + " " + model + ": model file not found");
        }
    }

    /** {@code --placement}: all or inputs; {@code null} when not given ({@code def} then). */
    static dev.inlierq.plan.Placement placement(CommandLine cl, String name, dev.inlierq.plan.Placement def) {
        if (name == null) {
            return def;
        }
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "all" -> dev.inlierq.plan.Placement.ALL_ACTIVATIONS;
            case "inputs" -> dev.inlierq.plan.Placement.LAYER_INPUTS;
            default -> throw new CommandLine.ParameterException(cl, "unknown placement '" + name
                    + "' (expected all or inputs)");
        };
    }

    /** {@code --topk-scope}: class or joint. */
    static dev.inlierq.loss.TopKHeatmapLoss.Scope topKScope(CommandLine cl, String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "class" -> dev.inlierq.loss.TopKHeatmapLoss.Scope.PER_CLASS;
            case "joint" -> dev.inlierq.loss.TopKHeatmapLoss.Scope.JOINT;
            default -> throw new CommandLine.ParameterException(cl, "unknown top-K scope '" + name
                    + "' (expected class or joint)");
        };
    }

    static EngineKind engine(CommandLine cl, String name) {
        for (EngineKind k : EngineKind.values()) {
            if (k.cliName().equals(name.trim().toLowerCase(java.util.Locale.ROOT))) {
                return k;
            }
        }
        throw new CommandLine.ParameterException(cl, "unknown engine '" + name + "' (expected ort or djl)");
    }

    /**
     * Converts an option value to the enum constant whose lower-case name it is; anything else is one error line
     * naming the choices ("unknown start 'x' (expected nearest or gptq)"). A subclass per enum, since picocli
     * instantiates converters by class.
     */
    abstract static class LowerCaseEnum<E extends Enum<E>> implements CommandLine.ITypeConverter<E> {
        private final Class<E> type;
        private final String what;

        LowerCaseEnum(Class<E> type, String what) {
            this.type = type;
            this.what = what;
        }

        @Override
        public E convert(String value) {
            java.util.List<String> names = new java.util.ArrayList<>();
            for (E e : type.getEnumConstants()) {
                String name = e.name().toLowerCase(java.util.Locale.ROOT);
                if (name.equals(value)) {
                    return e;
                }
                names.add(name);
            }
            throw new CommandLine.TypeConversionException("unknown " + what + " '" + value + "' (expected "
                    + String.join(" or ", names) + ")");
        }
    }
}
