package dev.inlierq.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.inlierq.detect.decode.HeatmapRecipe.Activation;
import dev.inlierq.detect.decode.HeatmapRecipe.Part;
import dev.inlierq.detect.decode.HeatmapRecipe.Term;
import dev.inlierq.detect.decode.HeatmapRecipe;
import dev.inlierq.detect.decode.TensorLayout;
import dev.inlierq.engine.DjlRuntime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Eq. 7 on hand-computed heatmaps, per class and jointly, with its gradient. */
class TopKHeatmapLossTest {

    /** Two images, two classes, three locations; identity activation so H is the output itself. */
    private static final float[] H = {
        0.9f, 0.1f, 0.5f, /* image 0, class 0 */ 0.01f, 0.02f, 0.03f, /* class 1 */
        0.2f, 0.4f, 0.8f, /* image 1, class 0 */ 0.6f, 0.7f, 0.05f /* class 1 */};

    private static double log(double v) {
        return Math.log(v);
    }

    @Test
    void perClassTakesKPerChannelAndSumsOverTheBatch() {
        try (NDManager m = DjlRuntime.newManager(); NDArray h = m.create(H, new Shape(2, 2, 3));
                NDArray l = TopKHeatmapLoss.loss(h, 2)) {
            double img0 = -(log(0.9) + log(0.5) + log(0.03) + log(0.02)) / 4;
            double img1 = -(log(0.8) + log(0.4) + log(0.7) + log(0.6)) / 4;
            assertEquals(img0 + img1, l.toType(DataType.FLOAT64, false).getDouble(), 1e-5);
        }
    }

    @Test
    void jointTakesKOverAllClassesAndLocations() {
        HeatmapRecipe recipe = new HeatmapRecipe(2, List.of(
                Part.of("out", TensorLayout.CHANNELS_FIRST, Term.of(0, 2, Activation.NONE))));
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray out = m.create(H, new Shape(2, 2, 3));
            out.setRequiresGradient(true);
            TopKHeatmapLoss joint = new TopKHeatmapLoss(recipe, 2, TopKHeatmapLoss.Scope.JOINT);
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                NDArray l = joint.loss(Map.of("out", out));
                double want = -(log(0.9) + log(0.5)) / 2 - (log(0.8) + log(0.7)) / 2;
                assertEquals(want, l.toType(DataType.FLOAT64, false).getDouble(), 1e-5);
                gc.backward(l);
            }
            float[] g = out.getGradient().toFloatArray();
            // only the selected entries get gradient -1 / (K h)
            assertEquals(-1 / (2 * 0.9), g[0], 1e-5);
            assertEquals(0f, g[1], 0f);
            assertEquals(-1 / (2 * 0.5), g[2], 1e-5);
            assertEquals(0f, g[3], 0f);
            assertEquals(-1 / (2 * 0.7), g[10], 1e-5);
            assertEquals(-1 / (2 * 0.8), g[8], 1e-5);
            TopKHeatmapLoss perClass = new TopKHeatmapLoss(recipe, 2);
            try (NDArray l = perClass.loss(Map.of("out", out))) {
                assertEquals(TopKHeatmapLoss.Scope.PER_CLASS, perClass.scope());
                assertEquals(-(log(0.9) + log(0.5) + log(0.03) + log(0.02)) / 4
                        - (log(0.8) + log(0.4) + log(0.7) + log(0.6)) / 4, l.toType(DataType.FLOAT64, false).getDouble(), 1e-5);
            }
        }
    }

    @Test
    void kIsCappedAndMustBePositive() {
        try (NDManager m = DjlRuntime.newManager(); NDArray h = m.create(H, new Shape(2, 2, 3));
                NDArray all = TopKHeatmapLoss.loss(h, 3); NDArray capped = TopKHeatmapLoss.loss(h, 1000)) {
            assertEquals(all.toType(DataType.FLOAT64, false).getDouble(), capped.toType(DataType.FLOAT64, false).getDouble(), 0f);
        }
        HeatmapRecipe recipe = new HeatmapRecipe(1, List.of(
                Part.of("out", TensorLayout.CHANNELS_FIRST, Term.of(0, 1, Activation.NONE))));
        assertThrows(IllegalArgumentException.class, () -> new TopKHeatmapLoss(recipe, 0));
    }
}
