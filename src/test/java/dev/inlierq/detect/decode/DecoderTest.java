package dev.inlierq.detect.decode;

import static dev.inlierq.detect.decode.Tensors.filled;
import static dev.inlierq.detect.decode.Tensors.identity;
import static dev.inlierq.detect.decode.Tensors.logit;
import static dev.inlierq.detect.decode.Tensors.prepared;
import static dev.inlierq.detect.decode.Tensors.set;
import static dev.inlierq.detect.decode.Tensors.sigmoid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.ClassMap;
import dev.inlierq.detect.Detection;
import dev.inlierq.detect.InputTransform;
import dev.inlierq.detect.NmsMode;
import dev.inlierq.detect.PostprocessSpec;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.tensor.FloatTensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each head family on a small synthetic output holding one known box. */
class DecoderTest {
    static final ClassMap TWO = new ClassMap(List.of(11, 22));
    static final PostprocessSpec POST = new PostprocessSpec(0.05, NmsMode.CLASS_AWARE, 0.5, 100, 0, true);

    static List<Detection> decodeOne(Head head, PostprocessSpec post, ClassMap classes,
            Map<String, FloatTensor> outputs, PreparedImage image) {
        List<List<Detection>> all = new Decoder(head, post, classes).decode(outputs, List.of(image), List.of(42L));
        assertEquals(1, all.size());
        return all.get(0);
    }

    static void assertDetection(Detection d, int category, double x, double y, double w, double h, double score) {
        String what = d.toString();
        assertEquals(42L, d.imageId(), what);
        assertEquals(category, d.categoryId(), what);
        assertEquals(x, d.x(), 1e-4, what);
        assertEquals(y, d.y(), 1e-4, what);
        assertEquals(w, d.w(), 1e-4, what);
        assertEquals(h, d.h(), 1e-4, what);
        assertEquals(score, d.score(), 1e-6, what);
    }

    /**
     * 64x64 input, strides 8/16/32: 64 + 16 + 4 = 84 rows. Row 64 + 1*4 + 2 = 70 is (col 2, row 1) of
     * stride 16: cx = (2 + 0.5) * 16 = 40, cy = (1 + 0.25) * 16 = 20, w = exp(ln 2) * 16 = 32,
     * h = exp(0) * 16 = 16, box (24, 12, 56, 28); letterbox r = 0.5 doubles it: (48, 24, 112, 56).
     */
    @ParameterizedTest(name = "decoded={0}")
    @ValueSource(booleans = {true, false})
    void yoloxGrid(boolean decoded) {
        FloatTensor out = filled(decoded ? 0f : -30f, 1, 84, 7);
        set(out, 0.5, 0, 70, 0);
        set(out, 0.25, 0, 70, 1);
        set(out, Math.log(2), 0, 70, 2);
        set(out, 0, 0, 70, 3);
        set(out, decoded ? 0.9 : logit(0.9), 0, 70, 4);
        set(out, decoded ? 0.1 : logit(0.1), 0, 70, 5);
        set(out, decoded ? 0.8 : logit(0.8), 0, 70, 6);
        PreparedImage img = prepared(64, 64, 128, 128, new InputTransform(0.5, 0.5, 0, 0));
        List<Detection> d = decodeOne(new YoloxHead("output", List.of(8, 16, 32), decoded), POST, TWO,
                Map.of("output", out), img);
        assertEquals(2, d.size(), d.toString());
        assertDetection(d.get(0), 22, 48, 24, 64, 32, 0.72);
        assertDetection(d.get(1), 11, 48, 24, 64, 32, 0.09);
    }

    @Test
    void yoloxRejectsAGridThatDoesNotFit() {
        FloatTensor out = filled(0f, 1, 80, 7);
        UserError e = assertThrows(UserError.class, () -> decodeOne(new YoloxHead("output", List.of(8, 16, 32), true),
                POST, TWO, Map.of("output", out), identity(64, 64)));
        assertEquals(ExitCode.BAD_SPEC, e.exitCode());
        assertTrue(e.getMessage().contains("expected 84 locations"), e.getMessage());
    }

