package dev.inlierq.detect.decode;

import static dev.inlierq.detect.decode.Tensors.filled;
import static dev.inlierq.detect.decode.Tensors.identity;
import static dev.inlierq.detect.decode.Tensors.prepared;
import static dev.inlierq.detect.decode.Tensors.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.ClassMap;
import dev.inlierq.detect.Detection;
import dev.inlierq.detect.InputTransform;
import dev.inlierq.detect.InvalidSpecException;
import dev.inlierq.detect.NmsMode;
import dev.inlierq.detect.PostprocessSpec;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.tensor.FloatTensor;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code centernet} family's heading output: (sin, cos) per cell decoded as atan2, in the convention of the
 * LiDAR labels' {@code rotated_bbox} (counter-clockwise from +x with +y up, so rows grow against it), mapped
 * through the input transform.
 */
class CenterNetYawTest {
    private static final ClassMap ONE = new ClassMap(List.of(1));
    private static final PostprocessSpec POST = new PostprocessSpec(0.1, NmsMode.NONE, 1.0, 100, 100, true);
    private static final CenterNetHead HEAD = new CenterNetHead("hm", "wh", null, 4, false, "yw");

    /**
     * A [1, 1, 4, 8] heatmap (32 x 16 input) with a peak at (2k, 1) for each pair k: its (sin, cos) at that cell,
     * size 1 x 1 cell.
     */
    private static Map<String, FloatTensor> outputs(double[][] sinCos) {
        FloatTensor hm = filled(-10f, 1, 1, 4, 8);
        FloatTensor wh = filled(1f, 1, 2, 4, 8);
        FloatTensor yw = filled(0f, 1, 2, 4, 8);
        for (int k = 0; k < sinCos.length; k++) {
            set(hm, 2 - 0.1 * k, 0, 0, 1, 2 * k);
            set(yw, sinCos[k][0], 0, 0, 1, 2 * k);
            set(yw, sinCos[k][1], 0, 1, 1, 2 * k);
        }
        return Map.of("hm", hm, "wh", wh, "yw", yw);
    }

    private static List<Detection> decode(CenterNetHead head, Map<String, FloatTensor> out, PreparedImage image) {
        List<Detection> d = DecoderTest.decodeOne(head, POST, ONE, out, image);
        return d.stream().sorted(Comparator.comparingDouble(Detection::x)).toList();
    }

    /** 0, 90, 180 and -90 degrees, the pairs scaled (the decoder needs no unit vector). */
    @Test
    void headingsAtTheFourAxesAreAtan2OfTheirPair() {
        double[][] pairs = {{0, 2}, {3, 0}, {0, -0.5}, {-1.5, 0}};
        List<Detection> d = decode(HEAD, outputs(pairs), identity(32, 16));
        assertEquals(4, d.size(), d.toString());
        double[] expected = {0, Math.PI / 2, Math.PI, -Math.PI / 2};
        for (int k = 0; k < 4; k++) {
            assertTrue(d.get(k).hasYaw());
            assertEquals(expected[k], d.get(k).yaw(), 1e-12, "peak " + k);
            assertEquals(Math.max(0, 8 * k - 2), d.get(k).x(), 1e-9, "the boxes are as without a heading");
        }
    }

    /**
     * Rows grow downwards, so an object heading for the top of the image (pixel direction (0, -1)) has yaw +90 and
     * one heading down-right (1, 1) has -45: the stored pair is (sin, cos) = (-dy, dx) of the pixel direction.
     */
    @Test
    void theImageYAxisPointsAgainstTheHeadingsY() {
        double[][] pixelDirections = {{0, -1}, {1, 1}, {-1, -1}};
        double[][] pairs = new double[3][];
        for (int k = 0; k < 3; k++) {
            pairs[k] = new double[] {-pixelDirections[k][1], pixelDirections[k][0]};
        }
        List<Detection> d = decode(HEAD, outputs(pairs), identity(32, 16));
        assertEquals(Math.PI / 2, d.get(0).yaw(), 1e-12);
        assertEquals(-Math.PI / 4, d.get(1).yaw(), 1e-12);
        assertEquals(3 * Math.PI / 4, d.get(2).yaw(), 1e-12);
        for (int k = 0; k < 3; k++) {
            assertParallel(pixelDirections[k][0], pixelDirections[k][1], d.get(k).yaw());
        }
    }

