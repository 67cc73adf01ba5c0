package dev.inlierq.detect.decode;

import static dev.inlierq.detect.decode.Tensors.identity;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inlierq.detect.ClassMap;
import dev.inlierq.detect.Detection;
import dev.inlierq.detect.NmsMode;
import dev.inlierq.detect.PostprocessSpec;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.decode.AnchorYoloHead.Anchor;
import dev.inlierq.detect.decode.AnchorYoloHead.Formula;
import dev.inlierq.tensor.FloatTensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Outputs without a batch axis hold the same values as batched ones, the images one after the other
 * ([N*L, K] channels last, [A*K, N*H, W] channels first): at batch 2 they decode to the same detections and
 * the same heatmap. The packed anchor layout decodes the same with and without the batch axis.
 */
class BatchAxisTest {
    private static final ClassMap TWO = new ClassMap(List.of(11, 22));
    private static final PostprocessSpec POST = new PostprocessSpec(0.3, NmsMode.CLASS_AWARE, 0.5, 100, 0, true);
    private static final List<PreparedImage> BATCH = List.of(identity(32, 32), identity(32, 32));

    private static FloatTensor random(long seed, long... shape) {
        Random r = new Random(seed);
        float[] d = new float[(int) FloatTensor.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return new FloatTensor(shape, d);
    }

    /** [N, A*K, d2, d3...] as [A*K, N*d2, d3...] (channels first without a batch axis). */
    private static FloatTensor channelsFirstWithoutBatch(FloatTensor t) {
        long[] s = t.shape();
        int n = (int) s[0];
        int c = (int) s[1];
        int spatial = (int) (FloatTensor.numel(s) / n / c);
        float[] out = new float[t.data().length];
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < c; k++) {
                System.arraycopy(t.data(), (b * c + k) * spatial, out, (k * n + b) * spatial, spatial);
            }
        }
        long[] shape = java.util.Arrays.copyOfRange(s, 1, s.length);
        shape[1] *= n;
        return new FloatTensor(shape, out);
    }

    /** [N, L..., K] as [N*L, K]. */
    private static FloatTensor rows(FloatTensor t) {
        long k = t.shape()[t.rank() - 1];
        return new FloatTensor(new long[] {t.size() / k, k}, t.data());
    }

    private static void assertSameDecoding(Head batched, Map<String, FloatTensor> withBatch, Head batchless,
            Map<String, FloatTensor> without) {
        FloatTensor h1 = batched.heatmap(2, 32, 32).evaluate(withBatch);
        FloatTensor h2 = batchless.heatmap(2, 32, 32).evaluate(without);
        assertArrayEquals(h1.shape(), h2.shape());
        assertArrayEquals(h1.data(), h2.data());
        List<List<Detection>> a = new Decoder(batched, POST, TWO).decode(withBatch, BATCH, List.of(1L, 2L));
        List<List<Detection>> b = new Decoder(batchless, POST, TWO).decode(without, BATCH, List.of(1L, 2L));
        assertEquals(a, b);
        assertEquals(2, a.size());
        assertEquals(true, !a.get(0).isEmpty() && !a.get(1).isEmpty(), "both images have detections");
    }

    @Test
    void yoloxRows() {
        FloatTensor out = random(1, 2, 16 + 4, 7); // 32x32, strides 8 and 16
        assertSameDecoding(new YoloxHead("o", List.of(8, 16), true, false), Map.of("o", out),
                new YoloxHead("o", List.of(8, 16), false, false), Map.of("o", rows(out)));
    }

    @Test
    void gflChannelsFirstClassesAndRowsPerLevel() {
        FloatTensor c8 = random(2, 2, 2, 16);
        FloatTensor c16 = random(3, 2, 2, 4);
        FloatTensor r8 = random(4, 2, 16, 8);
        FloatTensor r16 = random(5, 2, 4, 8);
        List<String> cls = List.of("c8", "c16");
        List<String> reg = List.of("r8", "r16");
        assertSameDecoding(
                new DistributionHead(List.of(8, 16), 1, cls, TensorLayout.CHANNELS_FIRST, reg,
                        TensorLayout.CHANNELS_LAST, 0, 0.5, true, false),
                Map.of("c8", c8, "c16", c16, "r8", r8, "r16", r16),
                new DistributionHead(List.of(8, 16), 1, cls, TensorLayout.CHANNELS_FIRST, reg,
                        TensorLayout.CHANNELS_LAST, 0, 0.5, false, false),
                Map.of("c8", channelsFirstWithoutBatch(c8), "c16", channelsFirstWithoutBatch(c16), "r8", rows(r8),
                        "r16", rows(r16)));
    }

    @Test
    void anchorYoloChannelsFirstWithTwoAnchors() {
        List<AnchorYoloHead.Level> levels = List.of(
                new AnchorYoloHead.Level("p3", 8, List.of(new Anchor(10, 13), new Anchor(16, 30))),
                new AnchorYoloHead.Level("p4", 16, List.of(new Anchor(30, 61), new Anchor(62, 45))));
        FloatTensor p3 = random(6, 2, 14, 4, 4);
        FloatTensor p4 = random(7, 2, 14, 2, 2);
        assertSameDecoding(new AnchorYoloHead(levels, TensorLayout.CHANNELS_FIRST, Formula.V5, true, false),
                Map.of("p3", p3, "p4", p4),
                new AnchorYoloHead(levels, TensorLayout.CHANNELS_FIRST, Formula.V5, false, false),
                Map.of("p3", channelsFirstWithoutBatch(p3), "p4", channelsFirstWithoutBatch(p4)));
    }

    @Test
    void packedAnchorsWithAndWithoutBatchAxis() {
        List<PackedAnchorHead.Level> levels = List.of(
                new PackedAnchorHead.Level(8, List.of(new Anchor(10, 13), new Anchor(16, 30)), 0, 0),
                new PackedAnchorHead.Level(16, List.of(new Anchor(30, 61), new Anchor(62, 45)), 2, 2));
        PackedAnchorHead.Columns columns = new PackedAnchorHead.Columns(0, 8, 10);
        FloatTensor out = random(8, 2, 16 + 4, 12);
        assertSameDecoding(new PackedAnchorHead("o", columns, levels, Formula.V5, true, false), Map.of("o", out),
                new PackedAnchorHead("o", columns, levels, Formula.V5, false, false), Map.of("o", rows(out)));
    }

    /** Row 17 is cell (1, 0) of the stride-16 level; anchor 1's box columns 4..7 and objectness column 9. */
    @Test
    void packedAnchorBoxAndScoreOfOneCell() {
        List<PackedAnchorHead.Level> levels = List.of(
                new PackedAnchorHead.Level(8, List.of(new Anchor(10, 13), new Anchor(16, 30)), 0, 0),
                new PackedAnchorHead.Level(16, List.of(new Anchor(30, 61), new Anchor(62, 45)), 0, 0));
        FloatTensor out = Tensors.filled(0f, 20, 12);
        float[] d = out.data();
        int row = 17;
        d[row * 12 + 4] = 0.75f; // tx (decoded)
        d[row * 12 + 5] = 0.5f;
        d[row * 12 + 6] = 0.5f; // (2 * 0.5)^2 * 62 = 62
        d[row * 12 + 7] = 0.5f;
        d[row * 12 + 9] = 0.8f; // objectness of anchor 1
        d[row * 12 + 11] = 0.5f; // class 1
        Head head = new PackedAnchorHead("o", new PackedAnchorHead.Columns(0, 8, 10), levels, Formula.V5, false, true);
        List<Detection> dets = new Decoder(head, POST, TWO).decode(Map.of("o", out), List.of(identity(32, 32)),
                List.of(1L)).get(0);
        assertEquals(1, dets.size());
        Detection det = dets.get(0);
        // cx = (2 * 0.75 - 0.5 + 1) * 16 = 32, cy = (2 * 0.5 - 0.5 + 0) * 16 = 8, w 62, h 45, clipped to 32x32
        assertEquals(22, det.categoryId());
        assertEquals(0.4, det.score(), 1e-6);
        assertEquals(1.0, det.x(), 1e-4);
        assertEquals(0.0, det.y(), 1e-4);
        assertEquals(31.0, det.w(), 1e-4);
        assertEquals(30.5, det.h(), 1e-4);
    }
}
