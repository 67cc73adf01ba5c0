package dev.inlierq.runtime;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What ONNX Runtime made of a QDQ file: the integer kernels its QDQ fusion formed (QLinearConv,
 * QLinearMul, ...) and the weighted layers it still runs in float (Conv, FusedConv, Gemm, MatMul and the
 * NCHWc convolutions), read from the graph it executes after optimisation.
 */
public record OrtFusion(Map<String, Integer> integerKernels, Map<String, Integer> floatLayers) {

    /** Splits the op counts of an optimised graph ({@link OrtRunner#optimizedOpCounts()}). */
    public static OrtFusion of(Map<String, Integer> optimizedOps) {
        Map<String, Integer> integer = new TreeMap<>();
        Map<String, Integer> floats = new TreeMap<>();
        optimizedOps.forEach((key, n) -> {
            String op = key.substring(key.lastIndexOf('.') + 1);
            if (op.startsWith("QLinear") || op.equals("QGemm") || op.equals("MatMulInteger") || op.equals("ConvInteger")) {
                integer.put(op, n);
            } else if (op.equals("Conv") || op.equals("FusedConv") || op.equals("Gemm") || op.equals("MatMul")
                    || op.equals("FusedGemm") || op.equals("FusedMatMul") || op.equals("ConvTranspose")) {
                floats.merge(op, n, Integer::sum);
            }
        });
        return new OrtFusion(Collections.unmodifiableMap(integer), Collections.unmodifiableMap(floats));
    }

    /** Reads a model's fusion with ONNX Runtime's full optimisation. */
    public static OrtFusion of(Path model) {
        try (OrtRunner ort = new OrtRunner(model, 1, OrtRunner.Optimization.ALL)) {
            return of(ort.optimizedOpCounts());
        }
    }

    /** One line: "104 QLinearConv, 104 QLinearMul; float layers: 3 Conv" (sorted by op type). */
    public String summary() {
        String integer = counts(integerKernels);
        String floats = counts(floatLayers);
        return (integer.isEmpty() ? "no integer kernels" : integer) + "; float layers: "
                + (floats.isEmpty() ? "none" : floats);
    }

    private static String counts(Map<String, Integer> ops) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(ops).forEach((op, n) -> b.append(b.length() == 0 ? "" : ", ").append(n).append(' ').append(op));
        return b.toString();
    }
}
