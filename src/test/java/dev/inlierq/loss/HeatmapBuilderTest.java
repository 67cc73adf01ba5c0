package dev.inlierq.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.inlierq.detect.decode.HeatmapRecipe.Activation;
import dev.inlierq.detect.decode.HeatmapRecipe.Part;
import dev.inlierq.detect.decode.HeatmapRecipe.Term;
import dev.inlierq.detect.decode.HeatmapRecipe;
import dev.inlierq.detect.decode.TensorLayout;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.ValueHook;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.NativePoison;
import dev.inlierq.testing.Shared;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine's heatmap against the plain-Java recipe, on synthetic outputs and on the real detectors. */
class HeatmapBuilderTest {

    @Test
    void everyLayoutActivationAndExponentMatchesTheReference() {
        // two parts: CHANNELS_FIRST with 2 anchors, softmax classes and a sigmoid objectness^0.6;
        // CHANNELS_LAST with sigmoid classes
        HeatmapRecipe recipe = new HeatmapRecipe(3, List.of(
                new Part("a", TensorLayout.CHANNELS_FIRST, 2, new Term(1, 3, Activation.SOFTMAX, 0.4),
                        new Term(0, 1, Activation.SIGMOID, 0.6)),
                Part.of("b", TensorLayout.CHANNELS_LAST, Term.of(2, 3, Activation.SIGMOID))));
        Random rnd = new Random(3);
        Map<String, FloatTensor> outs = new LinkedHashMap<>();
        outs.put("a", random(rnd, 2, 8, 3, 4));
        outs.put("b", random(rnd, 2, 5, 6));
        assertEngineMatchesReference(recipe, outs);
    }

    @Test
    void outputsWithoutBatchAxisMatchTheReference() {
        // batch 2: [A*K, N*H, W] channels first with 2 anchors, [N*L, K] channels last
        HeatmapRecipe recipe = new HeatmapRecipe(3, List.of(
                new Part("a", TensorLayout.CHANNELS_FIRST, 2, new Term(1, 3, Activation.SIGMOID, 1.0),
                        new Term(0, 1, Activation.SIGMOID, 0.6), 2 * 12),
                new Part("b", TensorLayout.CHANNELS_LAST, 1, Term.of(2, 3, Activation.SIGMOID), null, 5)));
        Random rnd = new Random(4);
        Map<String, FloatTensor> outs = new LinkedHashMap<>();
        outs.put("a", random(rnd, 8, 2 * 3, 4));
        outs.put("b", random(rnd, 2 * 5, 6));
        assertArrayEquals(new long[] {2, 3, 24 + 5}, recipe.evaluate(outs).shape());
        assertEngineMatchesReference(recipe, outs);
    }

    private static void assertEngineMatchesReference(HeatmapRecipe recipe, Map<String, FloatTensor> outs) {
        FloatTensor want = recipe.evaluate(outs);
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> nd = new HashMap<>();
            outs.forEach((k, v) -> nd.put(k, m.create(v.data(), new Shape(v.shape()))));
            NDArray h = HeatmapBuilder.build(recipe, nd);
            assertArrayEquals(want.shape(), h.getShape().getShape());
            assertTrue(FloatTensor.maxRelativeError(want.data(), h.toFloatArray()) < 1e-5);
        }
    }

    /**
     * The gradient of the mean heatmap reaches the input, finite, and is the same when freed native memory is
     * poisoned between the forward and the backward pass ({@link NativePoison}): no operand autograd keeps may
     * live in memory Java frees (DJL's {@code Number} overloads did, and PicoDet's hard-swish constants turned
     * its gradient to NaN whenever the garbage collector ran in between).
     */
    @ParameterizedTest
    @ValueSource(strings = {"yolox", "picodet", "fastestdet"})
    void realDetectorHeatmapIsDifferentiableAndMatchesTheReference(String model) {
        float[] clean = heatmapGradient(model, false);
        float[] poisoned = heatmapGradient(model, true);
        double norm = 0;
        for (int i = 0; i < clean.length; i++) {
            assertTrue(Float.isFinite(poisoned[i]), "gradient element " + i + " is " + poisoned[i] + " after a GC");
            norm += Math.abs(clean[i]);
        }
        assertTrue(norm > 0, "gradient of the heatmap must reach the input: sum |g| = " + norm);
        assertTrue(FloatTensor.maxRelativeError(clean, poisoned) < 1e-6, "the gradient changed after a GC");
    }

    private static float[] heatmapGradient(String model, boolean poison) {
        var spec = DetectorSpecs.builtIn(model);
        HeatmapRecipe recipe = spec.heatmapRecipe();
        try (GraphExecutor ex = new GraphExecutor(GraphPreparer.prepare(OnnxReader.read(Shared.model(model))));
                NDManager m = DjlRuntime.newManager()) {
            long[] shape = ex.graph().inputs().get(0).shape();
            shape[0] = 2;
            float[] data = new float[(int) FloatTensor.numel(shape)];
            Random rnd = new Random(5);
            for (int i = 0; i < data.length; i++) {
                data[i] = rnd.nextFloat();
            }
            NDArray x = DjlRuntime.create(m, data, new Shape(shape)); // libtorch-owned, not a view of a Java buffer
            float[] g;
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                x.setRequiresGradient(true); // inside the collector: DJL enables autograd there
                Map<String, NDArray> outs = ex.forward(m, Map.of(ex.graph().inputs().get(0).name(), x), ValueHook.NONE);
                Map<String, FloatTensor> heap = new HashMap<>();
                outs.forEach((k, v) -> heap.put(k, new FloatTensor(v.getShape().getShape(), v.toFloatArray())));
                NDArray h = HeatmapBuilder.build(recipe, outs);
                FloatTensor want = recipe.evaluate(heap);
                assertArrayEquals(want.shape(), h.getShape().getShape());
                assertTrue(FloatTensor.maxRelativeError(want.data(), h.toFloatArray()) < 1e-5);
                NativePoison p = poison ? NativePoison.spread() : null;
                gc.backward(h.mean()); // the peak alone can sit on a saturated sigmoid (zero gradient)
                g = x.getGradient().toFloatArray(); // read while the collector is open
                assertTrue(p == null || p.size() > 0);
            }
            return g;
        }
    }

    private static FloatTensor random(Random rnd, long... shape) {
        float[] d = new float[(int) FloatTensor.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rnd.nextGaussian();
        }
        return new FloatTensor(shape, d);
    }
}
