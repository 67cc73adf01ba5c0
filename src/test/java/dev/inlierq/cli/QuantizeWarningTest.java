package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.Method;
import dev.inlierq.api.QualityWarning;
import dev.inlierq.api.Quantization;
import dev.inlierq.plan.Placement;
import dev.inlierq.plan.Role;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The low-SQNR warning: when it is given, which tensors it names (worst first), and its advice. */
class QuantizeWarningTest {
    private static Quantization.TensorReport tensor(String name, double db) {
        return new Quantization.TensorReport(name, Role.ACTIVATION, 8, new float[] {1}, new int[] {0}, 0, db, null, null);
    }

    private static final List<Quantization.TensorReport> TENSORS = List.of(tensor("a", 30), tensor("b", 12),
            tensor("c", Double.POSITIVE_INFINITY), tensor("d", 25), tensor("e", 9), tensor("f", 40));

    @Test
    void onlyOutputsBelowTheThresholdWarn() {
        double t = QualityWarning.OUTPUT_SQNR_THRESHOLD_DB;
        assertTrue(QualityWarning.of(Map.of("out", t, "out2", t + 5), TENSORS, null, t, 3).isEmpty());
        Map<String, Double> outputs = new LinkedHashMap<>();
        outputs.put("good", t + 1);
        outputs.put("bad", t - 0.1);
        outputs.put("nan", Double.NaN);
        QualityWarning w = QualityWarning.of(outputs, TENSORS, null, t, 3).orElseThrow();
        assertEquals(List.of("bad", "nan"), List.copyOf(w.lowOutputs().keySet()));
        assertEquals(List.of("e", "b", "d"), w.worst().stream().map(Quantization.TensorReport::tensor).toList());
        assertEquals(null, w.worstLayer());
    }

    @Test
    void theBlockNamesTheWorstTensorsAndWhatToTry() {
        QualityWarning w = new QualityWarning(Map.of("758", 4.2), TENSORS.subList(4, 5), "Conv_12");
        String text = QuantizeWarning.text(w, new QuantizeWarning.Run(Path.of("m.onnx"), "fastestdet", Path.of("cal"),
                Path.of("q.onnx"), Method.MINMAX, Placement.ALL_ACTIVATIONS));
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).startsWith("warning: model output '758' is 4.2 dB from the float model"), text);
        assertTrue(text.contains("9.0 dB  activation 8-bit  e"), text);
        assertTrue(text.contains("--method gptq") && text.contains("--placement inputs")
                && text.contains("--exclude-node Conv_12"), text);
        assertTrue(text.contains("./inlierq compare --float m.onnx --quantized q.onnx --images cal --spec fastestdet"),
                text);
        String gptq = QuantizeWarning.text(w, new QuantizeWarning.Run(Path.of("m.onnx"), "fastestdet", Path.of("cal"),
                Path.of("q.onnx"), Method.GPTQ, Placement.LAYER_INPUTS));
        assertFalse(gptq.contains("--method gptq") || gptq.contains("--placement inputs"), "only what changes: " + gptq);
    }
}
