package dev.inlierq.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inlierq.detect.Box3d;
import dev.inlierq.detect.Detection;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three forms of the scale error (ASE) of {@link CenterDistanceEvaluator}: nuScenes' 3D boxes when the ground
 * truth and the detections all have footprints and heights, the rotated footprints when they all have footprints,
 * else the axis-aligned hulls; by hand (0.25 m per pixel), then against the Python implementation of the devkit
 * ({@code src/test/scripts/make_centre_distance_fixture.py}) to 1e-12.
 */
class ScaleErrorFormsTest {
    private static final double CELL = 0.25;
    private static final double EPS = 1e-12;

    @TempDir
    Path tmp;

    /** A 4 x 2 hull centred on {@code (cx, cy)} whose rotated_bbox is length x width (and height, when given). */
    private static String box(long id, int category, double cx, double cy, double length, double width,
            String height) {
        return String.format(Locale.ROOT, "{\"id\": %d, \"image_id\": 1, \"category_id\": %d, \"bbox\": "
                + "[%s, %s, 4, 2], \"area\": 8, \"iscrowd\": 0, \"rotated_bbox\": [%s, %s, %s, %s, 0]%s}", id,
                category, cx - 2, cy - 1, cx, cy, length, width, height == null ? "" : ", \"height\": " + height);
    }

    private CocoDataset file(String... annotations) throws IOException {
        Path f = tmp.resolve("gt" + annotations.length + annotations[0].hashCode() + ".json");
        Files.writeString(f, "{\"info\": {\"settings\": {\"cell_size\": 0.25}}, "
                + "\"images\": [{\"id\": 1, \"file_name\": \"1.png\", \"width\": 64, \"height\": 64}], "
                + "\"categories\": [{\"id\": 1, \"name\": \"car\"}, {\"id\": 2, \"name\": \"truck\"}], "
                + "\"annotations\": [" + String.join(", ", annotations) + "]}");
        return CocoDataset.load(f);
    }

    /** A 4 x 2 detection centred on {@code (cx, cy)}, heading 0, with this 3D part (or none). */
    private static Detection det(int category, double cx, double cy, double score, Box3d box3d) {
        return new Detection(1, category, cx - 2, cy - 1, 4, 2, score, 0, box3d);
    }

    private static CenterDistanceMetrics evaluate(CocoDataset ds, Detection... dets) {
        return new CenterDistanceEvaluator(ds, CELL).evaluate(List.of(dets));
    }

    /**
     * A 4 x 2 x 1.5 car against a 2 x 2 x 3 detection: the 3D boxes share 2 x 2 x 1.5 = 6 of 12 + 12 - 6, IoU 1/3;
     * their footprints 4 of 8 + 4 - 4, IoU 1/2; their hulls are the same, IoU 1.
     */
    @Test
    void theFormFollowsWhatTheBoxesHave() throws IOException {
        CocoDataset ds = file(box(1, 1, 20, 20, 4, 2, "1.5"));
        CenterDistanceMetrics full = evaluate(ds, det(1, 20, 20, 0.9, new Box3d(2, 2, 0.75, 3)));
        assertEquals(CenterDistanceMetrics.AseForm.BOX_3D, full.aseForm());
        assertEquals(2.0 / 3, full.mase(), EPS);
        assertEquals("3d", full.toJsonMap().get("bev_ASE_form"));
        assertTrue(full.summaryText().contains("ASE = 1 - IoU of the 3D boxes, AOE in rad"), full.summaryText());
        CenterDistanceMetrics footprint = evaluate(ds, det(1, 20, 20, 0.9, new Box3d(2, 2, 0.75, Double.NaN)));
        assertEquals(CenterDistanceMetrics.AseForm.FOOTPRINT, footprint.aseForm());
        assertEquals(0.5, footprint.mase(), EPS);
        assertEquals("footprint", footprint.toJsonMap().get("bev_ASE_form"));
        CenterDistanceMetrics hull = evaluate(ds, det(1, 20, 20, 0.9, null));
        assertEquals(CenterDistanceMetrics.AseForm.HULL, hull.aseForm());
        assertEquals(0.0, hull.mase(), EPS);
        assertEquals(full.map(), hull.map(), "the AP does not depend on the sizes");
        assertEquals(full.mate(), hull.mate());
        assertEquals(full.maoe(), hull.maoe());
    }

