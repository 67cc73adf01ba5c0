package dev.inlierq.graph;

import static dev.inlierq.graph.Nodes.op;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Training-mode BatchNormalization (ONNX opset 15): graph preparation keeps it (not folded, batchable, running
 * statistics without a batch axis), and the engine's kernel gives Y and the running statistics of a plain-Java
 * reference over the whole batch, with gradients in X, gamma and beta that match finite differences.
 */
class TrainingBatchNormTest {
    private static final int N = 3;
    private static final int C = 2;
    private static final int HW = 4 * 5;
    private static final float MOMENTUM = 0.8f;
    private static final float EPS = 1e-3f;
    private static final double[] GAMMA = {1.5, -0.5};
    private static final double[] BETA = {0.25, 2};
    private static final double[] MEAN = {0.5, -1};
    private static final double[] VAR = {2, 0.5};

    /** {@code g} with a BN of {@code in} to {@code y} (and, in training mode, {@code rm} and {@code rv}). */
    private static GraphSpec bn(GraphSpec g, String in, boolean training) {
        Nodes.Spec node = op(OpType.BatchNormalization, in, "gamma", "beta", "mean", "var").name("bn")
                .f("momentum", MOMENTUM).f("epsilon", EPS);
        node = training ? node.out("y", "rm", "rv").i("training_mode", 1) : node.out("y");
        return g.floats("gamma", new long[] {C}, f(GAMMA)).floats("beta", new long[] {C}, f(BETA))
                .floats("mean", new long[] {C}, f(MEAN)).floats("var", new long[] {C}, f(VAR)).node(node);
    }

    private static Graph convBn(boolean training) {
        GraphSpec conv = GraphSpec.opset(15).input("x", 1, C, 4, 5).floats("w", new long[] {C, C, 1, 1}, 1, 2, 3, 4)
                .node(op(OpType.Conv, "x", "w").out("c").name("conv"));
        return bn(conv, "c", training).output("y").prepare();
    }

    @Test
    void preparationKeepsItBatchableAndUnfolded() {
        assertEquals("[Conv]", GraphSpec.ops(convBn(false)), "inference mode folds into the conv");
        Graph p = convBn(true);
        assertEquals("[Conv, BatchNormalization]", GraphSpec.ops(p), "a training-mode BN is never folded");
        assertTrue(GraphPreparer.isBatchable(p), "Y keeps the batch axis, the running statistics have none");
        assertArrayEquals(new long[] {1, C, 4, 5}, p.shape("y"));
    }

    /** Plain-Java training-mode BN in double: {y, running mean, running var}. */
    static double[][] reference(double[] x, double[] gamma, double[] beta) {
        double[] y = new double[x.length];
        double[] rm = new double[C];
        double[] rv = new double[C];
        for (int c = 0; c < C; c++) {
            double sum = 0;
            for (int n = 0; n < N; n++) {
                for (int i = 0; i < HW; i++) {
                    sum += x[(n * C + c) * HW + i];
                }
            }
            double mu = sum / (N * HW);
            double sq = 0;
            for (int n = 0; n < N; n++) {
                for (int i = 0; i < HW; i++) {
                    double d = x[(n * C + c) * HW + i] - mu;
                    sq += d * d;
                }
            }
            double var = sq / (N * HW);
            for (int n = 0; n < N; n++) {
                for (int i = 0; i < HW; i++) {
                    int k = (n * C + c) * HW + i;
                    y[k] = gamma[c] * (x[k] - mu) / Math.sqrt(var + EPS) + beta[c];
                }
            }
            rm[c] = MEAN[c] * MOMENTUM + mu * (1 - MOMENTUM);
            rv[c] = VAR[c] * MOMENTUM + var * (1 - MOMENTUM);
        }
        return new double[][] {y, rm, rv};
    }

