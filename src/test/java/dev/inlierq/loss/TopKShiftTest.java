package dev.inlierq.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.detect.decode.HeatmapRecipe.Activation;
import dev.inlierq.detect.decode.HeatmapRecipe.Part;
import dev.inlierq.detect.decode.HeatmapRecipe.Term;
import dev.inlierq.detect.decode.HeatmapRecipe;
import dev.inlierq.detect.decode.TensorLayout;
import dev.inlierq.engine.DjlRuntime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link TopKHeatmapLoss#shift} on hand-computed heatmaps: on the reference's top K, per class and jointly. */
class TopKShiftTest {
    /** Two images, two classes, three locations; identity activation so H is the output itself. */
    private static final float[] REF = {
        0.9f, 0.1f, 0.5f, /* image 0, class 0 */ 0.01f, 0.02f, 0.03f, /* class 1 */
        0.2f, 0.4f, 0.8f, /* image 1, class 0 */ 0.6f, 0.7f, 0.05f /* class 1 */};
    private static final HeatmapRecipe RECIPE = new HeatmapRecipe(2, List.of(
            Part.of("out", TensorLayout.CHANNELS_FIRST, Term.of(0, 2, Activation.NONE))));

    private static float[] shift(float[] other, TopKHeatmapLoss.Scope scope) {
        try (NDManager m = DjlRuntime.newManager()) {
            return new TopKHeatmapLoss(RECIPE, 2, scope).shift(Map.of("out", m.create(REF, new Shape(2, 2, 3))),
                    Map.of("out", m.create(other, new Shape(2, 2, 3))));
        }
    }

    @Test
    void zeroForTheSameHeatmapAndTheLogRatioForAScaledOne() {
        assertArrayEquals(new float[] {0, 0}, shift(REF, TopKHeatmapLoss.Scope.PER_CLASS));
        float[] half = REF.clone();
        for (int i = 0; i < half.length; i++) {
            half[i] /= 2;
        }
        float[] s = shift(half, TopKHeatmapLoss.Scope.PER_CLASS);
        assertEquals(Math.log(2), s[0], 1e-6);
        assertEquals(Math.log(2), s[1], 1e-6);
    }

    @Test
    void onlyTheReferencesTopKCountsAndMovesDoNotCancel() {
        float[] other = REF.clone();
        other[1] = 0.95f;  // image 0 class 0: not in the reference's top 2 (0.9, 0.5): ignored
        other[0] = 0.45f;  // a top entry halved: + log 2
        other[2] = 1.0f;   // a top entry doubled: + log 2 (the loss's own change would cancel these two)
        other[9] = 0.3f;   // image 1 class 1: 0.6 halved
        float[] s = shift(other, TopKHeatmapLoss.Scope.PER_CLASS);
        assertEquals(2 * Math.log(2) / 4, s[0], 1e-6);
        assertEquals(Math.log(2) / 4, s[1], 1e-6);
        // jointly the top 2 of image 0 are 0.9 and 0.5 (class 0), of image 1 0.8 and 0.7: 0.6 is not among them
        float[] joint = shift(other, TopKHeatmapLoss.Scope.JOINT);
        assertEquals(2 * Math.log(2) / 2, joint[0], 1e-6);
        assertEquals(0, joint[1], 1e-6);
    }
}
