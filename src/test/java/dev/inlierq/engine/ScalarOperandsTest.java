package dev.inlierq.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.testing.NativePoison;
import dev.inlierq.testing.OnnxModelBuilder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gradients through every op that combines an array with a number are the same when freed native memory is
 * poisoned between the forward and the backward pass ({@link NativePoison}): autograd never keeps an operand
 * in memory that Java frees (see {@link Scalars}). Before, each of these read NaN after a garbage collection.
 */
class ScalarOperandsTest {
    @TempDir
    Path tmp;

    /** Gradient of sum(f(x)) with respect to x, with or without poison between forward and backward. */
    private static float[] gradient(float[] x, long[] shape, Function<NDArray, NDArray> f, boolean poison) {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray in = DjlRuntime.create(m, x, new Shape(shape));
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                in.setRequiresGradient(true);
                NDArray y = f.apply(in);
                NativePoison p = poison ? NativePoison.spread() : null;
                gc.backward(y.sum());
                float[] g = in.getGradient().toFloatArray();
                assertTrue(p == null || p.size() > 0);
                return g;
            }
        }
    }

    private static void assertSameAfterGc(String what, float[] x, long[] shape, Function<NDArray, NDArray> f) {
        float[] clean = gradient(x, shape, f, false);
        float[] poisoned = gradient(x, shape, f, true);
        double norm = 0;
        for (int i = 0; i < clean.length; i++) {
            assertTrue(Float.isFinite(clean[i]), what + ": gradient " + i + " is " + clean[i]);
            assertEquals(clean[i], poisoned[i], 0f, what + ": gradient " + i + " changed after a GC");
            norm += Math.abs(clean[i]);
        }
        assertTrue(norm > 0, what + ": no gradient");
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 3);
        }
        return x;
    }

    @Test
    void scalarKernelsKeepTheirOperandsAlive() {
        // every kernel with a number operand: scalar Add/Sub/Mul/Div/Pow on either side, HardSigmoid,
        // HardSwish, PRelu, one-sided Clip, Gemm alpha/beta
        Path file = OnnxModelBuilder.opset(13).input("x", 2, 8)
                .scalar("two", 2f).scalar("three", 3f).scalar("half", 0.5f)
                .initializer("slope", new long[] {8}, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f)
                .initializer("w", new long[] {8, 8}, random(64, 3))
                .initializer("c", new long[] {8}, random(8, 4))
                .scalar("lo", -1f)
                .node("Mul", "x", "two").out("a").end()
                .node("Div", "three", "a").out("b").end()
                .node("Sub", "half", "b").out("c1").end()
                .node("Add", "c1", "three").out("d").end()
                .node("HardSigmoid", "d").out("e").f("alpha", 0.3f).f("beta", 0.4f).end()
                .node("HardSwish", "d").out("f").end()
                .node("PRelu", "d", "slope").out("p").end()
                .node("Clip", "p", "lo", "").out("q").end()
                .node("Gemm", "q", "w", "c").out("r").f("alpha", 0.7f).f("beta", 1.3f).end()
                .node("Mul", "e", "f").out("ef").end()
                .node("Add", "ef", "r").out("s").end()
                .node("Div", "s", "three").out("t").end()
                .node("Pow", "t", "two").out("y").end()
                .output("y")
                .write(tmp);
        Graph g = GraphPreparer.prepare(OnnxReader.read(file));
        try (GraphExecutor ex = new GraphExecutor(g)) {
            float[] x = random(16, 7);
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.abs(x[i]) + 0.5f; // away from the 3 / a pole
            }
            assertSameAfterGc("kernels", x, new long[] {2, 8},
                    in -> ex.forward(in.getManager(), Map.of("x", in), ValueHook.NONE).get("y"));
        }
    }

    @Test
    void lossesAndLsqScalingKeepTheirOperandsAlive() {
        float[] x = random(2 * 3 * 4, 11);
        long[] shape = {2, 3, 4};
        assertSameAfterGc("Scalars", x, shape, a -> {
            try (NDArray b = Scalars.mul(a, 1.5f); NDArray c = Scalars.div(b, 3f); NDArray d = Scalars.sub(c, 0.25f);
                    NDArray e = Scalars.add(d, 2f); NDArray f = Scalars.maximum(e, 0.5f); NDArray h = Scalars.minimum(f, 4f);
                    NDArray k = Scalars.pow(h, 1.5f)) {
                return Scalars.rsub(1f, k);
            }
        });
        assertSameAfterGc("gradScale", x, shape, a -> FakeQuant.gradScale(a, 0.37f));
        float[] probs = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            probs[i] = 1f / (1f + (float) Math.exp(-x[i]));
        }
        assertSameAfterGc("top-K loss", probs, shape, h -> TopKHeatmapLoss.loss(h, 2));
        assertSameAfterGc("heatmap exponent", probs, shape, h -> Scalars.pow(h, 0.6f));
    }
}
