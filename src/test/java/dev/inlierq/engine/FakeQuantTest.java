package dev.inlierq.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.Granularity;
import dev.inlierq.quant.QuantGrid;
import dev.inlierq.quant.QuantSpec;
import dev.inlierq.quant.WeightEncodings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The DJL fake quantizer against the plain-Java encoding arithmetic, and its straight-through gradients. */
class FakeQuantTest {
    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = DjlRuntime.newManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private record Case(String name, Encoding encoding, long[] shape) {
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * Random values at the encoding's own scale, exact .5 ties of every parameter's grid (x = (k + 1/2) s, kept
     * where x / s is exactly the tie in float), values far outside the range, infinities and signed zeros.
     */
    private static float[] data(Case c, long seed) {
        Random rnd = new Random(seed);
        int n = (int) numel(c.shape);
        float[] x = new float[n];
        float[] absMax = new float[1];
        for (int p = 0; p < c.encoding.size(); p++) {
            QuantGrid g = c.encoding.grid(p);
            absMax[0] = Math.max(absMax[0], Math.max(Math.abs(g.lowest()), Math.abs(g.highest())));
        }
        float smax = 0;
        for (float s : c.encoding.scale()) {
            smax = Math.max(smax, s);
        }
        for (int i = 0; i < n; i++) {
            switch (i % 8) {
                case 0 -> x[i] = (float) (rnd.nextGaussian() * absMax[0]);
                case 1 -> x[i] = (rnd.nextInt(2 * c.encoding.qmax() + 40) - c.encoding.qmax() - 20 + 0.5f)
                        * c.encoding.scale(rnd.nextInt(c.encoding.size()));
                case 2 -> x[i] = (float) ((rnd.nextDouble() * 2 - 1) * 1e6);
                case 3 -> x[i] = (rnd.nextInt(41) - 20 + 0.5f) * smax;
                default -> x[i] = (float) ((rnd.nextDouble() * 2.4 - 1.2) * absMax[0]);
            }
        }
        x[0] = Float.POSITIVE_INFINITY;
        x[1] = Float.NEGATIVE_INFINITY;
        x[2] = 0f;
        x[3] = -0f;
        return x;
    }

    private static List<Case> cases() {
        Random rnd = new Random(42);
        List<Case> cs = new ArrayList<>();
        cs.add(new Case("uint8 per-tensor", Encoding.fromRange(QuantSpec.activationUint8(), -1.3f, 4.7f),
                new long[] {2, 3, 4, 5}));
        cs.add(new Case("uint8 symmetric", Encoding.fromRange(QuantSpec.activationUint8().withSymmetry(
                QuantSpec.Symmetry.SYMMETRIC), -0.7f, 2.9f), new long[] {64}));
        cs.add(new Case("uint16", Encoding.fromRange(QuantSpec.activation(16), -3f, 11f), new long[] {3, 100}));
        cs.add(new Case("uint4", Encoding.fromRange(QuantSpec.activation(4), -0.2f, 6f), new long[] {4, 25}));
        cs.add(new Case("power-of-two scale, zero point 7", Encoding.perTensor(QuantSpec.activationUint8(), 0.125f, 7),
                new long[] {8, 32}));
        long[][] shapes = {{4, 3, 3, 3}, {2, 5, 3, 3}, {6, 4}, {3, 10}, {5, 2, 3}};
        Granularity[] gs = {Granularity.perChannel(0), Granularity.perChannel(1), Granularity.perChannel(0),
            Granularity.perGroup(1, 4), Granularity.perGroup(0, 2)};
        int[] bits = {8, 8, 4, 4, 3};
        for (int k = 0; k < shapes.length; k++) {
            float[] w = new float[(int) numel(shapes[k])];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (rnd.nextGaussian() * (0.5 + rnd.nextInt(4)));
            }
            QuantSpec spec = QuantSpec.weight(bits[k]).withGranularity(gs[k]);
            cs.add(new Case("weights " + spec, WeightEncodings.minMax(w, shapes[k], spec), shapes[k]));
        }
        return cs;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @Test
    void forwardEqualsQuantizeLinearThenDequantizeLinearBitForBit() {
        int ties = 0;
        for (Case c : cases()) {
            float[] x = data(c, c.name.hashCode());
            float[] want = c.encoding.fakeQuantize(x, c.shape);
            try (NDManager m = manager.newSubManager()) {
                NDArray nx = m.create(x, new Shape(c.shape));
                NDArray y = FakeQuant.fakeQuant(nx, c.encoding);
                assertArrayEquals(new Shape(c.shape).getShape(), y.getShape().getShape());
                assertArrayEquals(bits(want), bits(y.toFloatArray()), c.name);
            }
            for (int i = 0; i < x.length; i++) {
                float v = x[i] / c.encoding.scale(0);
                if (Float.isFinite(v) && v - (float) Math.floor(v) == 0.5f) {
                    ties++;
                }
            }
        }
        assertTrue(ties > 200, "exact .5 ties exercised: " + ties);
    }

    @Test
    void hardRoundingOffsetReproducesTheGrid() {
        for (Case c : cases()) {
            float[] x = data(c, 7);
            for (int i = 0; i < x.length; i++) {
                if (!Float.isFinite(x[i])) {
                    x[i] = 0f;
                }
            }
            float[] h = new float[x.length];
            float[] s = perElementScale(c);
            for (int i = 0; i < x.length; i++) {
                float v = x[i] / s[i];
                h[i] = (float) (Math.rint(v) - Math.floor(v)); // 1 where rounding goes up
            }
            try (NDManager m = manager.newSubManager()) {
                NDArray y = FakeQuant.fakeQuantWithRounding(m.create(x, new Shape(c.shape)), c.encoding,
                        m.create(h, new Shape(c.shape)));
                assertArrayEquals(bits(c.encoding.fakeQuantize(x, c.shape)), bits(y.toFloatArray()), c.name);
            }
        }
    }

    /** The scale of every element, read back through the encoding itself: dequantize(zp + 1) - dequantize(zp). */
    private static float[] perElementScale(Case c) {
        int n = (int) numel(c.shape);
        int[] q = new int[n];
        int[] z = new int[n];
        // zero-point codes dequantize to 0; use a one-step code per element to recover its scale
        float[] zeros = new float[n];
        int[] zp = c.encoding.quantize(zeros, c.shape);
        for (int i = 0; i < n; i++) {
            z[i] = zp[i];
            q[i] = zp[i] < c.encoding.qmax() ? zp[i] + 1 : zp[i] - 1;
        }
        float[] y = c.encoding.dequantize(q, c.shape);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.abs(y[i]);
        }
        return s;
    }