    /**
     * A stretch of a 64 x 16 image to the 32 x 16 input (scaleX 0.5): a pixel direction (dx, dy) of the input is
     * (2 dx, dy) in the image, so 45 degrees there is atan(1/2) here; the axes keep their angles, and a uniform
     * scale (a letterbox) keeps every angle exactly.
     */
    @Test
    void aNonUniformResizeScalesTheDirectionPerAxis() {
        double s = Math.sqrt(0.5);
        double[][] pairs = {{s, s}, {-s, s}, {1, 0}, {0, -1}};
        PreparedImage stretched = prepared(32, 16, 64, 16, new InputTransform(0.5, 1, 0, 0));
        List<Detection> d = decode(HEAD, outputs(pairs), stretched);
        assertEquals(Math.atan(0.5), d.get(0).yaw(), 1e-6);
        assertEquals(-Math.atan(0.5), d.get(1).yaw(), 1e-6);
        assertEquals(Math.PI / 2, d.get(2).yaw(), 1e-12);
        assertEquals(Math.PI, d.get(3).yaw(), 1e-12);
        assertParallel(2 * s, -s, d.get(0).yaw());
        assertEquals(12, d.get(1).x(), 1e-9, "the box maps as it did: x 6 at scale 0.5");
        double[][] odd = {{0.3, 0.7}};
        double direct = Math.atan2(0.3f, 0.7f);
        PreparedImage letterbox = prepared(32, 16, 64, 32, new InputTransform(0.5, 0.5, 0, 0));
        assertEquals(direct, decode(HEAD, outputs(odd), letterbox).get(0).yaw(), 0.0);
        InputTransform t = new InputTransform(0.5, 2, 3, 1);
        for (double yaw = -3; yaw < 3; yaw += 0.25) {
            assertEquals(yaw, t.toOriginalYaw(t.toInputYaw(yaw)), 1e-12, "the two maps are inverse");
        }
    }

    private static void assertParallel(double dx, double dy, double yaw) {
        double cross = dx * -Math.sin(yaw) - dy * Math.cos(yaw);
        double dot = dx * Math.cos(yaw) + dy * -Math.sin(yaw);
        assertEquals(0, cross, 1e-9, "(cos yaw, -sin yaw) is along (" + dx + ", " + dy + ")");
        assertTrue(dot > 0, "and points the same way");
    }

    @Test
    void withoutAYawOutputDetectionsHaveNoHeading() {
        CenterNetHead plain = new CenterNetHead("hm", "wh", null, 4, false);
        assertNull(plain.yaw());
        List<Detection> d = decode(plain, outputs(new double[][] {{1, 0}}), identity(32, 16));
        assertEquals(1, d.size());
        assertFalse(d.get(0).hasYaw());
        assertEquals(new Detection(42, 1, d.get(0).x(), d.get(0).y(), d.get(0).w(), d.get(0).h(), d.get(0).score()),
                d.get(0), "the seven-argument detection, as before");
        assertEquals(List.of("hm", "wh"), plain.outputNames());
        assertEquals(List.of("hm", "wh", "yw"), HEAD.outputNames());
    }

    @Test
    void aYawOutputOfTheWrongShapeIsBadSpec() {
        Map<String, FloatTensor> out = Map.of("hm", filled(0f, 1, 1, 4, 8), "wh", filled(1f, 1, 2, 4, 8),
                "yw", filled(0f, 1, 3, 4, 8));
        UserError e = assertThrows(UserError.class, () -> decode(HEAD, out, identity(32, 16)));
        assertEquals(ExitCode.BAD_SPEC, e.exitCode());
        assertTrue(e.getMessage().contains("'yw'") && e.getMessage().contains("sin and cos"), e.getMessage());
        Decoder decoder = new Decoder(HEAD, POST, ONE);
        assertEquals(List.of("the spec reads model output(s) [yw] but the model's outputs are [hm, wh]"),
                decoder.outputProblems(orderedShapes(), 32, 16));
    }

    private static Map<String, long[]> orderedShapes() {
        Map<String, long[]> m = new java.util.LinkedHashMap<>();
        m.put("hm", new long[] {1, 1, 4, 8});
        m.put("wh", new long[] {1, 2, 4, 8});
        return m;
    }

    @Test
    void theSpecReadsAndChecksYaw() {
        String yaml = """
                input: {name: x, width: 32, height: 16, channelOrder: RGB, resize: STRETCH}
                head: {family: centernet, heatmap: hm, size: wh, offset: reg, yaw: rot}
                classes: [1]
                """;
        DetectorSpec s = DetectorSpecs.parse(yaml, DetectorSpecs.Format.YAML, "t", "t.yaml");
        assertEquals(new CenterNetHead("hm", "wh", "reg", 4, false, "rot"), s.head());
        UserError e = assertThrows(UserError.class, () -> DetectorSpecs.parse(yaml.replace("yaw: rot", "yaw: ' '"),
                DetectorSpecs.Format.YAML, "t", "t.yaml"));
        assertEquals(ExitCode.BAD_SPEC, e.exitCode());
        assertTrue(e.getMessage().contains("head.yaw: must name a model output"), e.getMessage());
        InvalidSpecException i = assertThrows(InvalidSpecException.class,
                () -> new CenterNetHead("hm", "wh", null, 4, false, ""));
        assertEquals("yaw", i.field());
    }
}
