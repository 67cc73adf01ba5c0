package dev.inlierq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.cli.Main;
import dev.inlierq.plan.Placement;
import dev.inlierq.quant.WeightType;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.testing.Shared;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --placement all} ONNX Runtime must run the quantized region in integer kernels: no
 * DequantizeLinear/QuantizeLinear pairs left running in float between layers, no float element-wise ops
 * (the Relu in front of a quantizer, the Add/Clip/Div of PicoDet's hard-swish) inside the region.
 */
class FusionTest {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void shared() {
        Shared.require();
    }

    private static Map<String, Integer> fusedOps(String model) {
        Path out = tmp.resolve(model + ".onnx");
        assertEquals(0, Main.execute("quantize", "--model", Shared.model(model).toString(), "--spec", model,
                "--calib", Shared.trainImages().toString(), "--num-calib", "4", "--check-images", "0",
                "--stats-images", "0", "--method", "minmax", "--w-bits", "8", "--a-bits", "8",
                "--placement", "all", "--out", out.toString()));
        assertEquals(WeightType.AUTO.resolve(Placement.ALL_ACTIVATIONS).name(),
                dev.inlierq.onnx.OnnxReader.read(out).metadata().get("inlierq.weight_type"));
        try (OrtRunner ort = new OrtRunner(out, 1, OrtRunner.Optimization.ALL)) {
            return ort.optimizedOpCounts();
        }
    }

    private static int count(Map<String, Integer> ops, String op) {
        return ops.getOrDefault(op, 0);
    }

    @Test
    void fastestDetConvReluChainsBecomeQLinearConv() {
        Map<String, Integer> ops = fusedOps("fastestdet");
        assertEquals(67, count(ops, "com.microsoft.QLinearConv"), ops.toString());
        assertEquals(0, count(ops, "Relu"), "every Relu folded into its quantizer: " + ops);
        // the graph input and the float decoding tail need a few; a pair per Relu would be 48 more
        assertTrue(count(ops, "QuantizeLinear") <= 2, ops.toString());
    }

    @Test
    void picoDetHardSwishRunsAsIntegerAddAndMul() {
        Map<String, Integer> ops = fusedOps("picodet");
        assertTrue(count(ops, "com.microsoft.QLinearAdd") >= 78, ops.toString());
        assertTrue(count(ops, "com.microsoft.QLinearMul") >= 2 * 78, "x * clip(x + 3) and the / 6: " + ops);
        assertEquals(0, count(ops, "Clip"), "clamps folded into their quantizers: " + ops);
        assertEquals(0, count(ops, "Div"), "division by the constant 6 written as an integer multiplication: " + ops);
        assertTrue(count(ops, "QuantizeLinear") <= 3, ops.toString());
    }
}
