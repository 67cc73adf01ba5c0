package dev.inlierq.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.inlierq.detect.decode.HeatmapRecipe;
import dev.inlierq.detect.decode.HeatmapRecipe.Activation;
import dev.inlierq.detect.decode.HeatmapRecipe.Part;
import dev.inlierq.detect.decode.HeatmapRecipe.Term;
import dev.inlierq.detect.decode.TensorLayout;
import dev.inlierq.engine.DjlRuntime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The experiment switch {@code -Dinlierq.task.box}: the box term's gradient reaches the box channels at each
 * image's top-K score locations only, with magnitude LAMBDA / K, and leaves the score channels' gradient as the
 * heatmap loss gives it; a malformed value is one error naming the switch.
 */
class BoxTermTest {
    private static final String PROPERTY = "inlierq.task.box";
    /** One image, [1, 6, 3]: channels 0-1 class scores (identity activation), 2-5 box values; 3 locations. */
    private static final float[] OUT = {
        0.2f, 0.9f, 0.1f, /* class 0 */ 0.3f, 0.05f, 0.6f, /* class 1 */
        1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f /* four box channels */};
    private static final HeatmapRecipe RECIPE = new HeatmapRecipe(2, List.of(
            Part.of("out", TensorLayout.CHANNELS_FIRST, Term.of(0, 2, Activation.NONE))));

    private static float[] gradient(String box) {
        String before = System.getProperty(PROPERTY);
        try (NDManager m = DjlRuntime.newManager()) {
            if (box == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, box);
            }
            NDArray out = m.create(OUT, new Shape(1, 6, 3));
            out.setRequiresGradient(true);
            TopKHeatmapLoss loss = new TopKHeatmapLoss(RECIPE, 1);
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                gc.backward(loss.loss(Map.of("out", out)));
            }
            return out.getGradient().toFloatArray();
        } finally {
            if (before == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, before);
            }
        }
    }

    @Test
    void boxGradientOnlyAtTheTopLocationWithLambdaOverK() {
        float[] plain = gradient(null);
        float[] boxed = gradient("2,4,3");
        for (int i = 0; i < 6; i++) {
            assertEquals(plain[i], boxed[i], 0f, "score channel entry " + i + " keeps its gradient");
        }
        for (int i = 6; i < 18; i++) {
            assertEquals(0f, plain[i], 0f, "without the switch no box gradient");
            int location = i % 3;
            // location 1 holds the highest score over the classes (0.9), the top-1 location
            assertEquals(location == 1 ? 3f : 0f, Math.abs(boxed[i]), 1e-6f, "box entry " + i);
        }
        float[] again = gradient("2,4,3");
        assertTrue(java.util.Arrays.equals(boxed, again), "the signs come from a fixed seed");
    }

    @Test
    void aMalformedValueNamesTheSwitch() {
        for (String bad : List.of("2,4", "a,4,1", "2,4,x")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gradient(bad));
            assertTrue(e.getMessage().contains("-Dinlierq.task.box"), e.getMessage());
        }
    }
}
