package dev.inlierq.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.inlierq.engine.DjlRuntime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The CenterNet targets and loss: values against a plain-Java reference, gradients against finite differences. */
class CenterNetLossTest {
    private static final int S = 32;

    private static Targets targets() {
        List<TrainBox> a = List.of(new TrainBox(0, 10, 12, 30, 20), new TrainBox(1, 70, 60, 12, 40));
        List<TrainBox> b = List.of(new TrainBox(1, 100, 5, 20, 20));
        return Targets.of(List.of(a, b), 2, S * Architecture.STRIDE);
    }

    @Test
    void targetsFollowCenterNet() {
        Targets t = targets();
        assertEquals(3, t.objects());
        assertEquals(3, t.peaks());
        // first box: centre (25, 22) / 4 = (6.25, 5.5): cell (6, 5), offset (0.25, 0.5), size (7.5, 5)
        int cell = 5 * S + 6;
        assertEquals(1f, t.posMask()[cell]);
        assertEquals(0f, t.negWeight()[cell]);
        assertEquals(7.5f, t.size()[cell], 1e-6);
        assertEquals(5f, t.size()[S * S + cell], 1e-6);
        assertEquals(0.25f, t.offset()[cell], 1e-6);
        assertEquals(0.5f, t.offset()[S * S + cell], 1e-6);
        assertEquals(1f, t.mask()[cell]);
        // CenterNet's radius for a 5 x 8 (h x w, rounded up) box is 1.28..: a 3 x 3 Gaussian, sigma 0.5
        assertEquals(1, (int) Targets.radius(5, 8));
        double g = Math.exp(-1 / (2 * 0.25));
        float neighbour = t.negWeight()[cell + 1];
        assertEquals(Math.pow(1 - g, 4), neighbour, 1e-6);
        assertEquals(1f, t.negWeight()[cell + 3], "outside the Gaussian the weight is 1");
    }

    @Test
    void focalLossMatchesReference() {
        Targets t = targets();
        float[] logits = logits(t);
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray x = DjlRuntime.create(m, logits, new Shape(2, 2, S, S));
            float got = CenterNetLoss.focal(m, x, t).getFloat();
            assertEquals(reference(logits, t), got, 1e-3 * Math.abs(reference(logits, t)));
        }
    }

    @Test
    void focalGradientMatchesFiniteDifferences() {
        Targets t = targets();
        float[] logits = logits(t);
        int peak = 5 * S + 6;
        int[] cells = {peak, peak + 1, peak + S, 3 * S * S + 7, S * S + 17 * S + 18};
        float[] grad;
        try (NDManager m = DjlRuntime.newManager(); GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            NDArray x = DjlRuntime.create(m, logits, new Shape(2, 2, S, S));
            x.setRequiresGradient(true);
            gc.backward(CenterNetLoss.focal(m, x, t));
            grad = x.getGradient().toFloatArray();
        }
        double eps = 1e-3;
        for (int c : cells) {
            float[] up = logits.clone();
            float[] down = logits.clone();
            up[c] += eps;
            down[c] -= eps;
            double fd = (reference(up, t) - reference(down, t)) / (2 * eps);
            assertTrue(Math.abs(fd) > 1e-6, "cell " + c + " has a gradient");
            assertEquals(fd, grad[c], 1e-3 * Math.abs(fd) + 1e-7, "cell " + c);
        }
    }

    @Test
    void regressionIsMeanL1AtCentres() {
        Targets t = targets();
        float[] pred = new float[2 * 2 * S * S];
        java.util.Arrays.fill(pred, 1f);
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray p = DjlRuntime.create(m, pred, new Shape(2, 2, S, S));
            double expected = (Math.abs(1 - 7.5) + Math.abs(1 - 5) + Math.abs(1 - 3) + Math.abs(1 - 10)
                    + Math.abs(1 - 5) + Math.abs(1 - 5)) / 6;
            assertEquals(expected, CenterNetLoss.regression(m, p, t.size(), t).getFloat(), 1e-4);
        }
    }

    private static float[] logits(Targets t) {
        Random r = new Random(3);
        float[] l = new float[t.posMask().length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) (r.nextGaussian() * 1.5 - 1);
        }
        return l;
    }

    /** CenterNet's {@code _neg_loss} on sigmoid(logits) clamped to [1e-4, 1 - 1e-4], in double. */
    private static double reference(float[] logits, Targets t) {
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            double p = Math.min(1 - 1e-4, Math.max(1e-4, 1 / (1 + Math.exp(-logits[i]))));
            sum += t.posMask()[i] * Math.log(p) * (1 - p) * (1 - p) + t.negWeight()[i] * Math.log(1 - p) * p * p;
        }
        return -sum / t.peaks();
    }
}