    /**
     * One detection without a footprint, or no detection at all, gives the hulls; ground truth without heights (or
     * with a height that is not a size, skipped) gives the footprints; a z alone is no footprint.
     */
    @Test
    void everyBoxMustAllowTheForm() throws IOException {
        CocoDataset ds = file(box(1, 1, 20, 20, 4, 2, "1.5"), box(2, 2, 40, 40, 8, 2, "3"));
        Box3d car = new Box3d(4, 2, 0.75, 1.5);
        assertEquals(CenterDistanceMetrics.AseForm.BOX_3D, evaluate(ds, det(1, 20, 20, 0.9, car),
                det(2, 40, 40, 0.8, new Box3d(8, 2, 1.5, 3))).aseForm());
        assertEquals(CenterDistanceMetrics.AseForm.HULL, evaluate(ds, det(1, 20, 20, 0.9, car),
                det(2, 40, 40, 0.8, null)).aseForm());
        assertEquals(CenterDistanceMetrics.AseForm.HULL, evaluate(ds, det(1, 20, 20, 0.9, car),
                det(2, 40, 40, 0.8, new Box3d(Double.NaN, Double.NaN, 1.5, 3))).aseForm());
        assertEquals(CenterDistanceMetrics.AseForm.FOOTPRINT, evaluate(ds, det(1, 20, 20, 0.9, car),
                det(2, 40, 40, 0.8, new Box3d(8, 2, 1.5, Double.NaN))).aseForm());
        CenterDistanceMetrics none = evaluate(ds);
        assertEquals(CenterDistanceMetrics.AseForm.HULL, none.aseForm());
        assertEquals(1.0, none.mase());
        CocoDataset flat = file(box(1, 1, 20, 20, 4, 2, null), box(2, 2, 40, 40, 8, 2, "\"tall\""),
                box(3, 1, 50, 10, 4, 2, "-1"));
        assertFalse(flat.height(2).isPresent() || flat.height(3).isPresent());
        assertEquals(CenterDistanceMetrics.AseForm.FOOTPRINT, evaluate(flat, det(1, 20, 20, 0.9, car)).aseForm());
        assertEquals(1.5, ds.height(1).orElseThrow());
        CocoDataset noRotated = CocoDataset.of(ds.images(), ds.categories(), ds.annotations());
        assertEquals(CenterDistanceMetrics.AseForm.HULL, evaluate(noRotated, det(1, 20, 20, 0.9, car)).aseForm());
    }

    /** The IoU of two aligned boxes does not depend on the units of each axis (pixels on the ground, metres up). */
    @Test
    void theIouIsTheDevkitsScaleIou() {
        double iou = TruePositiveErrors.alignedIou3d(2, 4, 1.5, 2, 2, 3);
        assertEquals(1.0 / 3, iou, EPS);
        assertEquals(iou, TruePositiveErrors.alignedIou3d(2 * 0.25, 4 * 0.25, 1.5, 2 * 0.25, 2 * 0.25, 3), EPS);
        assertEquals(iou, TruePositiveErrors.alignedIou3d(2, 2, 3, 2, 4, 1.5), EPS, "symmetric");
        assertEquals(1.0, TruePositiveErrors.alignedIou3d(1, 2, 3, 1, 2, 3));
        assertEquals(0.0, TruePositiveErrors.alignedIou3d(0, 0, 0, 0, 0, 0));
    }

    // ------------------------------------------------------------- the devkit fixture

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ScaleErrorFormsTest.class.getResource(name).toURI());
    }

    /**
     * The fixture's detections with 3D boxes (a file as {@code eval --detections} writes them) score the 3D scale
     * error; without their heights, the footprints'; the AP, ATE and AOE are those of the detections without 3D
     * boxes, whose scale error stays the hulls'.
     */
    @Test
    void matchesTheDevkitWith3dBoxesAndFootprints() throws Exception {
        CocoDataset gt = CocoDataset.load(resource("centre-distance-gt.json"));
        List<Detection> dets3d = CocoResults.read(resource("centre-distance-dt3d.json"));
        List<Detection> dets = CocoResults.read(resource("centre-distance-dt.json"));
        assertTrue(dets3d.stream().allMatch(d -> d.box3d() != null && d.box3d().hasSize()));
        assertTrue(dets3d.stream().anyMatch(d -> !d.hasYaw()), "some without a heading: a null rotated_bbox yaw");
        JsonNode exp = CenterDistanceEvaluatorTest.expected();
        CenterDistanceEvaluator e = new CenterDistanceEvaluator(gt, CELL);
        CenterDistanceMetrics plain = e.evaluate(dets);
        assertEquals(CenterDistanceMetrics.AseForm.HULL, plain.aseForm());
        assertEquals(exp.get("mASE").doubleValue(), plain.mase(), EPS);

        CenterDistanceMetrics m = e.evaluate(dets3d);
        assertEquals(CenterDistanceMetrics.AseForm.BOX_3D, m.aseForm());
        assertEquals(plain.classes().stream().map(CenterDistanceMetrics.ClassAp::apByThreshold).toList(),
                m.classes().stream().map(CenterDistanceMetrics.ClassAp::apByThreshold).toList());
        assertEquals(exp.get("mAP").doubleValue(), m.map(), 0.0);
        CenterDistanceEvaluatorTest.assertTpErrors(exp.get("tp_errors_3d"), m);
        assertEquals(exp.get("mASE_3d").doubleValue(), m.mase(), EPS);
        assertEquals(exp.get("mATE").doubleValue(), m.mate(), EPS);
        assertEquals(exp.get("mAOE").doubleValue(), m.maoe(), EPS);

        List<Detection> footprints = new ArrayList<>();
        for (Detection d : dets3d) {
            footprints.add(new Detection(d.imageId(), d.categoryId(), d.x(), d.y(), d.w(), d.h(), d.score(), d.yaw(),
                    new Box3d(d.box3d().length(), d.box3d().width(), Double.NaN, Double.NaN)));
        }
        CenterDistanceMetrics f = e.evaluate(footprints);
        assertEquals(CenterDistanceMetrics.AseForm.FOOTPRINT, f.aseForm());
        CenterDistanceEvaluatorTest.assertTpErrors(exp.get("tp_errors_footprint"), f);
        assertEquals(exp.get("mASE_footprint").doubleValue(), f.mase(), EPS);
    }
}