    /** Input whose samples and channels have different means and spreads, so per-sample statistics would differ. */
    private static double[] input() {
        Random r = new Random(11);
        double[] x = new double[N * C * HW];
        for (int n = 0; n < N; n++) {
            for (int c = 0; c < C; c++) {
                for (int i = 0; i < HW; i++) {
                    x[(n * C + c) * HW + i] = (n - 1) * 2 + c + (1 + n) * r.nextGaussian();
                }
            }
        }
        return x;
    }

    @Test
    void yAndRunningStatisticsMatchTheReferenceOverTheWholeBatch() {
        double[] x = input();
        double[][] ref = reference(x, GAMMA, BETA);
        Graph p = bn(GraphSpec.opset(15).input("x", 1, C, 4, 5), "x", true).output("y").prepare();
        try (GraphExecutor exec = new GraphExecutor(p); NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> stats = new HashMap<>();
            Map<String, NDArray> outs = exec.forward(m, Map.of("x", nd(m, x, N, C, 4, 5)), (name, v) -> {
                stats.put(name, v);
                return v;
            });
            assertClose(ref[0], outs.get("y").toFloatArray(), 1e-4, "y");
            assertClose(ref[1], stats.get("rm").toFloatArray(), 1e-5, "running mean");
            assertClose(ref[2], stats.get("rv").toFloatArray(), 1e-5, "running var");
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        double[] x = input();
        Random r = new Random(3);
        double[] w = new double[x.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextGaussian();
        }
        Graph p = bn(GraphSpec.opset(15).input("x", 1, C, 4, 5), "x", true).output("y").prepare();
        float[] gx;
        float[] gGamma;
        float[] gBeta;
        try (GraphExecutor exec = new GraphExecutor(p); NDManager m = DjlRuntime.newManager();
                GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            NDArray xa = nd(m, x, N, C, 4, 5);
            NDArray ga = nd(m, GAMMA, C);
            NDArray ba = nd(m, BETA, C);
            for (NDArray a : List.of(xa, ga, ba)) {
                a.setRequiresGradient(true);
            }
            NDArray y = exec.forward(m, Map.of("x", xa, "gamma", ga, "beta", ba), (name, v) -> v).get("y");
            gc.backward(y.mul(nd(m, w, N, C, 4, 5)).sum());
            gx = xa.getGradient().toFloatArray();
            gGamma = ga.getGradient().toFloatArray();
            gBeta = ba.getGradient().toFloatArray();
        }
        double h = 1e-5;
        for (int k = 0; k < x.length; k += 7) {
            double keep = x[k];
            x[k] = keep + h;
            double up = loss(reference(x, GAMMA, BETA)[0], w);
            x[k] = keep - h;
            double down = loss(reference(x, GAMMA, BETA)[0], w);
            x[k] = keep;
            assertEquals((up - down) / (2 * h), gx[k], 2e-3 * Math.max(1, Math.abs(gx[k])), "dL/dx[" + k + "]");
        }
        for (int c = 0; c < C; c++) {
            double[] g2 = GAMMA.clone();
            g2[c] += h;
            double up = loss(reference(x, g2, BETA)[0], w);
            g2[c] -= 2 * h;
            double down = loss(reference(x, g2, BETA)[0], w);
            assertEquals((up - down) / (2 * h), gGamma[c], 1e-3 * Math.max(1, Math.abs(gGamma[c])), "dL/dgamma");
            double[] b2 = BETA.clone();
            b2[c] += h;
            up = loss(reference(x, GAMMA, b2)[0], w);
            b2[c] -= 2 * h;
            down = loss(reference(x, GAMMA, b2)[0], w);
            assertEquals((up - down) / (2 * h), gBeta[c], 1e-3 * Math.max(1, Math.abs(gBeta[c])), "dL/dbeta");
        }
    }

    private static double loss(double[] y, double[] w) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += y[i] * w[i];
        }
        return s;
    }

    private static void assertClose(double[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * Math.max(1, Math.abs(want[i])), what + "[" + i + "]");
        }
    }

    private static NDArray nd(NDManager m, double[] v, long... shape) {
        return DjlRuntime.create(m, f(v), new Shape(shape));
    }

    private static float[] f(double[] v) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (float) v[i];
        }
        return r;
    }
}
