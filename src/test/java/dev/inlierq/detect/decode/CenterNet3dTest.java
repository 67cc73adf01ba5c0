package dev.inlierq.detect.decode;

import static dev.inlierq.detect.decode.Tensors.filled;
import static dev.inlierq.detect.decode.Tensors.identity;
import static dev.inlierq.detect.decode.Tensors.prepared;
import static dev.inlierq.detect.decode.Tensors.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.Box3d;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code centernet} family's 3D outputs: {@code dim} (ln length, ln width in input pixels, ln height in metres)
 * and {@code z} (metres) per cell decoded into {@link Detection#box3d()}, the footprint mapped through the input
 * transform along the heading.
 */
class CenterNet3dTest {
    private static final ClassMap ONE = new ClassMap(List.of(1));
    private static final PostprocessSpec POST = new PostprocessSpec(0.1, NmsMode.NONE, 1.0, 100, 100, true);
    private static final CenterNetHead HEAD = new CenterNetHead("hm", "wh", null, 4, false, "yw", "dm", "zz");

    /**
     * A [1, 1, 4, 8] heatmap (32 x 16 input) with a peak at (2k, 1) for each box k = {yaw, length, width, z, height}
     * (input pixels and metres), size 1 x 1 cell.
     */
    private static Map<String, FloatTensor> outputs(double[][] boxes) {
        FloatTensor hm = filled(-10f, 1, 1, 4, 8);
        FloatTensor yw = filled(0f, 1, 2, 4, 8);
        FloatTensor dm = filled(0f, 1, 3, 4, 8);
        FloatTensor zz = filled(0f, 1, 1, 4, 8);
        for (int k = 0; k < boxes.length; k++) {
            set(hm, 2 - 0.1 * k, 0, 0, 1, 2 * k);
            set(yw, Math.sin(boxes[k][0]), 0, 0, 1, 2 * k);
            set(yw, Math.cos(boxes[k][0]), 0, 1, 1, 2 * k);
            set(dm, Math.log(boxes[k][1]), 0, 0, 1, 2 * k);
            set(dm, Math.log(boxes[k][2]), 0, 1, 1, 2 * k);
            set(zz, boxes[k][3], 0, 0, 1, 2 * k);
            set(dm, Math.log(boxes[k][4]), 0, 2, 1, 2 * k);
        }
        Map<String, FloatTensor> out = new HashMap<>(Map.of("hm", hm, "wh", filled(1f, 1, 2, 4, 8), "yw", yw));
        out.put("dm", dm);
        out.put("zz", zz);
        return out;
    }

    private static List<Detection> decode(CenterNetHead head, Map<String, FloatTensor> out, PreparedImage image) {
        List<Detection> d = DecoderTest.decodeOne(head, POST, ONE, out, image);
        return d.stream().sorted(Comparator.comparingDouble(Detection::x)).toList();
    }

    private static void assertBox(double length, double width, double z, double height, Box3d b, String what) {
        assertEquals(length, b.length(), 1e-5 * length, what + " length");
        assertEquals(width, b.width(), 1e-5 * width, what + " width");
        assertEquals(z, b.z(), 1e-6, what + " z");
        assertEquals(height, b.height(), 1e-5 * height, what + " height");
    }

    @Test
    void sizesAreExponentialsAndZIsAsPredicted() {
        double[][] boxes = {{0.3, 18, 7, 0.8, 1.6}, {-2, 2.4, 2.4, 0.9, 1.8}};
        List<Detection> d = decode(HEAD, outputs(boxes), identity(32, 16));
        assertEquals(2, d.size());
        for (int k = 0; k < 2; k++) {
            assertBox(boxes[k][1], boxes[k][2], boxes[k][3], boxes[k][4], d.get(k).box3d(), "peak " + k);
            assertEquals(boxes[k][0], d.get(k).yaw(), 1e-6);
            assertTrue(d.get(k).hasFootprint() && d.get(k).box3d().hasSize() && d.get(k).box3d().hasZ());
        }
        assertEquals(Math.max(0, -2), d.get(0).x(), 1e-9, "the boxes are as without 3D outputs");
        assertEquals(List.of("hm", "wh", "yw", "dm", "zz"), HEAD.outputNames());
    }

    /**
     * A letterbox at half scale doubles the footprint and keeps the heights; a stretch of 64 x 16 to the 32 x 16
     * input doubles what lies along x: the length at heading 0, the width at 90 degrees, and at 45 degrees (in the
     * input) the length's side (L cos, -L sin) becomes (2 L cos, -L sin), sqrt(2.5) L long along the mapped heading,
     * and the width the parallelogram's extent across it, W x 2 / sqrt(2.5) (the area doubles, as the image's).
     */
    @Test
    void theFootprintMapsThroughTheResizeAlongTheHeading() {
        double[][] boxes = {{0, 10, 4, 0.8, 1.6}, {Math.PI / 2, 10, 4, 0.8, 1.6}, {Math.PI / 4, 10, 4, 0.8, 1.6}};
        List<Detection> half = decode(HEAD, outputs(boxes), prepared(32, 16, 64, 32, new InputTransform(0.5, 0.5, 0,
                0)));
        for (int k = 0; k < 3; k++) {
            assertBox(20, 8, 0.8, 1.6, half.get(k).box3d(), "letterbox " + k);
        }
        List<Detection> d = decode(HEAD, outputs(boxes), prepared(32, 16, 64, 16, new InputTransform(0.5, 1, 0, 0)));
        assertBox(20, 4, 0.8, 1.6, d.get(0).box3d(), "heading 0");
        assertBox(10, 8, 0.8, 1.6, d.get(1).box3d(), "heading 90");
        assertBox(10 * Math.sqrt(2.5), 4 * 2 / Math.sqrt(2.5), 0.8, 1.6, d.get(2).box3d(), "heading 45");
        assertEquals(2 * 10 * 4, d.get(2).box3d().length() * d.get(2).box3d().width(), 1e-3, "the area doubles");
        Detection diag = d.get(2);
        assertEquals(Math.atan(0.5), diag.yaw(), 1e-6);
        double s = Math.sqrt(0.5);
        assertEquals(2 * 10 * s, diag.box3d().length() * Math.cos(diag.yaw()), 1e-4, "along the mapped heading");
        assertEquals(10 * s, diag.box3d().length() * Math.sin(diag.yaw()), 1e-4);
        InputTransform t = new InputTransform(0.5, 2, 3, 1);
        Box3d b = new Box3d(12, 5, 0.7, 1.4);
        for (double yaw = -3; yaw < 3; yaw += 0.25) {
            Box3d back = t.toOriginal(t.toInput(b, yaw), t.toInputYaw(yaw));
            assertBox(12, 5, 0.7, 1.4, back, "round trip at " + yaw);
        }
        assertBox(12 * 1.0, 5 * 1.0, 0.7, 1.4, t.toInput(b, Double.NaN), "no heading: sqrt(0.5 x 2), the area");
        assertNull(t.toOriginal(null, 0));
    }

    /** z alone gives a 3D part without a footprint; without either output there is none. */
    @Test
    void partsWithoutTheirOutputAreNaN() {
        Map<String, FloatTensor> out = outputs(new double[][] {{0, 10, 4, 0.8, 1.6}});
        Box3d onlyZ = decode(new CenterNetHead("hm", "wh", null, 4, false, "yw", null, "zz"), out,
                identity(32, 16)).get(0).box3d();
        assertEquals(0.8, onlyZ.z(), 1e-6);
        assertTrue(!onlyZ.hasFootprint() && Double.isNaN(onlyZ.height()));
        assertNull(decode(new CenterNetHead("hm", "wh", null, 4, false, "yw"), out, identity(32, 16)).get(0)
                .box3d());
        assertEquals(List.of("hm", "wh", "yw", "zz"), new CenterNetHead("hm", "wh", null, 4, false, "yw", null, "zz")
                .outputNames());
    }

    @Test
    void outputsOfTheWrongShapeAreBadSpec() {
        Map<String, FloatTensor> out = outputs(new double[][] {{0, 10, 4, 0.8, 1.6}});
        out.put("dm", filled(0f, 1, 2, 4, 8));
        UserError e = assertThrows(UserError.class, () -> decode(HEAD, out, identity(32, 16)));
        assertEquals(ExitCode.BAD_SPEC, e.exitCode());
        assertTrue(e.getMessage().contains("'dm'") && e.getMessage().contains("ln length"), e.getMessage());
        out.put("dm", filled(0f, 1, 3, 4, 8));
        out.put("zz", filled(0f, 1, 1, 2, 8));
        UserError z = assertThrows(UserError.class, () -> decode(HEAD, out, identity(32, 16)));
        assertTrue(z.getMessage().contains("'zz'") && z.getMessage().contains("[N, 1, 4, 8]"), z.getMessage());
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("hm", new long[] {1, 1, 4, 8});
        shapes.put("wh", new long[] {1, 2, 4, 8});
        shapes.put("yw", new long[] {1, 2, 4, 8});
        assertEquals(List.of("the spec reads model output(s) [dm, zz] but the model's outputs are [hm, wh, yw]"),
                new Decoder(HEAD, POST, ONE).outputProblems(shapes, 32, 16));
    }

    @Test
    void theSpecReadsAndChecksDimAndZ() {
        String yaml = """
                input: {name: x, width: 32, height: 16, channelOrder: RGB, resize: STRETCH}
                head: {family: centernet, heatmap: hm, size: wh, offset: reg, yaw: rot, dim: dims, z: height}
                classes: [1]
                """;
        DetectorSpec s = DetectorSpecs.parse(yaml, DetectorSpecs.Format.YAML, "t", "t.yaml");
        assertEquals(new CenterNetHead("hm", "wh", "reg", 4, false, "rot", "dims", "height"), s.head());
        for (String[] bad : new String[][] {{"yaw: rot, ", "head.dim: needs a yaw output"},
                {"dim: dims", "head.dim: must name a model output"},
                {"z: height", "head.z: must name a model output"}}) {
            String changed = bad[0].startsWith("yaw") ? yaml.replace(bad[0], "") : yaml.replace(bad[0],
                    bad[0].substring(0, bad[0].indexOf(':') + 1) + " ' '");
            UserError e = assertThrows(UserError.class, () -> DetectorSpecs.parse(changed, DetectorSpecs.Format.YAML,
                    "t", "t.yaml"), changed);
            assertEquals(ExitCode.BAD_SPEC, e.exitCode());
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
        }
        InvalidSpecException i = assertThrows(InvalidSpecException.class,
                () -> new CenterNetHead("hm", "wh", null, 4, false, null, "dm", null));
        assertEquals("dim", i.field());
        assertEquals(new CenterNetHead("hm", "wh", null, 4, false, "yw", null, null),
                new CenterNetHead("hm", "wh", null, 4, false, "yw"));
    }
}
