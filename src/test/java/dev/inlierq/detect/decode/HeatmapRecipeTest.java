package dev.inlierq.detect.decode;

import static dev.inlierq.detect.decode.Tensors.filled;
import static dev.inlierq.detect.decode.Tensors.get;
import static dev.inlierq.detect.decode.Tensors.sigmoid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.InvalidSpecException;
import dev.inlierq.detect.decode.HeatmapRecipe.Activation;
import dev.inlierq.detect.decode.HeatmapRecipe.Part;
import dev.inlierq.detect.decode.HeatmapRecipe.Term;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.tensor.FloatTensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The recipe of each family, and {@link HeatmapRecipe#evaluate} checked against direct formulas. */
class HeatmapRecipeTest {
    private final Random rnd = new Random(3);

    private FloatTensor random(double lo, double hi, long... shape) {
        FloatTensor t = filled(0f, shape);
        for (int i = 0; i < t.data().length; i++) {
            t.data()[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return t;
    }

    private static void assertClose(double expected, float actual, String where) {
        assertEquals(expected, actual, 1e-6 * Math.max(1, Math.abs(expected)), where);
    }

    @Test
    void yoloxIsObjectnessTimesClassOverBatches() {
        FloatTensor out = random(0.01, 0.99, 2, 21, 5 + 3); // 4x4 + 2x2 + 1x1 on a 32x32 input
        YoloxHead head = new YoloxHead("output", List.of(8, 16, 32), true);
        HeatmapRecipe r = head.heatmap(3, 416, 416);
        assertEquals(new HeatmapRecipe(3, List.of(new Part("output", TensorLayout.CHANNELS_LAST, 1,
                Term.of(5, 3, Activation.NONE), Term.of(4, 1, Activation.NONE)))), r);
        FloatTensor h = r.evaluate(Map.of("output", out));
        assertArrayEquals(new long[] {2, 3, 21}, h.shape());
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int l = 0; l < 21; l++) {
                    assertClose(get(out, n, l, 4) * (double) get(out, n, l, 5 + c), get(h, n, c, l),
                            n + "," + c + "," + l);
                }
            }
        }
        FloatTensor logits = random(-4, 4, 1, 21, 8);
        FloatTensor hr = new YoloxHead("output", List.of(8, 16, 32), false).heatmap(3, 416, 416)
                .evaluate(Map.of("output", logits));
        assertClose(sigmoid(get(logits, 0, 7, 4)) * sigmoid(get(logits, 0, 7, 6)), get(hr, 0, 1, 7), "raw logits");
    }

    @Test
    void boxScoreIsTheScoreMapAsItIs() {
        FloatTensor scores = random(0, 1, 1, 4, 6);
        FloatTensor h = new BoxScoreHead("scores", TensorLayout.CHANNELS_FIRST, "boxes", BoxFormat.XYXY, true)
                .heatmap(4, 416, 416).evaluate(Map.of("scores", scores));
        assertEquals(scores, h);
        FloatTensor last = random(-3, 3, 1, 6, 4);
        FloatTensor h2 = new BoxScoreHead("scores", TensorLayout.CHANNELS_LAST, "boxes", BoxFormat.XYXY, false)
                .heatmap(4, 416, 416).evaluate(Map.of("scores", last));
        assertClose(sigmoid(get(last, 0, 5, 2)), get(h2, 0, 2, 5), "transposed and activated");
    }

    @Test
    void centerOffsetIsObjToTheAlphaTimesClassToTheBeta() {
        FloatTensor out = random(0.01, 0.99, 1, 5 + 3, 2, 3);
        FloatTensor h = new CenterOffsetHead("758", 0.6, 0.4, true).heatmap(3, 416, 416).evaluate(Map.of("758", out));
        assertArrayEquals(new long[] {1, 3, 6}, h.shape());
        // location l = row * 3 + col
        assertClose(Math.pow(get(out, 0, 0, 1, 2), 0.6) * Math.pow(get(out, 0, 6, 1, 2), 0.4), get(h, 0, 1, 5), "l=5");

        FloatTensor raw = random(-3, 3, 1, 8, 2, 3);
        FloatTensor hr = new CenterOffsetHead("758", 0.6, 0.4, false).heatmap(3, 416, 416).evaluate(Map.of("758", raw));
        double z = 0;
        for (int c = 0; c < 3; c++) {
            z += Math.exp(get(raw, 0, 5 + c, 0, 1));
        }
        double softmax = Math.exp(get(raw, 0, 7, 0, 1)) / z;
        assertClose(Math.pow(sigmoid(get(raw, 0, 0, 0, 1)), 0.6) * Math.pow(softmax, 0.4), get(hr, 0, 2, 1), "softmax");
    }

    /** Locations: level 0 (anchor 0 cells, anchor 1 cells), then level 1. */
    @Test
    void anchorYoloConcatenatesLevelsAnchorMajor() {
        FloatTensor p3 = random(-3, 3, 1, 2 * 6, 2, 2);
        FloatTensor p4 = random(-3, 3, 1, 2, 1, 1, 6);
        AnchorYoloHead.Level l3 = new AnchorYoloHead.Level("p3", 8,
                List.of(new AnchorYoloHead.Anchor(1, 1), new AnchorYoloHead.Anchor(2, 2)));
        AnchorYoloHead.Level l4 = new AnchorYoloHead.Level("p4", 16,
                List.of(new AnchorYoloHead.Anchor(3, 3), new AnchorYoloHead.Anchor(4, 4)));
        HeatmapRecipe first = new AnchorYoloHead(List.of(l3), TensorLayout.CHANNELS_FIRST,
                AnchorYoloHead.Formula.V5, false).heatmap(1, 416, 416);
        FloatTensor h = first.evaluate(Map.of("p3", p3));
        assertArrayEquals(new long[] {1, 1, 8}, h.shape());
        // location 4 + 3 = anchor 1, cell (row 1, col 1): channels 6..11
        assertClose(sigmoid(get(p3, 0, 10, 1, 1)) * sigmoid(get(p3, 0, 11, 1, 1)), get(h, 0, 0, 7), "anchor 1");
        assertClose(sigmoid(get(p3, 0, 4, 0, 1)) * sigmoid(get(p3, 0, 5, 0, 1)), get(h, 0, 0, 1), "anchor 0");

        HeatmapRecipe last = new AnchorYoloHead(List.of(l4, l4), TensorLayout.CHANNELS_LAST,
                AnchorYoloHead.Formula.V3, false).heatmap(1, 416, 416);
        assertEquals(2, last.parts().size());
        assertEquals(2, last.parts().get(0).anchors());
        FloatTensor h2 = last.evaluate(Map.of("p4", p4));
        assertArrayEquals(new long[] {1, 1, 4}, h2.shape());
        assertClose(sigmoid(get(p4, 0, 1, 0, 0, 4)) * sigmoid(get(p4, 0, 1, 0, 0, 5)), get(h2, 0, 0, 3), "level 2");
    }

    @Test
    void distributionHeadUsesClassPartsOnly() {
        FloatTensor c8 = random(-3, 3, 1, 4, 2);
        FloatTensor c16 = random(-3, 3, 1, 1, 2);
        DistributionHead head = new DistributionHead(List.of(8, 16), 7, List.of("c8", "c16"),
                TensorLayout.CHANNELS_LAST, List.of("reg"), TensorLayout.CHANNELS_LAST, 0, 0.5, false);
        FloatTensor h = head.heatmap(2, 416, 416).evaluate(Map.of("c8", c8, "c16", c16));
        assertArrayEquals(new long[] {1, 2, 5}, h.shape());
        assertClose(sigmoid(get(c8, 0, 3, 1)), get(h, 0, 1, 3), "level 0");
        assertClose(sigmoid(get(c16, 0, 0, 0)), get(h, 0, 0, 4), "level 1");
    }

    @Test
    void centerNetIsTheSigmoidHeatmap() {
        FloatTensor hm = random(-5, 5, 1, 2, 3, 3);
        FloatTensor h = new CenterNetHead("hm", "wh", null, 4, false).heatmap(2, 416, 416).evaluate(Map.of("hm", hm));
        for (int c = 0; c < 2; c++) {
            for (int l = 0; l < 9; l++) {
                assertClose(sigmoid(get(hm, 0, c, l / 3, l % 3)), get(h, 0, c, l), c + "," + l);
            }
        }
        for (float v : h.data()) {
            assertTrue(v > 0 && v < 1, "probabilities in (0, 1)");
        }
    }

    @Test
    void missingOutputAndTooFewChannelsAreBadSpec() {
        HeatmapRecipe r = new YoloxHead("output", List.of(8), true).heatmap(80, 416, 416);
        UserError missing = assertThrows(UserError.class, () -> r.evaluate(Map.of("x", filled(0f, 1, 1, 85))));
        assertEquals(ExitCode.BAD_SPEC, missing.exitCode());
        UserError narrow = assertThrows(UserError.class, () -> r.evaluate(Map.of("output", filled(0f, 1, 1, 50))));
        assertEquals(ExitCode.BAD_SPEC, narrow.exitCode());
        assertTrue(narrow.getMessage().contains("output"), narrow.getMessage());
    }

    @Test
    void recordsCheckTheirVocabulary() {
        assertThrows(InvalidSpecException.class, () -> new Part("o", TensorLayout.CHANNELS_LAST, 1,
                Term.of(5, 3, Activation.NONE), Term.of(3, 2, Activation.NONE)));
        assertThrows(InvalidSpecException.class, () -> new Part("o", TensorLayout.CHANNELS_LAST, 1,
                Term.of(5, 3, Activation.NONE), Term.of(4, 1, Activation.SOFTMAX)));
        assertThrows(InvalidSpecException.class, () -> new Term(0, 3, Activation.NONE, 0));
        assertThrows(InvalidSpecException.class, () -> new HeatmapRecipe(4,
                List.of(Part.of("o", TensorLayout.CHANNELS_FIRST, Term.of(0, 3, Activation.NONE)))));
    }
}