    @Test
    void inputGradientIsOneInsideTheRangeAndZeroOutside() {
        Encoding e = Encoding.fromRange(QuantSpec.activationUint8(), -1f, 3f);
        QuantGrid g = e.grid(0);
        Random rnd = new Random(1);
        float[] x = new float[2000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 10 - 5);
        }
        float[] grad;
        try (NDManager m = manager.newSubManager()) {
            NDArray nx = m.create(x, new Shape(20, 100));
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                nx.setRequiresGradient(true); // inside the collector: DJL enables autograd there
                NDArray y = FakeQuant.fakeQuant(nx, e);
                gc.backward(y.sum());
            }
            grad = nx.getGradient().toFloatArray();
        }
        int inside = 0;
        for (int i = 0; i < x.length; i++) {
            double code = Math.rint(x[i] / g.scale()) + g.zeroPoint();
            if (code >= g.qmin() && code <= g.qmax()) {
                assertEquals(1f, grad[i], 1e-6, "x=" + x[i]);
                inside++;
            } else {
                assertEquals(0f, grad[i], "x=" + x[i]);
            }
        }
        assertTrue(inside > 500 && inside < 1500, "both regions exercised: " + inside);
    }

    @Test
    void learnedScaleGetsTheLsqGradient() {
        Random rnd = new Random(2);
        // per-channel on axis 1 of [4, 3, 5]: three scales
        QuantSpec spec = QuantSpec.weight(4).withGranularity(Granularity.perChannel(1));
        Encoding e = new Encoding(spec, new float[] {0.1f, 0.25f, 0.05f}, new int[3]);
        long[] shape = {4, 3, 5};
        float[] x = new float[60];
        float[] u = new float[60];
        for (int i = 0; i < x.length; i++) {
            // codes exactly at qmin or qmax sit on the surrogate's kink (one-sided derivatives differ): avoid them
            do {
                x[i] = (float) (rnd.nextGaussian() * 1.2);
            } while (Math.abs(Math.rint(x[i] / e.scale((i / 5) % 3)) + 0.5) == 7.5);
            u[i] = (float) rnd.nextGaussian();
        }
        float[] gradS;
        float[] gradX;
        try (NDManager m = manager.newSubManager()) {
            NDArray nx = m.create(x, new Shape(shape));
            NDArray nu = m.create(u, new Shape(shape));
            NDArray s = FakeQuant.scaleTensor(m, e, nx.getShape());
            assertEquals(new Shape(1, 3, 1), s.getShape());
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                nx.setRequiresGradient(true);
                s.setRequiresGradient(true);
                NDArray y = FakeQuant.fakeQuant(nx, e, s);
                assertArrayEquals(bits(e.fakeQuantize(x, shape)), bits(y.toFloatArray()));
                gc.backward(y.mul(nu).sum());
            }
            gradS = s.getGradient().toFloatArray();
            gradX = nx.getGradient().toFloatArray();
        }
        for (int c = 0; c < 3; c++) {
            double s0 = e.scale(c);
            // LSQ: d/ds [s (clamp(round(x/s) + z) - z)] with round's derivative taken as 1
            double analytic = 0;
            for (int i = 0; i < x.length; i++) {
                if ((i / 5) % 3 != c) {
                    continue;
                }
                double v = x[i] / (float) s0;
                double r = Math.rint(v);
                double d = r < -8 ? -8 : r > 7 ? 7 : r - v;
                analytic += u[i] * d;
            }
            assertEquals(analytic, gradS[c], 1e-4 * Math.max(1, Math.abs(analytic)), "channel " + c);
            // finite difference of the smooth surrogate: rounding residual frozen at s0
            double h = 1e-4 * s0;
            double fd = (surrogate(x, u, c, s0 + h, s0) - surrogate(x, u, c, s0 - h, s0)) / (2 * h);
            assertEquals(fd, gradS[c], 1e-3 * Math.max(1, Math.abs(fd)), "channel " + c + " finite difference");
        }
        for (int i = 0; i < x.length; i++) {
            double code = Math.rint(x[i] / e.scale((i / 5) % 3));
            assertEquals(code >= -8 && code <= 7 ? u[i] : 0f, gradX[i], 1e-5);
        }
    }

    /** {@code sum_i u_i s clamp(x_i / s + delta_i, -8, 7)}, {@code delta_i = round(x_i / s0) - x_i / s0}. */
    private static double surrogate(float[] x, float[] u, int channel, double s, double s0) {
        double f = 0;
        for (int i = 0; i < x.length; i++) {
            if ((i / 5) % 3 != channel) {
                continue;
            }
            double v0 = x[i] / (float) s0;
            double delta = Math.rint(v0) - v0;
            double q = Math.max(-8, Math.min(7, x[i] / s + delta));
            f += u[i] * s * q;
        }
        return f;
    }

    @Test
    void learnedZeroPointIsDeployedRoundedAndGetsLsqPlusGradient() {
        QuantSpec spec = QuantSpec.activation(4);
        float scale = 0.2f;
        float z = 2.3f; // used as round(z) = 2
        Encoding deployed = new Encoding(spec, new float[] {scale}, new int[] {2});
        Random rnd = new Random(3);
        float[] x = new float[3000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 5 - 1.5);
        }
        float[] y;
        float[] gx;
        float gz;
        try (NDManager m = manager.newSubManager()) {
            NDArray nx = m.create(x, new Shape(30, 100));
            NDArray ns = m.create(new float[] {scale});
            NDArray nz = m.create(new float[] {z});
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                nx.setRequiresGradient(true);
                nz.setRequiresGradient(true);
                NDArray out = FakeQuant.fakeQuantLearned(nx, deployed, ns, nz);
                y = out.toFloatArray();
                gc.backward(out.sum());
            }
            gx = nx.getGradient().toFloatArray();
            gz = nz.getGradient().getFloat(0);
        }
        float[] want = deployed.fakeQuantize(x, 30, 100);
        double clippedGrad = 0;
        int inside = 0;
        for (int i = 0; i < x.length; i++) {
            assertEquals(want[i], y[i], 1e-6, "value at x=" + x[i]);
            double code = Math.rint(x[i] / scale) + 2;
            boolean in = code >= deployed.qmin() && code <= deployed.qmax();
            assertEquals(in ? 1f : 0f, gx[i], 1e-6, "x gradient at x=" + x[i]);
            inside += in ? 1 : 0;
            clippedGrad += in ? 0 : -scale;
        }
        assertTrue(inside > 1000 && inside < 2900, "both regions exercised: " + inside);
        assertEquals(clippedGrad, gz, 1e-3, "zero point: 0 inside the range, -s per clipped value");
        try (NDManager m = manager.newSubManager()) {
            Encoding perChannel = Encoding.fromRange(QuantSpec.weightInt8PerChannel(), new float[] {-1, -1},
                    new float[] {1, 1});
            assertThrows(IllegalArgumentException.class, () -> FakeQuant.fakeQuantLearned(m.zeros(new Shape(2, 3)),
                    perChannel, m.create(new float[] {0.1f, 0.1f}), m.create(new float[] {0f})));
        }
    }

    @Test
    void perGroupLearnedScaleCollectsItsGroupsGradient() {
        QuantSpec spec = QuantSpec.weight(8).withGranularity(Granularity.perGroup(1, 4));
        Encoding e = new Encoding(spec, new float[] {0.01f, 0.02f, 0.03f, 0.04f, 0.05f, 0.06f}, new int[6]);
        Random rnd = new Random(3);
        float[] x = new float[2 * 10];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] gradS;
        try (NDManager m = manager.newSubManager()) {
            NDArray nx = m.create(x, new Shape(2, 10));
            NDArray s = FakeQuant.scaleTensor(m, e, nx.getShape());
            assertEquals(new Shape(2, 3), s.getShape());
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                s.setRequiresGradient(true);
                NDArray y = FakeQuant.fakeQuant(nx, e, s);
                assertArrayEquals(bits(e.fakeQuantize(x, 2, 10)), bits(y.toFloatArray()));
                gc.backward(y.sum());
            }
            gradS = s.getGradient().toFloatArray();
        }
        double[] want = new double[6];
        for (int i = 0; i < x.length; i++) {
            int p = (i / 10) * 3 + (i % 10) / 4;
            double v = x[i] / e.scale(p);
            double r = Math.rint(v);
            want[p] += r < -127 ? -127 : r > 127 ? 127 : r - v;
        }
        for (int p = 0; p < 6; p++) {
            assertEquals(want[p], gradS[p], 1e-4, "group " + p);
        }
    }

    @Test
    void roundingVariableGradientIsScaleTimesUpstreamInsideTheRange() {
        QuantSpec spec = QuantSpec.weight(4).withGranularity(Granularity.perChannel(0));
        Encoding e = new Encoding(spec, new float[] {0.1f, 0.3f}, new int[2]);
        Random rnd = new Random(4);
        int n = 2 * 50;
        float[] w = new float[n];
        float[] h = new float[n];
        float[] u = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (rnd.nextGaussian() * 1.5);
            h[i] = rnd.nextFloat();
            u[i] = (float) rnd.nextGaussian();
        }
        float[] gradH;
        float[] gradW;
        float[] y;
        try (NDManager m = manager.newSubManager()) {
            NDArray nw = m.create(w, new Shape(2, 50));
            NDArray nh = m.create(h, new Shape(2, 50));
            NDArray nu = m.create(u, new Shape(2, 50));
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                nh.setRequiresGradient(true);
                nw.setRequiresGradient(true);
                NDArray ny = FakeQuant.fakeQuantWithRounding(nw, e, nh);
                y = ny.toFloatArray();
                gc.backward(ny.mul(nu).sum());
            }
            gradH = nh.getGradient().toFloatArray();
            gradW = nw.getGradient().toFloatArray();
        }
        int inside = 0;
        for (int i = 0; i < n; i++) {
            float s = e.scale(i / 50);
            float q = (float) Math.floor(w[i] / s) + h[i];
            boolean in = q >= -8 && q <= 7;
            assertEquals(in ? u[i] * s : 0f, gradH[i], "i=" + i);
            assertEquals(0f, gradW[i], "w is a constant for AdaRound");
            assertEquals(Math.max(-8, Math.min(7, q)) * s, y[i], 1e-6);
            inside += in ? 1 : 0;
        }
        assertTrue(inside > 20 && inside < n, "both regions exercised: " + inside);
    }

    @Test
    void stopGradientKeepsTheValueAndGradScaleIsExact() {
        try (NDManager m = manager.newSubManager()) {
            NDArray s = m.create(new float[] {0.1f, 0.37f, 3.3f});
            float[] grad;
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                s.setRequiresGradient(true);
                NDArray detached = s.stopGradient();
                assertArrayEquals(s.toFloatArray(), detached.toFloatArray());
                NDArray scaled = FakeQuant.gradScale(s, 0.25f);
                assertArrayEquals(bits(s.toFloatArray()), bits(scaled.toFloatArray()));
                gc.backward(scaled.sum());
            }
            grad = s.getGradient().toFloatArray();
            assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, grad, 1e-7f);
        }
        assertEquals((float) (1 / Math.sqrt(1000 * 127.0)), FakeQuant.lsqGradScale(1000, 127));
    }

    @Test
    void shapesAndTypesAreChecked() {
        Encoding pc = Encoding.fromRange(QuantSpec.weightInt8PerChannel(), new float[] {-1, -1}, new float[] {1, 1});
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(new float[6], new Shape(2, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FakeQuant.fakeQuant(x, pc, m.create(new float[] {1, 1}, new Shape(2))));
            assertEquals("scale: expected shape (2, 1) for PerChannel[axis=0] of input (2, 3), got (2)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> FakeQuant.fakeQuantWithRounding(x, pc, m.create(new float[6], new Shape(3, 2))));
            assertEquals("roundingOffset: expected shape (2, 3), got (3, 2)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> FakeQuant.fakeQuant(m.create(new float[9], new Shape(3, 3)), pc));
            assertEquals("encoding: expected 3 scales for PerChannel[axis=0] of input (3, 3), got 2", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> FakeQuant.fakeQuant(m.create(new double[6], new Shape(2, 3)), pc));
            assertEquals("x: expected float32, got float64", e.getMessage());
        }
    }
}
