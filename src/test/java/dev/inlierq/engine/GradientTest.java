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
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Autograd through the executor: on x -> Conv -> c -> Sigmoid -> s -> Mul(c, s) -> y (SiLU), back-propagate
 * L = sum(y) inside a GradientCollector and compare dL/dc (c probed by a {@link ValueHook} that swaps in a
 * detached leaf requiring a gradient) and dL/dx with central finite differences computed with the
 * engine itself (the hook substitutes a perturbed c). Relative error must stay below 1e-2.
 */
class GradientTest {
    static final double EPS = 1e-2;
    static final double TOLERANCE = 1e-2;

    @TempDir
    Path tmp;

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
            double[] fd = new double[grad.length];
            for (int k = 0; k < c0.length; k++) {
                float[] plus = c0.clone();
                float[] minus = c0.clone();
                plus[k] += (float) EPS;
                minus[k] -= (float) EPS;
                double lp = loss(ex, scope, x, substitute("c", plus));
                double lm = loss(ex, scope, x, substitute("c", minus));
                fd[k] = (lp - lm) / (plus[k] - minus[k]);
            }
            assertClose("dL/dc", grad, fd);
        }
    }

    @Test
    void inputGradientThroughConvMatchesFiniteDifferences() {
        Graph g = model();
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
            double[] fd = new double[x.length];
            for (int k = 0; k < x.length; k++) {
                float[] plus = x.clone();
                float[] minus = x.clone();
                plus[k] += (float) EPS;
                minus[k] -= (float) EPS;
                fd[k] = (loss(ex, scope, plus, ValueHook.NONE) - loss(ex, scope, minus, ValueHook.NONE))
                        / (plus[k] - minus[k]);
            }
            assertClose("dL/dx", grad, fd);
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
