package dev.inlierq.detect.spec;

import dev.inlierq.detect.InputSpec;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The one check of a detector spec against a model, made by every command before any work: the input
 * the spec names exists with a shape the pre-processing produces ([N, 3, height, width]), and every
 * output the head reads exists with a shape the family decodes. All problems are reported at once, in
 * one line.
 */
public final class SpecCheck {
    private SpecCheck() {
    }

    /**
     * @param inputs the model's inputs by name, shapes with {@code -1} (or 0) for dynamic dimensions (null when not declared)
     * @param outputs the model's outputs by name, static shapes at batch 1 (null or {@code -1} where unknown)
     * @return every problem, empty when the spec fits the model
     */
    public static List<String> problems(DetectorSpec spec, Map<String, long[]> inputs, Map<String, long[]> outputs) {
        List<String> problems = new ArrayList<>();
        InputSpec in = spec.input();
        String checked = in.name();
        if (!inputs.containsKey(in.name())) {
            problems.add("input.name '" + in.name() + "' is not a model input (the model's inputs are "
                    + inputs.keySet() + ")");
            checked = inputs.size() == 1 ? inputs.keySet().iterator().next() : null;
        }
        long[] shape = checked == null ? null : inputs.get(checked);
        if (shape != null && !inputFits(in, shape)) {
            problems.add("input '" + checked + "' is " + Arrays.toString(shape) + " but the spec feeds "
                    + in.width() + "x" + in.height() + " images (input.width x input.height) as [N, 3, "
                    + in.height() + ", " + in.width() + "]");
        }
        problems.addAll(spec.decoder().outputProblems(outputs, in.width(), in.height()));
        return problems;
    }

    private static boolean inputFits(InputSpec in, long[] s) {
        return s.length == 4 && dimFits(s[1], 3) && dimFits(s[2], in.height()) && dimFits(s[3], in.width());
    }

    private static boolean dimFits(long dim, long wanted) {
        return dim <= 0 || dim == wanted;
    }

    /**
     * Throws one BAD_SPEC line listing every problem of {@link #problems}.
     *
     * @param model how the message names the model (its file)
     */
    public static void require(DetectorSpec spec, Object model, Map<String, long[]> inputs,
            Map<String, long[]> outputs) {
        List<String> problems = problems(spec, inputs, outputs);
        if (!problems.isEmpty()) {
            throw new UserError(ExitCode.BAD_SPEC, "spec '" + spec.name() + "' does not fit " + model + ": "
                    + String.join("; ", problems));
        }
    }
}
