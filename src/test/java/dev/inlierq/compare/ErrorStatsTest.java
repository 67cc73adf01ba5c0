package dev.inlierq.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The metrics on known errors, the per-channel gain of rescaled tensors, and which tensors count as rescaled. */
class ErrorStatsTest {
    private static final TensorMatch.Pair PAIR = new TensorMatch.Pair("t", "t_dequantized",
            TensorMatch.Kind.QUANTIZED, false);

    @Test
    void metricsOfAKnownError() {
        ErrorStats s = new ErrorStats(false);
        float[] f = {3, -4, 0, 0};
        float[] q = {3, -4, 0.5f, 0};
        s.add(f, q, new long[] {1, 4});
        s.add(f, f, new long[] {1, 4});
        TensorError e = s.result(PAIR);
        // signal 2 * 25, noise 0.25: 10 log10(200)
        assertEquals(10 * Math.log10(200), e.sqnrDb(), 1e-9);
        assertEquals(0.5, e.maxAbsError(), 1e-9);
        assertEquals(0.5 / 14, e.relMeanError(), 1e-9);
        assertEquals(50 / Math.sqrt(50 * 50.25), e.cosine(), 1e-9);
    }

    @Test
    void aRescaledTensorIsComparedAfterItsPerChannelGain() {
        Random r = new Random(3);
        int c = 4;
        int hw = 64;
        double[] s = {0.1, 1, 3, 20};
        ErrorStats plain = new ErrorStats(false);
        ErrorStats gained = new ErrorStats(true);
        for (int image = 0; image < 3; image++) {
            float[] f = new float[c * hw];
            float[] q = new float[c * hw];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) r.nextGaussian();
                q[i] = (float) ((f[i] + 0.01 * r.nextGaussian()) / s[i / hw]);
            }
            plain.add(f, q, new long[] {1, c, 8, 8});
            gained.add(f, q, new long[] {1, c, 8, 8});
        }
        double withGain = gained.result(PAIR).sqnrDb();
        assertTrue(plain.result(PAIR).sqnrDb() < 3, "without the gain the scale dominates");
        assertEquals(40, withGain, 1.5, "1% noise: about 40 dB");
    }

    @Test
    void convOutputsWithAnEqualisedWeightAreRescaledAlsoThroughReluAndQdq() {
        Map<String, OnnxMl.NodeProto> producer = new HashMap<>();
        put(producer, "Conv", "x", "w__eq_conv1_dequantized", "y");
        put(producer, "QuantizeLinear", "y", "s", "y_quantized");
        put(producer, "DequantizeLinear", "y_quantized", "s", "y_dequantized");
        put(producer, "Relu", "y_dequantized", "", "a");
        put(producer, "Relu", "a", "", "aa");
        put(producer, "Conv", "a", "w2_dequantized", "z");
        put(producer, "Sigmoid", "y", "", "sig");
        assertTrue(TensorMatch.rescaled("y", producer));
        assertTrue(TensorMatch.rescaled("y_dequantized", producer));
        assertTrue(TensorMatch.rescaled("a", producer));
        assertFalse(TensorMatch.rescaled("aa", producer), "one Relu only");
        assertFalse(TensorMatch.rescaled("z", producer));
        assertFalse(TensorMatch.rescaled("sig", producer));
    }

    private static void put(Map<String, OnnxMl.NodeProto> producer, String op, String in, String in2, String out) {
        OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder().setOpType(op).addInput(in);
        if (!in2.isEmpty()) {
            b.addInput(in2);
        }
        producer.put(out, b.addOutput(out).build());
    }
}
