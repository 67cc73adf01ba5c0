package dev.inlierq.detect.decode;

import dev.inlierq.error.UserError;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a decoder against the static output shapes of a model, before any image is run: every output
 * the head reads exists, and outputs of those shapes decode (the same checks decoding makes, run on
 * zero-filled outputs of the declared shapes, each part of the score recipe and the boxes separately so
 * that every problem is reported).
 */
final class OutputCheck {
    private OutputCheck() {
    }

    static List<String> problems(Decoder decoder, Map<String, long[]> shapes, int inputWidth, int inputHeight) {
        Head head = decoder.head();
        List<String> missing = head.outputNames().stream().filter(n -> !shapes.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            return List.of("the spec reads model output(s) " + missing + " but the model's outputs are "
                    + shapes.keySet());
        }
        Map<String, FloatTensor> zeros = new HashMap<>();
        for (String name : head.outputNames()) {
            long[] s = shapes.get(name);
            if (s == null || !known(s)) {
                return List.of(); // a dynamic shape: decoding checks it on the first batch
            }
            zeros.put(name, new FloatTensor(s, new float[Math.toIntExact(FloatTensor.numel(s))]));
        }
        Set<String> problems = new LinkedHashSet<>();
        int numClasses = decoder.classes().size();
        HeatmapRecipe recipe = decoder.heatmapRecipe(inputWidth, inputHeight);
        int scoreLocations = 0;
        boolean scoresFit = true;
        for (HeatmapRecipe.Part part : recipe.parts()) {
            try {
                scoreLocations += new HeatmapRecipe(numClasses, List.of(part)).evaluateArray(zeros).locations();
            } catch (UserError e) {
                problems.add(e.getMessage());
                scoresFit = false;
            }
        }
        try {
            LocationBoxes boxes = head.boxes(zeros, numClasses, inputWidth, inputHeight);
            if (scoresFit && boxes.locations() != scoreLocations) {
                problems.add("the score outputs " + head.outputNames() + " give " + scoreLocations
                        + " locations but the box outputs give " + boxes.locations());
            }
        } catch (UserError e) {
            problems.add(e.getMessage());
        }
        return new ArrayList<>(problems);
    }

    private static boolean known(long[] shape) {
        for (long d : shape) {
            if (d <= 0) {
                return false;
            }
        }
        return true;
    }
}
