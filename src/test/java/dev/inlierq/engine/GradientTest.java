package dev.inlierq.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.testing.OnnxModelBuilder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Autograd through the executor: on x -> Conv -> c -> Sigmoid -> s -> Mul(c, s) -> y (SiLU), back-propagate
 * L = sum(y) inside a GradientCollector and compare dL/dc (c probed by a {@link ValueHook} that swaps in a
 * detached leaf requiring a gradient) and dL/dx with central finite differences computed with the
 * engine itself (the hook substitutes a perturbed c). Relative error must stay below 1e-2. The same check,
 * as a directional derivative, runs on every differentiable {@link OpParityTest} case.
 */
class GradientTest {
    static final double EPS = 1e-2;
    static final double TOLERANCE = 1e-2;

    @TempDir
    Path tmp;

    @TempDir
    static Path shared;

    private Graph model() {
        Random r = new Random(5);
        float[] w = new float[3 * 2 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.4);
        }
        Path file = OnnxModelBuilder.opset(13).input("x", -1, 2, 5, 5)
                .initializer("w", new long[] {3, 2, 3, 3}, w)
                .initializer("b", new long[] {3}, 0.1f, -0.2f, 0.3f)
                .node("Conv", "x", "w", "b").out("c").ints("pads", 1, 1, 1, 1).end()
                .node("Sigmoid", "c").out("s").end()
                .node("Mul", "c", "s").out("y").end()
                .output("y")
                .write(tmp);
        return GraphPreparer.prepare(OnnxReader.read(file));
    }

    private static float[] input() {
        Random r = new Random(9);
        float[] x = new float[2 * 5 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() * 4 - 2;
        }
        return x;
    }

    /** Replaces value {@code name} by a detached leaf requiring a gradient, and keeps it. */
    static final class Probe implements ValueHook {
        final String name;
        NDArray leaf;

        Probe(String name) {
            this.name = name;
        }

        @Override
        public NDArray apply(String valueName, NDArray value) {
            if (!valueName.equals(name)) {
                return value;
            }
            leaf = value.stopGradient();
            leaf.setRequiresGradient(true);
            return leaf;
        }

        @Override
        public boolean retain(String valueName) {
            return valueName.equals(name);
        }
    }

    /** Replaces value {@code name} by fixed contents. */
    static ValueHook substitute(String name, float[] contents) {
        return (valueName, value) -> valueName.equals(name)
                ? value.getManager().create(contents, value.getShape())
                : value;
    }

    /** L = sum(y) in double, from one forward pass. */
    static double loss(GraphExecutor ex, NDManager scope, float[] x, ValueHook hook) {
        try (NDManager sub = scope.newSubManager()) {
            NDArray in = sub.create(x, new Shape(1, 2, 5, 5));
            float[] y = ex.forward(sub, Map.of("x", in), hook).get("y").toFloatArray();
            double sum = 0;
            for (float v : y) {
                sum += v;
            }
            return sum;
        }
    }

    @Test
    void intermediateGradientMatchesFiniteDifferences() {
        Graph g = model();
        float[] x = input();
        try (GraphExecutor ex = new GraphExecutor(g); NDManager scope = DjlRuntime.newManager()) {
            Probe probe = new Probe("c");
            float[] grad;
            float[] c0;
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                NDArray in = scope.create(x, new Shape(1, 2, 5, 5));
                NDArray y = ex.forward(scope, Map.of("x", in), probe).get("y");
                gc.backward(y.sum());
                assertNotNull(probe.leaf, "the hook never saw value 'c'");
                NDArray gr = probe.leaf.getGradient();
                assertNotNull(gr, "no gradient reached the probed value 'c'");
                grad = gr.toFloatArray();
                c0 = probe.leaf.toFloatArray();
            }
            assertEquals(3 * 5 * 5, grad.length);
            double[] fd = centralDifferences(c0, c -> loss(ex, scope, x, substitute("c", c)));
            assertClose("dL/dc", grad, fd);
        }
    }

    @Test
    void inputGradientThroughConvMatchesFiniteDifferences() {
        assertInputGradientMatchesFiniteDifferences(model(), "dL/dx");
    }

    /** The gradient also flows through the kernels built from several libtorch calls. */
    @Test
    void inputGradientThroughConvTransposePadPoolResizeMatchesFiniteDifferences() {
        Random r = new Random(6);
        float[] w = new float[2 * 3 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.4);
        }
        Path file = OnnxModelBuilder.opset(13).input("x", -1, 2, 5, 5)
                .initializer("w", new long[] {2, 3, 3, 3}, w)
                .initializer("b", new long[] {3}, 0.1f, -0.2f, 0.3f)
                .int64s("pads", 0, 0, 1, 2, 0, 0, 2, 1)
                .initializer("sc", new long[] {4}, 1, 1, 1.5f, 1.5f)
                .node("ConvTranspose", "x", "w", "b").out("t").ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)
                .ints("output_padding", 1, 1).end()
                .node("Pad", "t", "pads").out("p").s("mode", "reflect").end()
                .node("AveragePool", "p").out("a").ints("kernel_shape", 3, 3).ints("strides", 2, 2)
                .ints("pads", 1, 0, 0, 1).end()
                .node("Resize", "a", "", "sc").out("rs").s("mode", "linear").end()
                .node("Tanh", "rs").out("y").end()
                .output("y").write(tmp);
        assertInputGradientMatchesFiniteDifferences(GraphPreparer.prepare(OnnxReader.read(file)),
                "dL/dx through ConvTranspose, Pad, AveragePool, Resize");
    }

    /** On {@link #input()}: autograd's dL/dx against {@link #centralDifferences} of {@link #loss}. */
    private static void assertInputGradientMatchesFiniteDifferences(Graph g, String what) {
        float[] x = input();
        try (GraphExecutor ex = new GraphExecutor(g); NDManager scope = DjlRuntime.newManager()) {
            float[] grad;
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                NDArray in = scope.create(x, new Shape(1, 2, 5, 5));
                in.setRequiresGradient(true);
                NDArray y = ex.forward(scope, Map.of("x", in), ValueHook.NONE).get("y");
                gc.backward(y.sum());
                grad = in.getGradient().toFloatArray();
            }
            double[] fd = centralDifferences(x, xk -> loss(ex, scope, xk, ValueHook.NONE));
            assertClose(what, grad, fd);
        }
    }

    /**
     * Per element k of {@code at}: (L(at + EPS e_k) - L(at - EPS e_k)) / (the float step actually taken), the
     * plus side evaluated first.
     */
    static double[] centralDifferences(float[] at, ToDoubleFunction<float[]> loss) {
        double[] fd = new double[at.length];
        for (int k = 0; k < at.length; k++) {
            float[] plus = at.clone();
            float[] minus = at.clone();
            plus[k] += (float) EPS;
            minus[k] -= (float) EPS;
            double lp = loss.applyAsDouble(plus);
            double lm = loss.applyAsDouble(minus);
            fd[k] = (lp - lm) / (plus[k] - minus[k]);
        }
        return fd;
    }

    /**
     * Parity cases whose output is not differentiable in the input: integer casts cut the graph, Floor and
     * Ceil are piecewise constant (zero gradient, jumping finite differences), and so is a plain
     * QuantizeLinear/DequantizeLinear pair (rounding; the straight-through estimator is FakeQuant's job).
     */
    static final List<String> NOT_DIFFERENTIABLE = List.of("Cast float->int64", "Floor", "Ceil", "Where(", "QuantizeLinear", "QDQ per channel");

    /**
     * Every parity case at batch 1: the gradient of L = sum(r * y) (fixed random weights r over every
     * output) reaches the input, and its directional derivative along a random v matches the central
     * difference (L(x + h v) - L(x - h v)) / 2h of the engine within 1e-2.
     */
    @TestFactory
    Stream<DynamicTest> directionalDerivativeMatchesFiniteDifferencesInEveryParityCase() {
        return OpParityTest.allCases().stream()
                .filter(c -> NOT_DIFFERENTIABLE.stream().noneMatch(c.name()::contains))
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    try {
                        directional(c);
                    } catch (RuntimeException e) {
                        throw new AssertionError(c.name() + ": " + e, e);
                    }
                }));
    }

    static void directional(OpParityTest.Case c) {
        Path file = c.model().write(shared);
        Graph g = GraphPreparer.prepare(OnnxReader.read(file));
        String inName = g.inputs().get(0).name();
        long[] shape = c.model().inputShape(inName);
        shape[0] = 1;
        int n = (int) dev.inlierq.tensor.FloatTensor.numel(shape);
        Random rnd = new Random(c.name().hashCode() * 31L + 7);
        float[] x = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = c.lo() + rnd.nextFloat() * (c.hi() - c.lo());
            v[i] = (float) rnd.nextGaussian();
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        try (GraphExecutor ex = new GraphExecutor(g); NDManager scope = DjlRuntime.newManager()) {
            float[] grad;
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                NDArray in = scope.create(x, new Shape(shape));
                in.setRequiresGradient(true);
                Map<String, NDArray> outs = ex.forward(scope, Map.of(inName, in), ValueHook.NONE);
                NDArray total = null;
                for (var e : outs.entrySet()) {
                    float[] r = new float[(int) e.getValue().size()];
                    for (int i = 0; i < r.length; i++) {
                        r[i] = (float) rnd.nextGaussian();
                    }
                    weights.put(e.getKey(), r);
                    NDArray term = e.getValue().mul(scope.create(r, e.getValue().getShape())).sum();
                    total = total == null ? term : total.add(term);
                }
                gc.backward(total);
                NDArray gr = in.getGradient();
                assertNotNull(gr, c.name() + ": no gradient reached the input");
                grad = gr.toFloatArray();
            }
            double ad = 0;
            double norm = 0;
            for (int i = 0; i < n; i++) {
                assertTrue(Float.isFinite(grad[i]), c.name() + ": gradient not finite at " + i + ": " + grad[i]);
                ad += grad[i] * (double) v[i];
                norm += (double) grad[i] * grad[i];
            }
            // g.v has typical size |g| for a Gaussian v: errors are measured against max(|fd|, |g|) so that a
            // direction where g.v cancels out is not judged on float32 noise. Two step sizes: the larger keeps
            // float32 rounding small for smooth ops, the smaller avoids crossing kinks (max, relu) in v's
            // direction; a wrong or missing gradient fails both.
            StringBuilder tried = new StringBuilder();
            for (double rel : new double[] {1e-3, 1e-5}) {
                double h = rel * (c.hi() - c.lo());
                float[] plus = new float[n];
                float[] minus = new float[n];
                for (int i = 0; i < n; i++) {
                    plus[i] = (float) (x[i] + h * v[i]);
                    minus[i] = (float) (x[i] - h * v[i]);
                }
                double fd = (weightedLoss(ex, scope, inName, shape, plus, weights)
                        - weightedLoss(ex, scope, inName, shape, minus, weights)) / (2 * h);
                double err = Math.abs(ad - fd) / Math.max(Math.max(Math.abs(fd), Math.sqrt(norm)), 1e-6);
                if (err < TOLERANCE) {
                    return;
                }
                tried.append(String.format(" [h=%.1e: finite difference %.6g, relative error %.3g]", h, fd, err));
            }
            org.junit.jupiter.api.Assertions.fail(c.name() + ": directional derivative autograd " + ad
                    + " (|g| " + Math.sqrt(norm) + ") disagrees with finite differences:" + tried);
        }
    }

    static double weightedLoss(GraphExecutor ex, NDManager scope, String inName, long[] shape, float[] x,
            Map<String, float[]> weights) {
        try (NDManager sub = scope.newSubManager()) {
            Map<String, NDArray> outs = ex.forward(sub, Map.of(inName, sub.create(x, new Shape(shape))), ValueHook.NONE);
            double sum = 0;
            for (var e : weights.entrySet()) {
                float[] y = outs.get(e.getKey()).toFloatArray();
                float[] r = e.getValue();
                for (int i = 0; i < y.length; i++) {
                    sum += (double) y[i] * r[i];
                }
            }
            return sum;
        }
    }

    static void assertClose(String what, float[] grad, double[] fd) {
        double maxDiff = 0;
        double maxRef = 0;
        int worst = 0;
        for (int i = 0; i < fd.length; i++) {
            double d = Math.abs(grad[i] - fd[i]);
            if (!(d <= maxDiff)) {
                maxDiff = d;
                worst = i;
            }
            maxRef = Math.max(maxRef, Math.abs(fd[i]));
        }
        assertTrue(maxRef > 1e-3, what + ": finite differences are all ~0, the test would prove nothing: "
                + Arrays.toString(Arrays.copyOf(fd, 5)));
        double rel = maxDiff / maxRef;
        System.out.println("GradientTest " + what + ": relative error " + rel + " over " + fd.length
                + " elements (max |finite difference| " + maxRef + ")");
        assertTrue(rel < TOLERANCE, what + ": autograd vs finite differences relative error " + rel
                + " (worst at " + worst + ": autograd " + grad[worst] + ", finite difference " + fd[worst] + ")");
    }
}
