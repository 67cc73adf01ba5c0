package dev.inlierq.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.inlierq.calib.Calibrator;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.RangeEstimation;
import dev.inlierq.quant.WeightStorage;
import dev.inlierq.quant.WeightType;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.OnnxModelBuilder;
import dev.inlierq.testing.RandomData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A head shared across levels: two Convs read one weight and one bias initializer, at inputs of different
 * ranges. The weight is quantized once (one DequantizeLinear feeding both), each Conv gets its own int32
 * bias at its own input scale, names are unique, and ONNX Runtime runs the file at batch 1 and 8 close to
 * the float model.
 */
class SharedWeightTest {
    @TempDir
    Path tmp;

    /** With {@code shared} false, the second head reads copies of the head's weight and bias instead. */
    private Path model(boolean shared) throws Exception {
        Random rnd = new Random(5);
        OnnxModelBuilder b = OnnxModelBuilder.opset(13).input("x", 1, 3, 8, 8);
        b.initializer("w0", new long[] {4, 3, 3, 3}, RandomData.gaussian(rnd, 108, 0.5));
        b.initializer("b0", new long[] {4}, RandomData.gaussian(rnd, 4, 0.1));
        b.initializer("w1", new long[] {4, 4, 3, 3}, RandomData.gaussian(rnd, 144, 0.5));
        float[] headW = RandomData.gaussian(rnd, 20, 0.5);
        float[] headB = RandomData.gaussian(rnd, 5, 1.0);
        b.initializer("head_w", new long[] {5, 4, 1, 1}, headW);
        b.initializer("head_b", new long[] {5}, headB);
        b.node("Conv", "x", "w0", "b0").name("stem").out("c0").ints("pads", 1, 1, 1, 1).end();
        b.node("Relu", "c0").name("relu0").out("p3").end();
        b.node("Conv", "p3", "w1").name("down").out("c1").ints("pads", 1, 1, 1, 1).ints("strides", 2, 2).end();
        b.node("Relu", "c1").name("relu1").out("p4").end();
        b.node("Conv", "p3", "head_w", "head_b").name("head_p3").out("y3").end();
        if (shared) {
            b.node("Conv", "p4", "head_w", "head_b").name("head_p4").out("y4").end();
        } else {
            b.initializer("head_w_copy", new long[] {5, 4, 1, 1}, headW);
            b.initializer("head_b_copy", new long[] {5}, headB);
            b.node("Conv", "p4", "head_w_copy", "head_b_copy").name("head_p4").out("y4").end();
        }
        b.output("y3");
        b.output("y4");
        return b.write(Files.createDirectories(tmp.resolve(shared ? "shared" : "copies")));
    }

    private static FloatTensor input(long seed, int batch) {
        return RandomData.uniform(seed, batch, 3, 8, 8);
    }

    private record Quantized(Graph graph, QuantPlan plan, Map<String, Encoding> encodings) {
    }

    private static List<FloatTensor> calibration() {
        return List.of(input(1, 4), input(2, 4), input(9, 8));
    }

    private Quantized quantize(Path model) {
        Graph g = GraphPreparer.prepare(OnnxReader.read(model));
        QuantPlan plan = Planner.plan(g, PlanOptions.builder().weightBits(8).activationBits(8).build());
        Map<String, Encoding> enc = new LinkedHashMap<>();
        try (GraphExecutor ex = new GraphExecutor(g)) {
            enc.putAll(Calibrator.activations(ex, plan, calibration(), RangeEstimation.MIN_MAX));
        }
        enc.putAll(Calibrator.weights(g, plan, false, WeightType.INT8));
        return new Quantized(g, plan, enc);
    }

    @Test
    void planListsTheSharedWeightOnceAndSaysSo() throws Exception {
        Quantized q = quantize(model(true));
        List<QuantPoint> shared = q.plan().weights().stream().filter(p -> p.tensor().equals("head_w")).toList();
        assertEquals(1, shared.size(), "one quantizer for one tensor");
        assertEquals(8, shared.get(0).bits(), "the widest width any reader asks for (the last layers at 8 bits)");
        String table = q.plan().table();
        assertTrue(table.contains("shared by 2 layers"), table);
        assertEquals("head_w", q.plan().weightOf("head_p3").tensor());
        assertEquals("head_w", q.plan().weightOf("head_p4").tensor());
    }

    @Test
    void onnxRuntimeLoadsTheFileAndMatchesTheFloatModelAtBatch1And8() throws Exception {
        Path floatModel = model(true);
        Quantized q = quantize(floatModel);
        OnnxMl.ModelProto m = QdqWriter.write(q.graph(), q.plan(), q.encodings(), WeightStorage.INT8, Map.of());
        // the same network with the head copied: per-channel ranges over identical copies are the shared ones
        Quantized c = quantize(model(false));
        Path copies = Files.write(tmp.resolve("copies.onnx"),
                QdqWriter.write(c.graph(), c.plan(), c.encodings(), WeightStorage.INT8, Map.of()).toByteArray());
        Set<String> names = new HashSet<>();
        int weightDq = 0;
        for (OnnxMl.NodeProto n : m.getGraph().getNodeList()) {
            assertTrue(names.add(n.getName()), "node name written twice: " + n.getName());
            if (n.getOpType().equals("DequantizeLinear") && n.getInput(0).startsWith("head_w")) {
                weightDq++;
            }
        }
        assertEquals(1, weightDq, "one DequantizeLinear for the shared weight");
        Set<String> inits = new HashSet<>();
        for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
            assertTrue(inits.add(t.getName()), "initializer written twice: " + t.getName());
        }
        // each Conv has its own int32 bias, coded at s_in(consumer) * s_w
        Map<String, String> biasOf = new LinkedHashMap<>();
        for (OnnxMl.NodeProto n : m.getGraph().getNodeList()) {
            if (n.getOpType().equals("Conv") && n.getName().startsWith("head_")) {
                biasOf.put(n.getName(), n.getInput(2));
            }
        }
        assertEquals(2, new HashSet<>(biasOf.values()).size(), "two biases: " + biasOf);
        Path qdq = Files.write(tmp.resolve("qdq.onnx"), m.toByteArray());
        for (int batch : new int[] {1, 8}) {
            FloatTensor x = input(9, batch);
            try (OrtRunner f = new OrtRunner(floatModel, 1); OrtRunner r = new OrtRunner(qdq, 1);
                    OrtRunner rc = new OrtRunner(copies, 1)) {
                Map<String, FloatTensor> yf = f.run(x);
                Map<String, FloatTensor> yq = r.run(x);
                Map<String, FloatTensor> yc = rc.run(x);
                for (String out : List.of("y3", "y4")) {
                    double sqnr = sqnr(yf.get(out).data(), yq.get(out).data());
                    // 18.6 to 21.8 dB for this random tiny network, with the head shared or copied alike
                    assertTrue(sqnr > 15, out + " at batch " + batch + ": SQNR " + sqnr + " dB");
                    assertEquals(batch, yq.get(out).shape()[0]);
                    assertArrayEquals(yc.get(out).data(), yq.get(out).data(), 1e-5f, out + " at batch " + batch
                            + ": the shared head computes what two copies of it do");
                }
            }
        }
    }

    private static double sqnr(float[] ref, float[] got) {
        assertEquals(ref.length, got.length);
        double s = 0;
        double n = 0;
        for (int i = 0; i < ref.length; i++) {
            s += (double) ref[i] * ref[i];
            n += (double) (ref[i] - got[i]) * (ref[i] - got[i]);
        }
        return 10 * Math.log10(s / Math.max(n, 1e-30));
    }
}
