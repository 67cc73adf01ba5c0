package dev.inlierq.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.inlierq.calib.Calibrator;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A linear Resize whose sizes are {@code Concat(Slice(Shape(x), 0, 2), [H2, W2])}, in a model exported at
 * batch 1: folding the sizes at batch 1 must not bake the batch in. The engine, ONNX Runtime on the
 * batch-rewritten float copy, and the written QDQ file all run at batch 8, sample for sample as at batch 1.
 */
class ResizeSizesBatchTest {
    @TempDir
    Path tmp;

    private Path model() {
        Random rnd = new Random(2);
        OnnxModelBuilder b = OnnxModelBuilder.opset(13).input("x", 1, 3, 5, 5);
        b.initializer("w0", new long[] {4, 3, 3, 3}, RandomData.gaussian(rnd, 108, 0.5));
        b.initializer("w1", new long[] {2, 4, 1, 1}, RandomData.gaussian(rnd, 8, 0.5));
        b.initializerInt64("starts", new long[] {1}, 0);
        b.initializerInt64("ends", new long[] {1}, 2);
        b.initializerInt64("hw", new long[] {2}, 12, 8);
        b.node("Conv", "x", "w0").name("c0").out("c0").ints("pads", 1, 1, 1, 1).end();
        b.node("Relu", "c0").out("r0").end();
        b.node("Shape", "r0").out("shape").end();
        b.node("Slice", "shape", "starts", "ends").out("nc").end();
        b.node("Concat", "nc", "hw").out("sizes").i("axis", 0).end();
        b.node("Resize", "r0", "", "", "sizes").name("up").out("u").s("mode", "linear").end();
        b.node("Conv", "u", "w1").name("c1").out("y").end();
        b.output("y");
        return b.write(tmp);
    }

    private static FloatTensor input(long seed, int batch) {
        return RandomData.uniform(seed, batch, 3, 5, 5);
    }

    /** Runs x at its batch and sample by sample at batch 1; both must agree. */
    private static void assertBatchMatchesSamples(java.util.function.Function<FloatTensor, FloatTensor> run, FloatTensor x,
            String what) {
        FloatTensor all = run.apply(x);
        assertArrayEquals(new long[] {8, 2, 12, 8}, all.shape(), what);
        for (int i = 0; i < 8; i++) {
            float[] one = run.apply(x.sample(i)).data();
            float[] part = java.util.Arrays.copyOfRange(all.data(), i * one.length, (i + 1) * one.length);
            assertArrayEquals(one, part, 1e-5f, what + ": sample " + i);
        }
    }

    @Test
    void sizesFromShapeRunAtBatch8InTheEngineOnnxRuntimeAndTheQdqFile() throws Exception {
        Path model = model();
        Graph g = GraphPreparer.prepare(OnnxReader.read(model));
        Node up = g.nodes().stream().filter(n -> n.op() == OpType.Resize).findFirst().orElseThrow();
        assertEquals(3, up.inputs().size(), "sizes became scales: " + up);
        assertArrayEquals(new float[] {1f, 1f, 12f / 5, 8f / 5}, g.constant(up.input(2)).floats());
        FloatTensor x = input(4, 8);
        try (GraphExecutor ex = new GraphExecutor(g)) {
            assertBatchMatchesSamples(t -> ex.run(t).get("y"), x, "engine");
        }
        try (OrtRunner ort = new OrtRunner(model, 1)) {
            assertBatchMatchesSamples(t -> ort.run(t).get("y"), x, "ONNX Runtime, float");
        }
        QuantPlan plan = Planner.plan(g, PlanOptions.builder().weightBits(8).activationBits(8).build());
        Map<String, Encoding> enc = new LinkedHashMap<>();
        try (GraphExecutor ex = new GraphExecutor(g)) {
            enc.putAll(Calibrator.activations(ex, plan, List.of(input(1, 8), x), RangeEstimation.MIN_MAX));
        }
        enc.putAll(Calibrator.weights(g, plan, false, WeightType.INT8));
        OnnxMl.ModelProto m = QdqWriter.write(g, plan, enc, WeightStorage.INT8, Map.of());
        for (OnnxMl.NodeProto n : m.getGraph().getNodeList()) {
            if (n.getOpType().equals("Resize")) {
                assertEquals(3, n.getInputCount(), "no batch-1 sizes in the written file: " + n);
            }
        }
        Path qdq = Files.write(tmp.resolve("qdq.onnx"), m.toByteArray());
        try (OrtRunner ort = new OrtRunner(qdq, 1)) {
            assertBatchMatchesSamples(t -> ort.run(t).get("y"), x, "ONNX Runtime, QDQ");
            assertTrue(ort.run(x).get("y").data().length == 8 * 2 * 12 * 8);
        }
    }
}
