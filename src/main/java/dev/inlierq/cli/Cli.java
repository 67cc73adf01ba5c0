package dev.inlierq.cli;

import dev.inlierq.api.EngineKind;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.plan.Placement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/** Small parsing helpers shared by the commands. */
final class Cli {
    private Cli() {
    }

    /** Rendered width of a progress bar that nobody sees (no terminal to ask). */
    private static final int SILENT_WIDTH = 80;

    /**
     * Whether progress shows as bars: on a terminal, or when the system property {@code inlierq.progress} is
     * {@code always}.
     */
    static boolean progressBars() {
        return System.console() != null || "always".equals(System.getProperty("inlierq.progress"));
    }

    /**
     * A progress bar on the terminal's stderr; silent when output is not a terminal (CI, pipes), unless the
     * system property {@code inlierq.progress} is {@code always} (progress in logs). A silent bar is given its width,
     * so that it never asks JLine for the terminal's: JLine unpacks a native library into the temp folder to do so.
     */
    static me.tongfei.progressbar.ProgressBar progressBar(String task, long max) {
        return new me.tongfei.progressbar.ProgressBarBuilder().setTaskName(task)
                .setStyle(me.tongfei.progressbar.ProgressBarStyle.ASCII).setInitialMax(max).continuousUpdate()
                .setConsumer(progressBars() ? new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)
                        : new me.tongfei.progressbar.DelegatingProgressBarConsumer(s -> { }, SILENT_WIDTH))
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

    /** {@code --placement}: all or inputs. */
    static final class PlacementConverter extends LowerCaseEnum<Placement> {
        PlacementConverter() {
            super("placement", List.of(Placement.ALL_ACTIVATIONS, Placement.LAYER_INPUTS));
        }

        @Override
        String name(Placement p) {
            return p == Placement.ALL_ACTIVATIONS ? "all" : "inputs";
        }
    }

    /** {@code --topk-scope}: class or joint. */
    static final class TopKScopeConverter extends LowerCaseEnum<TopKHeatmapLoss.Scope> {
        TopKScopeConverter() {
            super(TopKHeatmapLoss.Scope.class, "top-K scope");
        }

        @Override
        String name(TopKHeatmapLoss.Scope s) {
            return s == TopKHeatmapLoss.Scope.PER_CLASS ? "class" : "joint";
        }
    }

    /** {@code --engine}: ort or djl. */
    static final class EngineConverter extends LowerCaseEnum<EngineKind> {
        EngineConverter() {
            super(EngineKind.class, "engine");
        }
    }

    /**
     * Converts an option value to the enum constant of that name (its lower-case constant name unless
     * {@link #name} says otherwise; any case, surrounding spaces ignored); anything else is one error line naming
     * the choices ("unknown start 'x' (expected nearest or gptq)"). A subclass per enum, since picocli
     * instantiates converters by class.
     */
    abstract static class LowerCaseEnum<E extends Enum<E>> implements CommandLine.ITypeConverter<E> {
        private final List<E> choices;
        private final String what;

        LowerCaseEnum(Class<E> type, String what) {
            this(what, List.of(type.getEnumConstants()));
        }

        /** Names the choices in an error in the order of {@code choices}, every constant of the enum. */
        LowerCaseEnum(String what, List<E> choices) {
            this.choices = choices;
            this.what = what;
        }

        /** The constant's spelling on the command line. */
        String name(E e) {
            return e.name().toLowerCase(Locale.ROOT);
        }

        @Override
        public E convert(String value) {
            String key = value.strip().toLowerCase(Locale.ROOT);
            List<String> names = new ArrayList<>();
            for (E e : choices) {
                if (name(e).equals(key)) {
                    return e;
                }
                names.add(name(e));
            }
            String last = names.remove(names.size() - 1);
            throw new CommandLine.TypeConversionException("unknown " + what + " '" + value + "' (expected "
                    + (names.isEmpty() ? "" : String.join(", ", names) + " or ") + last + ")");
        }
    }
}
