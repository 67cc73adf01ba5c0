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

/** TTFNet's dense box targets and the GIoU loss: values against plain Java, gradients against finite differences. */
class GiouLossTest {
    private static final int S = 16;
    private static final int PLANE = S * S;

    /** Plain-Java GIoU of boxes {x1, y1, x2, y2}, with the loss's eps. */
    private static double giou(double[] p, double[] t) {
        double iw = Math.max(0, Math.min(p[2], t[2]) - Math.max(p[0], t[0]));
        double ih = Math.max(0, Math.min(p[3], t[3]) - Math.max(p[1], t[1]));
        double inter = iw * ih;
        double union = (p[2] - p[0]) * (p[3] - p[1]) + (t[2] - t[0]) * (t[3] - t[1]) - inter + GiouLoss.EPS;
        double hull = (Math.max(p[2], t[2]) - Math.min(p[0], t[0])) * (Math.max(p[3], t[3]) - Math.min(p[1], t[1]))
                + GiouLoss.EPS;
        return inter / union - (hull - union) / hull;
    }

    @Test
    void giouMatchesReference() {
        double[][][] pairs = {
            {{1, 2, 5, 6}, {1, 2, 5, 6}},        // identical: GIoU 1
            {{0, 0, 2, 2}, {4, 0, 6, 2}},        // disjoint: IoU 0, hull 12 of which 4 empty: -1/3
            {{0, 0, 10, 10}, {2, 3, 6, 5}},      // contained: IoU 8/100, the hull is the outer box
            {{0, 0, 4, 4}, {2, 1, 6, 3}},        // partial overlap
            {{-1.5, 0.25, 0.5, 3}, {-3, -2, 0, 1}},
        };
        double[] known = {1, -1.0 / 3, 0.08, 4.0 / 20 - 4.0 / 24, Double.NaN};
        float[][] cols = new float[8][pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            for (int k = 0; k < 4; k++) {
                cols[k][i] = (float) pairs[i][0][k];
                cols[4 + k][i] = (float) pairs[i][1][k];
            }
        }
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray[] p = new NDArray[4];
            NDArray[] t = new NDArray[4];
            for (int k = 0; k < 4; k++) {
                p[k] = DjlRuntime.create(m, cols[k], new Shape(pairs.length));
                t[k] = DjlRuntime.create(m, cols[4 + k], new Shape(pairs.length));
            }
            float[] got = GiouLoss.giou(m, p, t).toFloatArray();
            for (int i = 0; i < pairs.length; i++) {
                double ref = giou(pairs[i][0], pairs[i][1]);
                assertEquals(ref, got[i], 1e-5, "pair " + i);
                if (!Double.isNaN(known[i])) {
                    assertEquals(known[i], ref, 1e-5, "pair " + i + " by hand");
                }
            }
        }
    }

    @Test
    void identicalBoxesCostNothingAndDisjointOnesMoreThanOne() {
        // the outputs predict every object's box exactly at its centre cell only: the loss there is 0
        BoxTargets t = BoxTargets.of(List.of(List.of(new TrainBox(0, 9, 13, 6, 5))), S * Architecture.STRIDE);
        int c = centre(9 + 3, 13 + 2.5);
        float[] w = new float[PLANE];
        w[c] = 1;
        BoxTargets only = new BoxTargets(1, S, t.box(), w);
        float[] off = new float[2 * PLANE];
        float[] size = new float[2 * PLANE];
        java.util.Arrays.fill(size, 1f);
        off[c] = (t.box()[c] + t.box()[2 * PLANE + c]) / 2;
        off[PLANE + c] = (t.box()[PLANE + c] + t.box()[3 * PLANE + c]) / 2;
        size[c] = 6f / Architecture.STRIDE;
        size[PLANE + c] = 5f / Architecture.STRIDE;
        assertEquals(0, loss(off, size, only), 1e-5);
        off[c] += 10;
        assertTrue(loss(off, size, only) > 1, "a disjoint box costs more than 1");
        assertEquals((1 - giou(box(off, size, c), targetBox(t, c))) / (1 + GiouLoss.WEIGHT_EPS),
                loss(off, size, only), 1e-5);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        BoxTargets t = targets();
        // predictions near each cell's target box (partial overlaps; a box holding its target along an axis
        // would have no gradient in its offset there), random elsewhere
        Random r = new Random(11);
        float[] off = new float[2 * PLANE];
        float[] size = new float[2 * PLANE];
        for (int i = 0; i < PLANE; i++) {
            double[] b = targetBox(t, i);
            for (int k = 0; k < 2; k++) {
                double extent = Math.max(1, b[2 + k] - b[k]);
                off[k * PLANE + i] = (float) ((b[k] + b[2 + k]) / 2 + r.nextGaussian() * 0.3 * extent);
                size[k * PLANE + i] = (float) (extent * Math.exp(r.nextGaussian() * 0.4));
            }
        }
        float[] gOff;
        float[] gSize;
        try (NDManager m = DjlRuntime.newManager(); GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            NDArray o = DjlRuntime.create(m, off, new Shape(1, 2, S, S));
            NDArray z = DjlRuntime.create(m, size, new Shape(1, 2, S, S));
            o.setRequiresGradient(true);
            z.setRequiresGradient(true);
            gc.backward(GiouLoss.compute(m, o, z, t));
            gOff = o.getGradient().toFloatArray();
            gSize = z.getGradient().toFloatArray();
        }
        int c = centre(20 + 15, 16 + 9);
        int[] cells = {c, c + 1, c - S, PLANE + c, PLANE + c - 1, centre(44 + 5, 40 + 6), PLANE + centre(44 + 5, 40 + 6)};
        double eps = 1e-3;
        int nonZero = 0;
        for (int i : cells) {
            for (boolean onSize : new boolean[] {false, true}) {
                float[] x = onSize ? size : off;
                float keep = x[i];
                x[i] = (float) (keep + eps);
                double up = reference(off, size, t);
                x[i] = (float) (keep - eps);
                double down = reference(off, size, t);
                x[i] = keep;
                double fd = (up - down) / (2 * eps);
                float got = onSize ? gSize[i] : gOff[i];
                nonZero += Math.abs(fd) > 1e-5 ? 1 : 0;
                assertEquals(fd, got, 2e-3 * Math.abs(fd) + 1e-5, (onSize ? "size " : "offset ") + i);
            }
        }
        assertTrue(nonZero >= 12, nonZero + " of 14 derivatives are not 0");
        assertEquals(0, gOff[0], "a cell outside every region has no gradient");
    }

    @Test
    void targetsSpreadLogAreaOverAGaussianRegion() {
        BoxTargets t = targets();
        // the two objects are far apart (rows 5-7 and row 11): each one's weights sum to log(area)
        double[] sums = new double[2];
        for (int i = 0; i < PLANE; i++) {
            if (t.weight()[i] > 0) {
                sums[i / S < 9 ? 0 : 1] += t.weight()[i];
            }
        }
        assertEquals(Math.log(30 * 18), sums[0], 1e-4);
        assertEquals(Math.log(10 * 12), sums[1], 1e-4);
        assertEquals(Math.log(30 * 18) + Math.log(10 * 12), t.weightSum(), 1e-4);
        int c = centre(35, 25);
        for (int d : new int[] {1, -1, S, -S}) {
            assertTrue(t.weight()[c] > t.weight()[c + d], "the centre outweighs its neighbour " + d);
        }
        // the first box is 7.5 x 4.5 cells: beta 0.54 truncates its Gaussian at floor(3 sigma) = 2 cells by 1
        assertTrue(t.weight()[c + 2] > 0 && t.weight()[c + 3] == 0);
        assertTrue(t.weight()[c + S] > 0 && t.weight()[c + 2 * S] == 0);
        // every cell of the region regresses the whole box: at (col + 2, row + 1) the box is shifted by (2, 1)
        double[] at = targetBox(t, c + S + 2);
        assertEquals(35 / 4.0 - 8 - 3.75 - 2, at[0], 1e-5);
        assertEquals(25 / 4.0 - 6 - 2.25 - 1, at[1], 1e-5);
        assertEquals(7.5, at[2] - at[0], 1e-5);
        assertEquals(4.5, at[3] - at[1], 1e-5);
    }

    @Test
    void smallerObjectsOverwriteAndTinyOnesKeepTheirCentre() {
        TrainBox big = new TrainBox(0, 0, 0, 60, 60);
        TrainBox small = new TrainBox(1, 26, 26, 8, 8);
        TrainBox tiny = new TrainBox(0, 50, 2, 3, 3);
        for (List<TrainBox> order : List.of(List.of(big, small, tiny), List.of(tiny, small, big))) {
            BoxTargets t = BoxTargets.of(List.of(order), S * Architecture.STRIDE);
            int c = centre(30, 30);
            double[] at = targetBox(t, c);
            assertEquals(2, at[2] - at[0], 1e-6, "the smaller object owns the shared centre cell");
            int cTiny = centre(51.5, 3.5);
            assertEquals(Math.log(9), t.weight()[cTiny], 1e-5, "a tiny box's region is its centre cell alone");
            assertEquals(0.75, targetBox(t, cTiny)[2] - targetBox(t, cTiny)[0], 1e-6);
        }
    }

    @Test
    void ttfHeatmapIsAnEllipseWithItsPeakAtTheCentre() {
        List<List<TrainBox>> boxes = List.of(List.of(new TrainBox(0, 10, 20, 40, 12)));
        Targets t = Targets.of(boxes, 1, S * Architecture.STRIDE, LossOptions.Heatmap.TTF);
        int c = centre(30, 26);
        assertEquals(1, t.peaks());
        assertEquals(1f, t.posMask()[c]);
        // 10 x 3 cells: sigma (0.9, 0.27): one cell sideways keeps much more of the peak than one cell down
        double sideways = Math.exp(-1 / (2 * 0.9 * 0.9));
        assertEquals(Math.pow(1 - sideways, 4), t.negWeight()[c + 1], 1e-5);
        assertEquals(1f, t.negWeight()[c + S], 1e-6, "one cell down is beyond the truncation (floor(3 x 0.27) = 0)");
    }

    private static BoxTargets targets() {
        return BoxTargets.of(List.of(List.of(new TrainBox(0, 20, 16, 30, 18), new TrainBox(1, 44, 40, 10, 12))),
                S * Architecture.STRIDE);
    }

    private static int centre(double cx, double cy) {
        return (int) Math.floor(cy / Architecture.STRIDE) * S + (int) Math.floor(cx / Architecture.STRIDE);
    }

    private static double[] targetBox(BoxTargets t, int cell) {
        return new double[] {t.box()[cell], t.box()[PLANE + cell], t.box()[2 * PLANE + cell],
            t.box()[3 * PLANE + cell]};
    }

    private static double[] box(float[] off, float[] size, int cell) {
        return new double[] {off[cell] - size[cell] / 2.0, off[PLANE + cell] - size[PLANE + cell] / 2.0,
            off[cell] + size[cell] / 2.0, off[PLANE + cell] + size[PLANE + cell] / 2.0};
    }

    /** The loss in double from the decoder's boxes. */
    private static double reference(float[] off, float[] size, BoxTargets t) {
        double sum = 0;
        for (int i = 0; i < PLANE; i++) {
            if (t.weight()[i] > 0) {
                sum += t.weight()[i] * (1 - giou(box(off, size, i), targetBox(t, i)));
            }
        }
        return sum / (t.weightSum() + GiouLoss.WEIGHT_EPS);
    }

    private static double loss(float[] off, float[] size, BoxTargets t) {
        try (NDManager m = DjlRuntime.newManager()) {
            return GiouLoss.compute(m, DjlRuntime.create(m, off, new Shape(1, 2, S, S)),
                    DjlRuntime.create(m, size, new Shape(1, 2, S, S)), t).getFloat();
        }
    }
}
