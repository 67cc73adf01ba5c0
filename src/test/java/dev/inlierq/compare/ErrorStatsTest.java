package dev.inlierq.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The metrics on known errors, the per-channel gain of rescaled tensors, and which tensors count as rescaled. */
class ErrorStatsTest {
    private static final TensorMatch.Pair PAIR = new TensorMatch.Pair("t", "t_dequantized",
            TensorMatch.Kind.QUANTIZED, false);

    @Test
    void metricsOfAKnownError() {
        ErrorStats s = new ErrorStats(null);
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
        List<float[][]> data = new ArrayList<>();
        ErrorStats.GainFit fit = new ErrorStats.GainFit();
        for (int image = 0; image < 3; image++) {
            float[] f = new float[c * hw];
            float[] q = new float[c * hw];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) r.nextGaussian();
                q[i] = (float) ((f[i] + 0.01 * r.nextGaussian()) / s[i / hw]);
            }
            data.add(new float[][] {f, q});
            fit.add(f, q, new long[] {1, c, 8, 8});
        }
        double[] gains = fit.gains();
        for (int k = 0; k < c; k++) {
            assertEquals(s[k], gains[k], 0.01 * s[k]);
        }
        ErrorStats plain = new ErrorStats(null);
        ErrorStats gained = new ErrorStats(gains);
        for (float[][] fq : data) {
            plain.add(fq[0], fq[1], new long[] {1, c, 8, 8});
            gained.add(fq[0], fq[1], new long[] {1, c, 8, 8});
        }
        double withGain = gained.result(PAIR).sqnrDb();
        assertTrue(plain.result(PAIR).sqnrDb() < 3, "without the gain the scale dominates");
        assertEquals(40, withGain, 1.5, "1% noise: about 40 dB");
    }

    @Test
    void rescaledAreTheFoldTargetsOfEqualisation() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder();
        // y = conv with an equalised weight, quantized, read through a Relu alone; a = relu(y) read by convolutions
        node(g, "Conv", "y", "x", "w__eq_conv1_dequantized");
        node(g, "QuantizeLinear", "y_quantized", "y", "s");
        node(g, "DequantizeLinear", "y_dequantized", "y_quantized", "s");
        node(g, "Relu", "a", "y_dequantized");
        node(g, "Conv", "z", "a", "w2__eq_conv2");
        node(g, "Conv", "z2", "a", "w3__eq_conv3");
        // z: a convolution whose weight was rescaled only for its input; its output goes to a Concat
        node(g, "Concat", "cat", "z", "z2");
        // v: an equalised convolution read by convolutions directly
        node(g, "Conv", "v", "cat", "w4__eq_conv4");
        node(g, "Conv", "u", "v", "w5");
        TensorMatch.Nodes nodes = TensorMatch.Nodes.of(g.build());
        assertTrue(TensorMatch.rescaled("y", nodes));
        assertTrue(TensorMatch.rescaled("a", nodes));
        assertTrue(TensorMatch.rescaled("v", nodes));
        assertFalse(TensorMatch.rescaled("z", nodes), "read by a Concat: not a fold target");
        assertFalse(TensorMatch.rescaled("u", nodes), "plain weight");
        assertFalse(TensorMatch.rescaled("cat", nodes));
    }

    @Test
    void aHardSwishFoldedThroughItsGateIsRescaledUpToItsOutput() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder();
        // z' = conv / s; the gate convolution computes (s z' + 3) / 6 = (z + 3) / 6 under the Add's name, the clamp
        // clip(., 0, 1) under the Clip's name (both the float value / 6); h = z' * gate under the Div's name
        node(g, "Conv", "z", "x", "w__eq_conv1_dequantized");
        node(g, "QuantizeLinear", "z_quantized", "z", "s");
        node(g, "DequantizeLinear", "z_dequantized", "z_quantized", "s");
        g.addNode(OnnxMl.NodeProto.newBuilder().setName("Add_0__gate").setOpType("Conv")
                .addAllInput(List.of("z_dequantized", "gw", "gb")).addOutput("a"));
        node(g, "Clip", "c", "a", "zero", "one");
        node(g, "Mul", "h", "z_dequantized", "c");
        // a squeeze-excitation block on h: pool, two convolutions, a hard-sigmoid gate, the per-channel product
        node(g, "GlobalAveragePool", "pool", "h");
        node(g, "Conv", "q", "pool", "w4__eq_conv4");
        node(g, "HardSigmoid", "sig", "q");
        node(g, "Mul", "se", "h", "sig");
        node(g, "Conv", "y", "se", "w2__eq_conv2");
        // the same chain without a gate convolution: nothing there is rescaled
        node(g, "Conv", "p", "x", "w3");
        node(g, "Add", "pa", "p", "three");
        node(g, "Clip", "pc", "pa", "zero", "six");
        node(g, "Mul", "pm", "p", "pc");
        node(g, "Div", "ph", "pm", "six");
        node(g, "GlobalAveragePool", "ppool", "ph");
        TensorMatch.Nodes nodes = TensorMatch.Nodes.of(g.build());
        assertTrue(TensorMatch.rescaled("z", nodes), "z' = z / s");
        assertTrue(TensorMatch.rescaled("a", nodes), "the gate: (z + 3) / 6");
        assertTrue(TensorMatch.rescaled("c", nodes), "its clamp: clip(z + 3, 0, 6) / 6");
        assertTrue(TensorMatch.rescaled("h", nodes), "h(z) / s");
        assertTrue(TensorMatch.rescaled("pool", nodes), "the pooled h(z) / s");
        assertTrue(TensorMatch.rescaled("se", nodes), "the squeeze-excitation product");
        assertFalse(TensorMatch.rescaled("q", nodes), "the squeeze convolution takes s back");
        assertFalse(TensorMatch.rescaled("sig", nodes));
        assertFalse(TensorMatch.rescaled("y", nodes));
        for (String t : List.of("p", "pa", "pc", "pm", "ph", "ppool")) {
            assertFalse(TensorMatch.rescaled(t, nodes), t);
        }
    }

    private static void node(OnnxMl.GraphProto.Builder g, String op, String out, String... in) {
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).addAllInput(List.of(in)).addOutput(out));
    }
}