    /**
     * Scores [1, 3, 5], boxes [1, 5, 4] in a 32x32 input stretched from 64x128 (x / 0.5, y / 0.25).
     * Location 3: (4, 8, 20, 16) class 2 score 0.9 -> (8, 32, 40, 64). Location 4 overlaps it
     * (IoU 0.8) with class 2 score 0.5: suppressed. Location 1 has the same box as 3 but class 0
     * (0.3): kept by class-aware NMS.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"XYXY, CHANNELS_FIRST", "CXCYWH, CHANNELS_LAST"})
    void boxScore(BoxFormat format, TensorLayout layout) {
        boolean first = layout == TensorLayout.CHANNELS_FIRST;
        FloatTensor scores = filled(0.01f, first ? new long[] {1, 3, 5} : new long[] {1, 5, 3});
        FloatTensor boxes = filled(0f, 1, 5, 4);
        double[][] xyxy = {{0, 0, 1, 1}, {4, 8, 20, 16}, {0, 0, 1, 1}, {4, 8, 20, 16}, {4, 8, 20, 14}};
        for (int l = 0; l < 5; l++) {
            double[] b = xyxy[l];
            double[] v = format == BoxFormat.XYXY ? b
                    : new double[] {(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, b[2] - b[0], b[3] - b[1]};
            for (int k = 0; k < 4; k++) {
                set(boxes, v[k], 0, l, k);
            }
        }
        setScore(scores, first, 2, 3, 0.9);
        setScore(scores, first, 2, 4, 0.5);
        setScore(scores, first, 0, 1, 0.3);
        PreparedImage img = prepared(32, 32, 64, 128, new InputTransform(0.5, 0.25, 0, 0));
        List<Detection> d = decodeOne(new BoxScoreHead("scores", layout, "boxes", format, true), POST,
                new ClassMap(List.of(1, 2, 3)), Map.of("scores", scores, "boxes", boxes), img);
        assertEquals(2, d.size(), d.toString());
        assertDetection(d.get(0), 3, 8, 32, 32, 32, 0.9);
        assertDetection(d.get(1), 1, 8, 32, 32, 32, 0.3);
    }

    private static void setScore(FloatTensor scores, boolean classesFirst, int c, int l, double v) {
        if (classesFirst) {
            set(scores, v, 0, c, l);
        } else {
            set(scores, v, 0, l, c);
        }
    }

    /**
     * FastestDet-style [1, 7, 4, 4] on a 64x64 input stretched from 128x64. Cell (col 1, row 2):
     * tanh offsets 0.5 and -0.5 -> cx = 1.5 / 4 * 64 = 24, cy = 1.5 / 4 * 64 = 24; sigmoid sizes
     * 0.25 and 0.5 -> w = 16, h = 32; box (16, 8, 32, 40) -> x * 2: (32, 8, 64, 40).
     * Score = 0.81^0.6 * 0.8^0.4.
     */
    @ParameterizedTest(name = "decoded={0}")
    @ValueSource(booleans = {true, false})
    void centerOffset(boolean decoded) {
        FloatTensor out = filled(0f, 1, 7, 4, 4);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                set(out, decoded ? 0 : -20, 0, 0, y, x); // no object elsewhere
            }
        }
        set(out, decoded ? 0.81 : logit(0.81), 0, 0, 2, 1);
        set(out, atanh(0.5), 0, 1, 2, 1);
        set(out, atanh(-0.5), 0, 2, 2, 1);
        set(out, logit(0.25), 0, 3, 2, 1);
        set(out, logit(0.5), 0, 4, 2, 1);
        // classes 0.2 / 0.8 (as logits: any pair with difference ln 4)
        set(out, decoded ? 0.2 : 0.0, 0, 5, 2, 1);
        set(out, decoded ? 0.8 : Math.log(4), 0, 6, 2, 1);
        PreparedImage img = prepared(64, 64, 128, 64, new InputTransform(0.5, 1, 0, 0));
        PostprocessSpec single = new PostprocessSpec(0.3, NmsMode.CLASS_AWARE, 0.5, 100, 0, false);
        List<Detection> d = decodeOne(new CenterOffsetHead("758", 0.6, 0.4, decoded), single, TWO,
                Map.of("758", out), img);
        assertEquals(1, d.size(), d.toString());
        assertDetection(d.get(0), 22, 32, 8, 32, 32, Math.pow(0.81, 0.6) * Math.pow(0.8, 0.4));
    }

    private static double atanh(double x) {
        return 0.5 * Math.log((1 + x) / (1 - x));
    }

    /**
     * One level, stride 8, 4x4 cells on a 32x32 input, two anchors (8, 8) and (16, 32), one class.
     * Anchor 1 at cell (col 2, row 0) with tx = ty = 0, tw = ln 1.5, th = 0:
     * V5: cx = (2 * 0.5 - 0.5 + 2) * 8 = 20, cy = 4, w = (2 * 0.6)^2 * 16 = 23.04, h = 1^2 * 32 = 32;
     * V3: cx = (0.5 + 2) * 8 = 20, cy = 4, w = 1.5 * 16 = 24, h = 32. y1 = -12 is clipped to 0.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"V5, CHANNELS_FIRST", "V5, CHANNELS_LAST", "V3, CHANNELS_FIRST", "V3, CHANNELS_LAST"})
    void anchorYolo(AnchorYoloHead.Formula formula, TensorLayout layout) {
        boolean first = layout == TensorLayout.CHANNELS_FIRST;
        FloatTensor out = filled(-20f, first ? new long[] {1, 12, 4, 4} : new long[] {1, 2, 4, 4, 6});
        double[] values = {0, 0, Math.log(1.5), 0, 2, 1};
        for (int k = 0; k < 6; k++) {
            if (first) {
                set(out, values[k], 0, 6 + k, 0, 2);
            } else {
                set(out, values[k], 0, 1, 0, 2, k);
            }
        }
        AnchorYoloHead head = new AnchorYoloHead(List.of(new AnchorYoloHead.Level("p3", 8,
                List.of(new AnchorYoloHead.Anchor(8, 8), new AnchorYoloHead.Anchor(16, 32)))), layout, formula, false);
        List<Detection> d = decodeOne(head, POST, new ClassMap(List.of(5)), Map.of("p3", out), identity(32, 32));
        assertEquals(1, d.size(), d.toString());
        double w = formula == AnchorYoloHead.Formula.V5 ? 1.2 * 1.2 * 16 : 24;
        assertDetection(d.get(0), 5, 20 - w / 2, 0, w, 20, sigmoid(2) * sigmoid(1));
    }

    /**
     * Strides 16/32 on a 64x64 input: 16 + 4 locations. Location 17 is (col 1, row 0) of stride 32:
     * centre ((1 + 0.5) * 32, 0.5 * 32) = (48, 16). Four bins (regMax 3): left {0, 100, 0, 0} -> 1,
     * top {100, 0, 0, 0} -> 0, right {0, 0, -100, -100} -> 0.5, bottom {0, 100, 0, 0} -> 1; times 32:
     * box (16, 16, 64, 48).
     */
    @Test
    void distributionPerLevelClassesAndOneRegressionOutput() {
        FloatTensor cls0 = filled(-20f, 1, 2, 16);
        FloatTensor cls1 = filled(-20f, 1, 2, 4);
        set(cls1, 3, 0, 1, 1);
        FloatTensor reg = filled(0f, 1, 20, 16);
        double[][] bins = {{0, 100, 0, 0}, {100, 0, 0, 0}, {0, 0, -100, -100}, {0, 100, 0, 0}};
        for (int side = 0; side < 4; side++) {
            for (int i = 0; i < 4; i++) {
                set(reg, bins[side][i], 0, 17, side * 4 + i);
            }
        }
        DistributionHead head = new DistributionHead(List.of(16, 32), 3, List.of("cls16", "cls32"),
                TensorLayout.CHANNELS_FIRST, List.of("reg"), TensorLayout.CHANNELS_LAST, 0, 0.5, false);
        List<Detection> d = decodeOne(head, POST, TWO, Map.of("cls16", cls0, "cls32", cls1, "reg", reg),
                identity(64, 64));
        assertEquals(1, d.size(), d.toString());
        assertDetection(d.get(0), 22, 16, 16, 48, 32, sigmoid(3));
    }

    /**
     * NanoDet-Plus layout: one [1, L, C + 4*(regMax+1)] output, classes already sigmoid, grid offset 0.
     * 32x32 input, stride 16: 2x2 points. Point 3 = (1, 1): centre (16, 16); all bins equal -> 1.5
     * strides = 24 on each side: box (-8, -8, 40, 40), clipped to the 32x32 image.
     */
    @Test
    void distributionCombinedOutput() {
        FloatTensor out = filled(0f, 1, 4, 2 + 16);
        set(out, 0.7, 0, 3, 0);
        DistributionHead head = new DistributionHead(List.of(16), 3, List.of("out"), TensorLayout.CHANNELS_LAST,
                List.of("out"), TensorLayout.CHANNELS_LAST, 2, 0.0, true);
        List<Detection> d = decodeOne(head, POST, TWO, Map.of("out", out), identity(32, 32));
        assertEquals(1, d.size(), d.toString());
        assertDetection(d.get(0), 11, 0, 0, 32, 32, 0.7);
    }

    /**
     * Heatmap [1, 2, 4, 4] logits at stride 4 (16x16 input). Class 0 peaks at (col 2, row 1) with
     * logit 2; its neighbour (3, 1) has logit 1 (above the threshold but not a peak). Size (2, 3)
     * cells -> 8 x 12 pixels; offset (0.25, 0.5) -> centre (9, 6); box (5, 0, 13, 12).
     */
    @ParameterizedTest(name = "offset={0}")
    @ValueSource(booleans = {true, false})
    void centerNetPeaks(boolean withOffset) {
        FloatTensor hm = filled(-10f, 1, 2, 4, 4);
        set(hm, 2, 0, 0, 1, 2);
        set(hm, 1, 0, 0, 1, 3);
        FloatTensor wh = filled(0f, 1, 2, 4, 4);
        set(wh, 2, 0, 0, 1, 2);
        set(wh, 3, 0, 1, 1, 2);
        FloatTensor off = filled(0f, 1, 2, 4, 4);
        set(off, 0.25, 0, 0, 1, 2);
        set(off, 0.5, 0, 1, 1, 2);
        CenterNetHead head = new CenterNetHead("hm", "wh", withOffset ? "reg" : null, 4, false);
        PostprocessSpec post = new PostprocessSpec(0.1, NmsMode.NONE, 1.0, 100, 100, true);
        List<Detection> d = decodeOne(head, post, TWO, Map.of("hm", hm, "wh", wh, "reg", off), identity(16, 16));
        assertEquals(1, d.size(), d.toString());
        double cx = withOffset ? 9 : 8;
        double cy = withOffset ? 6 : 4;
        assertDetection(d.get(0), 11, cx - 4, Math.max(0, cy - 6), 8, cy + 6 - Math.max(0, cy - 6), sigmoid(2));
    }

    @Test
    void batchesDecodeEachImageWithItsOwnTransformAndId() {
        FloatTensor scores = filled(0f, 2, 1, 1);
        set(scores, 0.9, 0, 0, 0);
        set(scores, 0.6, 1, 0, 0);
        FloatTensor boxes = filled(0f, 2, 1, 4);
        for (int n = 0; n < 2; n++) {
            set(boxes, 2, n, 0, 0);
            set(boxes, 2, n, 0, 1);
            set(boxes, 6, n, 0, 2);
            set(boxes, 6, n, 0, 3);
        }
        Decoder decoder = new Decoder(new BoxScoreHead("s", TensorLayout.CHANNELS_FIRST, "b", BoxFormat.XYXY, true),
                POST, new ClassMap(List.of(7)));
        List<List<Detection>> d = decoder.decode(Map.of("s", scores, "b", boxes),
                List.of(identity(8, 8), prepared(8, 8, 16, 16, new InputTransform(0.5, 0.5, 0, 0))), List.of(1L, 2L));
        assertEquals(new Detection(1, 7, 2, 2, 4, 4, 0.9f), d.get(0).get(0));
        assertEquals(new Detection(2, 7, 4, 4, 8, 8, 0.6f), d.get(1).get(0));
    }

    @Test
    void preNmsTopKAndSingleLabelLimitCandidates() {
        // four disjoint boxes, two classes each: scores (l, c) = 0.9 - 0.1 * l - 0.05 * c
        FloatTensor scores = filled(0f, 1, 2, 4);
        FloatTensor boxes = filled(0f, 1, 4, 4);
        for (int l = 0; l < 4; l++) {
            for (int c = 0; c < 2; c++) {
                set(scores, 0.9 - 0.1 * l - 0.05 * c, 0, c, l);
            }
            set(boxes, 10 * l, 0, l, 0);
            set(boxes, 10 * l + 5, 0, l, 2);
            set(boxes, 5, 0, l, 3);
        }
        Head head = new BoxScoreHead("s", TensorLayout.CHANNELS_FIRST, "b", BoxFormat.XYXY, true);
        Map<String, FloatTensor> outputs = Map.of("s", scores, "b", boxes);
        List<Detection> top3 = decodeOne(head, new PostprocessSpec(0.05, NmsMode.CLASS_AWARE, 0.5, 100, 3, true),
                TWO, outputs, identity(64, 8));
        assertEquals(List.of(0.9, 0.85, 0.8), top3.stream().map(d -> round(d.score())).toList());
        List<Detection> single = decodeOne(head, new PostprocessSpec(0.05, NmsMode.CLASS_AWARE, 0.5, 100, 0, false),
                TWO, outputs, identity(64, 8));
        assertEquals(4, single.size());
        assertTrue(single.stream().allMatch(d -> d.categoryId() == 11), single.toString());
        List<Detection> capped = decodeOne(head, new PostprocessSpec(0.05, NmsMode.CLASS_AWARE, 0.5, 5, 0, true),
                TWO, outputs, identity(64, 8));
        assertEquals(List.of(0.9, 0.85, 0.8, 0.75, 0.7), capped.stream().map(d -> round(d.score())).toList());
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    @Test
    void missingOutputIsBadSpec() {
        UserError e = assertThrows(UserError.class, () -> decodeOne(new YoloxHead("output", List.of(8), true), POST,
                TWO, Map.of("other", filled(0f, 1, 1, 7)), identity(8, 8)));
        assertEquals(ExitCode.BAD_SPEC, e.exitCode());
        assertTrue(e.getMessage().contains("'output'"), e.getMessage());
    }
}
