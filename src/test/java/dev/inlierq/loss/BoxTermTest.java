package dev.inlierq.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.inlierq.detect.decode.BoxFormat;
import dev.inlierq.detect.decode.BoxValues;
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
 * The box term of the task loss ({@code --box-weight}): its gradient reaches the box channels at each image's
 * top-K score locations only, with magnitude LAMBDA / K (divided by the box's size for boxes in pixels), and leaves
 * the score channels' gradient as the heatmap loss gives it; misplaced box values are one clear error.
 */
class BoxTermTest {
    /** One image, [1, 6, 3]: channels 0-1 class scores (identity activation), 2-5 box values; 3 locations. */
    private static final float[] OUT = {
        0.2f, 0.9f, 0.1f, /* class 0 */ 0.3f, 0.05f, 0.6f, /* class 1 */
        1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f /* four box channels */};
    private static final HeatmapRecipe RECIPE = new HeatmapRecipe(2, List.of(
            Part.of("out", TensorLayout.CHANNELS_FIRST, Term.of(0, 2, Activation.NONE))));

    private static float[] gradient(BoxTerm box) {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray out = m.create(OUT, new Shape(1, 6, 3));
            out.setRequiresGradient(true);
            TopKHeatmapLoss loss = new TopKHeatmapLoss(RECIPE, 1, TopKHeatmapLoss.Scope.PER_CLASS, box);
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                gc.backward(loss.loss(Map.of("out", out)));
            }
            return out.getGradient().toFloatArray();
        }
    }

    private static BoxTerm raw(float lambda) {
        return new BoxTerm(BoxValues.raw("out", TensorLayout.CHANNELS_FIRST, 2), lambda);
    }

    @Test
    void boxGradientOnlyAtTheTopLocationWithLambdaOverK() {
        float[] plain = gradient(null);
        float[] boxed = gradient(raw(3));
        for (int i = 0; i < 6; i++) {
            assertEquals(plain[i], boxed[i], 0f, "score channel entry " + i + " keeps its gradient");
        }
        for (int i = 6; i < 18; i++) {
            assertEquals(0f, plain[i], 0f, "without the term no box gradient");
            int location = i % 3;
            // location 1 holds the highest score over the classes (0.9), the top-1 location
            assertEquals(location == 1 ? 3f : 0f, Math.abs(boxed[i]), 1e-6f, "box entry " + i);
        }
        assertTrue(java.util.Arrays.equals(boxed, gradient(raw(3))), "the signs come from a fixed seed");
    }

    @Test
    void pixelBoxesAreDividedByTheirSize() {
        // at location 1 the corners are (2, 5) and (8, 11): a 6 x 6 box, size 6; as centre and size, 8 x 11
        float[] corners = gradient(new BoxTerm(new BoxValues("out", TensorLayout.CHANNELS_FIRST, 2, 0,
                BoxFormat.XYXY), 3));
        float[] centres = gradient(new BoxTerm(new BoxValues("out", TensorLayout.CHANNELS_FIRST, 2, 0,
                BoxFormat.CXCYWH), 3));
        for (int i = 6; i < 18; i++) {
            boolean top = i % 3 == 1;
            assertEquals(top ? 3f / 6 : 0f, Math.abs(corners[i]), 1e-6f, "corner entry " + i);
            assertEquals(top ? (float) (3 / Math.sqrt(8 * 11)) : 0f, Math.abs(centres[i]), 1e-6f, "centre entry " + i);
        }
    }

    private static float shift(BoxTerm box, int index, float by) {
        float[] moved = OUT.clone();
        moved[index] += by;
        try (NDManager m = DjlRuntime.newManager()) {
            TopKHeatmapLoss loss = new TopKHeatmapLoss(RECIPE, 1, TopKHeatmapLoss.Scope.PER_CLASS, box);
            return loss.shift(Map.of("out", m.create(OUT, new Shape(1, 6, 3))),
                    Map.of("out", m.create(moved, new Shape(1, 6, 3))))[0];
        }
    }

    @Test
    void theShiftCountsBoxMovesAtTheTopLocationsOnly() {
        // entry 7 is channel 2's value at location 1 (the top-1 location), entry 6 the same channel at location 0
        assertEquals(0f, shift(null, 7, 0.5f), 0f, "without the term a box move is not seen");
        assertEquals(3 * 0.5f, shift(raw(3), 7, 0.5f), 1e-6f, "LAMBDA / K times the move");
        assertEquals(3 * 0.5f, shift(raw(3), 7, -0.5f), 1e-6f, "either way");
        assertEquals(0f, shift(raw(3), 6, 10f), 0f, "a location outside the top K");
        BoxTerm corners = new BoxTerm(new BoxValues("out", TensorLayout.CHANNELS_FIRST, 2, 0, BoxFormat.XYXY), 3);
        assertEquals(3 * 0.5f / 6, shift(corners, 7, 0.5f), 1e-6f, "a pixel box's move over the float box's size");
        float scores = shift(null, 1, -0.4f); // the top score itself moves
        assertTrue(scores > 0, "the heatmap's shift");
        assertEquals(scores, shift(raw(3), 1, -0.4f), 1e-6f, "the term adds nothing when no box moves");
    }

    @Test
    void misplacedBoxValuesAreOneClearError() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> gradient(new BoxTerm(BoxValues.raw("boxes", TensorLayout.CHANNELS_FIRST, 0), 1)));
        assertTrue(missing.getMessage().contains("'boxes'"), missing.getMessage());
        IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class,
                () -> gradient(new BoxTerm(BoxValues.raw("out", TensorLayout.CHANNELS_FIRST, 4), 1)));
        assertTrue(beyond.getMessage().contains("box values"), beyond.getMessage());
        assertThrows(IllegalArgumentException.class, () -> raw(0));
        assertThrows(IllegalArgumentException.class, () -> raw(Float.NaN));
    }
}
