package dev.inlierq.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.detect.Detection;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CenterDistanceEvaluator}, the nuScenes centre-distance AP: cases computed by hand (0.25 m per pixel, so
 * 4 pixels are a metre), then a fixture scored by a transcription of the nuScenes devkit
 * ({@code src/test/scripts/make_centre_distance_fixture.py}), which the evaluator must match bit for bit.
 */
class CenterDistanceEvaluatorTest {
    private static final double CELL = 0.25;
    private static final double EPS = 1e-12;

    @TempDir
    Path tmp;

    /** Images 1..n of 64 x 64, categories 1 car, 2 pedestrian, 3 truck, and these boxes. */
    private static CocoDataset dataset(int images, CocoDataset.Annotation... boxes) {
        List<CocoDataset.Image> ims = new ArrayList<>();
        for (int i = 1; i <= images; i++) {
            ims.add(new CocoDataset.Image(i, i + ".png", 64, 64));
        }
        return CocoDataset.of(ims, List.of(new CocoDataset.Category(1, "car"), new CocoDataset.Category(2,
                "pedestrian"), new CocoDataset.Category(3, "truck")), List.of(boxes));
    }

    /** Ground truth number {@code id}: a 4 x 2 box centred on {@code (cx, cy)}. */
    private static CocoDataset.Annotation gt(long id, long image, int category, double cx, double cy) {
        return new CocoDataset.Annotation(id, image, category, cx - 2, cy - 1, 4, 2, 8, false);
    }

    /** A 6 x 4 detection centred on {@code (cx, cy)}. */
    private static Detection det(long image, int category, double cx, double cy, double score) {
        return new Detection(image, category, cx - 3, cy - 2, 6, 4, score);
    }

    private static CenterDistanceMetrics evaluate(CocoDataset ds, Detection... dets) {
        return new CenterDistanceEvaluator(ds, CELL).evaluate(List.of(dets));
    }

    private static void assertAps(List<Double> expected, CenterDistanceMetrics.ClassAp c) {
        assertEquals(expected.size(), c.apByThreshold().size());
        for (int t = 0; t < expected.size(); t++) {
            assertEquals(expected.get(t), c.apByThreshold().get(t), EPS, "threshold " + t);
        }
    }

    @Test
    void perfectDetectionsGiveOne() {
        CocoDataset ds = dataset(2, gt(1, 1, 1, 10, 10), gt(2, 1, 1, 30, 40), gt(3, 2, 1, 50, 20));
        CenterDistanceMetrics m = evaluate(ds, det(1, 1, 10, 10, 0.9), det(1, 1, 30, 40, 0.8),
                det(2, 1, 50, 20, 0.7));
        assertEquals(1, m.classes().size());
        assertAps(List.of(1.0, 1.0, 1.0, 1.0), m.classes().get(0));
        assertEquals(1.0, m.map(), EPS);
        assertEquals(3, m.classes().get(0).groundTruth());
    }

    /** 2.8 pixels are 0.7 m: a match at 1, 2 and 4 m, not at 0.5 m, so mAP = 3 / 4. */
    @Test
    void aCentre70CentimetresOffCountsFromOneMetre() {
        CocoDataset ds = dataset(1, gt(1, 1, 1, 20, 20));
        CenterDistanceMetrics m = evaluate(ds, det(1, 1, 20 + 2.8, 20, 0.9));
        assertAps(List.of(0.0, 1.0, 1.0, 1.0), m.classes().get(0));
        assertEquals(0.75, m.map(), EPS);
        assertEquals(0.0, m.mapAt(0));
        assertEquals(1.0, m.mapAt(1), EPS);
    }

    /**
     * A false positive above the true positive: the curve runs from (recall 0, precision 0) to (1, 1/2), so the
     * precision at recall r is r / 2; minus 0.1 it is positive from r = 0.21 on, and AP = sum over i = 21..100 of
     * (i / 200 - 0.1), over 90 recalls, over 0.9 = 16.2 / 81 = 0.2.
     */
    @Test
    void aFalsePositiveAboveTheTruePositiveGivesOneFifth() {
        CocoDataset ds = dataset(1, gt(1, 1, 1, 20, 20));
        CenterDistanceMetrics m = evaluate(ds, det(1, 1, 50, 50, 0.9), det(1, 1, 20, 20, 0.5));
        assertAps(List.of(0.2, 0.2, 0.2, 0.2), m.classes().get(0));
        double[] curve = NuScenesAp.precisionAtRecalls(new boolean[] {false, true}, 1);
        for (int r = 0; r < curve.length; r++) {
            assertEquals(CocoParams.REC_THRS[r] / 2, curve[r], EPS, "recall " + r);
        }
    }

    /**
     * Below it, the false positive only lowers the precision at recall 1 (the last operating point there, 1/2):
     * AP = (89 x 0.9 + 0.4) / 90 / 0.9 = 80.5 / 81.
     */
    @Test
    void aFalsePositiveBelowTheTruePositiveOnlyCostsTheLastRecall() {
        CocoDataset ds = dataset(1, gt(1, 1, 1, 20, 20));
        CenterDistanceMetrics m = evaluate(ds, det(1, 1, 50, 50, 0.5), det(1, 1, 20, 20, 0.9));
        assertEquals(80.5 / 81, m.map(), EPS);
    }

    /** Car perfect (1), pedestrian 0.7 m off (3/4): mAP 7/8, at 0.5 m 1/2, beyond 1. */
    @Test
    void twoClassesAreAveraged() {
        CocoDataset ds = dataset(1, gt(1, 1, 1, 20, 20), gt(2, 1, 2, 40, 40));
        CenterDistanceMetrics m = evaluate(ds, det(1, 1, 20, 20, 0.9), det(1, 2, 40, 40 - 2.8, 0.8));
        assertEquals(List.of("car", "pedestrian"), new ArrayList<>(m.apByClassName().keySet()));
        assertEquals(1.0, m.apByClassName().get("car"), EPS);
        assertEquals(0.75, m.apByClassName().get("pedestrian"), EPS);
        assertEquals(0.875, m.map(), EPS);
        assertEquals(0.5, m.mapAt(0), EPS);
        assertEquals(1.0, m.mapAt(3), EPS);
    }

    @Test
    void classesWithoutGroundTruthAreLeftOut() {
        CocoDataset ds = dataset(1, gt(1, 1, 1, 20, 20));
        CenterDistanceMetrics m = evaluate(ds, det(1, 1, 20, 20, 0.9), det(1, 3, 5, 5, 0.95),
                det(1, 2, 40, 40, 0.99));
        assertEquals(List.of(1), m.classes().stream().map(CenterDistanceMetrics.ClassAp::categoryId).toList());
        assertEquals(1.0, m.map(), EPS);
        CenterDistanceMetrics none = evaluate(dataset(1));
        assertTrue(none.classes().isEmpty());
        assertEquals(-1.0, none.map());
        assertEquals(-1.0, none.mapAt(2));
    }

    /** Without any detection, or without a match, AP is 0; crowd boxes are not ground truth. */
    @Test
    void missesScoreZeroAndCrowdBoxesDoNotCount() {
        CocoDataset ds = dataset(1, gt(1, 1, 1, 20, 20),
                new CocoDataset.Annotation(2, 1, 1, 40, 40, 10, 10, 100, true));
        assertEquals(0.0, evaluate(ds).map());
        assertEquals(0.0, evaluate(ds, det(1, 1, 60, 60, 0.5)).map());
        CenterDistanceMetrics m = evaluate(ds, det(1, 1, 20, 20, 0.9), det(1, 1, 45, 45, 0.5));
        assertEquals(1, m.classes().get(0).groundTruth());
        assertEquals(80.5 / 81, m.map(), EPS, "the detection on the crowd box is a false positive");
    }

    /**
     * Greedy and nearest: the best detection takes the nearest centre A (0.25 m), the second, nearest to A too,
     * takes the free centre B 1.5 m away (a match at 2 and 4 m); a detection on another image never takes them.
     */
    @Test
    void eachDetectionTakesTheNearestFreeCentreOfItsImage() {
        CocoDataset ds = dataset(2, gt(1, 1, 1, 20, 20), gt(2, 1, 1, 26, 20));
        CenterDistanceMetrics m = evaluate(ds, det(1, 1, 21, 20, 0.9), det(1, 1, 20, 20, 0.8),
                det(2, 1, 26, 20, 0.95));
        // at 0.5 and 1 m: FP (other image), TP, FP -> recall 1/2 at most; at 2 and 4 m: FP, TP, TP
        double[] low = NuScenesAp.precisionAtRecalls(new boolean[] {false, true, false}, 2);
        double[] high = NuScenesAp.precisionAtRecalls(new boolean[] {false, true, true}, 2);
        assertEquals(0.0, low[51]);
        assertEquals(1.0 / 3, low[50], EPS, "the last point at recall 1/2");
        assertEquals(2.0 / 3, high[100], EPS);
        CenterDistanceMetrics.ClassAp car = m.classes().get(0);
        assertEquals(NuScenesAp.ap(new boolean[] {false, true, false}, 2), car.apByThreshold().get(1));
        assertEquals(NuScenesAp.ap(new boolean[] {false, true, true}, 2), car.apByThreshold().get(2));
        assertNotEquals(car.apByThreshold().get(1), car.apByThreshold().get(2));
    }

    /** Equal scores: the lower image id first, then the input order, whatever order the detections come in. */
    @Test
    void tiesAndInputOrderDoNotChangeTheNumbers() {
        CocoDataset ds = dataset(2, gt(1, 2, 1, 20, 20));
        Detection fpOnImage1 = det(1, 1, 20, 20, 0.5);
        Detection tpOnImage2 = det(2, 1, 20, 20, 0.5);
        assertEquals(0.2, evaluate(ds, fpOnImage1, tpOnImage2).map(), EPS);
        assertEquals(0.2, evaluate(ds, tpOnImage2, fpOnImage1).map(), EPS);

        Random rnd = new Random(7);
        List<CocoDataset.Annotation> boxes = new ArrayList<>();
        List<Detection> dets = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            long image = 1 + rnd.nextInt(5);
            int cat = 1 + rnd.nextInt(2);
            double x = 4 + 56 * rnd.nextDouble();
            double y = 4 + 56 * rnd.nextDouble();
            boxes.add(gt(i + 1, image, cat, x, y));
            dets.add(det(image, cat, x + 8 * rnd.nextGaussian(), y + 8 * rnd.nextGaussian(), rnd.nextDouble()));
            dets.add(det(image, cat, 64 * rnd.nextDouble(), 64 * rnd.nextDouble(), rnd.nextInt(4) / 4.0));
        }
        CocoDataset big = dataset(5, boxes.toArray(CocoDataset.Annotation[]::new));
        CenterDistanceEvaluator e = new CenterDistanceEvaluator(big, CELL);
        CenterDistanceMetrics first = e.evaluate(dets);
        assertEquals(first, e.evaluate(dets));
        List<Detection> byImageDescending = new ArrayList<>(dets);
        byImageDescending.sort((a, b) -> Long.compare(b.imageId(), a.imageId()));
        assertEquals(first, e.evaluate(byImageDescending, List.of(5L, 3L, 1L, 4L, 2L, 2L)));
        assertTrue(first.map() > 0 && first.map() < 1, "a non-trivial case: " + first.map());
    }

    @Test
    void onlyTheGivenImagesCount() {
        CocoDataset ds = dataset(2, gt(1, 1, 1, 20, 20), gt(2, 2, 1, 20, 20));
        CenterDistanceMetrics m = new CenterDistanceEvaluator(ds, CELL).evaluate(List.of(det(1, 1, 20, 20, 0.9),
                det(2, 1, 50, 50, 0.95)), List.of(1L));
        assertEquals(1.0, m.map(), EPS);
        assertEquals(1, m.classes().get(0).groundTruth());
        assertThrows(IllegalArgumentException.class,
                () -> new CenterDistanceEvaluator(ds, CELL).evaluate(List.of(), List.of(9L)));
        assertThrows(IllegalArgumentException.class, () -> new CenterDistanceEvaluator(ds, 0));
        assertThrows(IllegalArgumentException.class, () -> new CenterDistanceEvaluator(ds, Double.NaN));
    }

    @Test
    void jsonKeysAndTable() {
        CocoDataset ds = dataset(1, gt(1, 1, 1, 20, 20), gt(2, 1, 2, 40, 40));
        CenterDistanceMetrics m = evaluate(ds, det(1, 1, 20, 20, 0.9), det(1, 2, 40, 40 - 2.8, 0.8));
        Map<String, Object> json = m.toJsonMap();
        assertEquals(List.of("bev_mAP", "bev_AP", "bev_AP_by_distance"), new ArrayList<>(json.keySet()));
        assertEquals(m.map(), json.get("bev_mAP"));
        @SuppressWarnings("unchecked")
        Map<String, Double> byDistance = (Map<String, Double>) json.get("bev_AP_by_distance");
        assertEquals(List.of("0.5", "1", "2", "4"), new ArrayList<>(byDistance.keySet()));
        assertEquals(0.5, byDistance.get("0.5"), EPS);
        String table = m.summaryText();
        assertTrue(table.contains("0.25 m per pixel, 2 classes"), table);
        assertTrue(table.contains(" pedestrian ") && table.contains("   0.750"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith(" mAP ") && l.endsWith("0.875")), table);
    }

    // ------------------------------------------------------------- files and the devkit fixture

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(CenterDistanceEvaluatorTest.class.getResource(name).toURI());
    }

    private static JsonNode expected() throws IOException {
        try (InputStream in = CenterDistanceEvaluatorTest.class.getResourceAsStream(
                "centre-distance-expected.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void matchesTheNuScenesDevkitBitForBit() throws Exception {
        CocoDataset gt = CocoDataset.load(resource("centre-distance-gt.json"));
        List<Detection> dets = CocoResults.read(resource("centre-distance-dt.json"));
        assertEquals(0.25, CenterDistanceEvaluator.cellSizeOf(gt).orElseThrow());
        CenterDistanceMetrics m = new CenterDistanceEvaluator(gt, 0.25).evaluate(dets);
        JsonNode exp = expected();
        assertEquals(List.of("car", "pedestrian"), new ArrayList<>(m.apByClassName().keySet()), "no truck");
        for (CenterDistanceMetrics.ClassAp c : m.classes()) {
            JsonNode aps = exp.get("ap_by_threshold").get(c.name());
            for (int t = 0; t < 4; t++) {
                assertEquals(aps.get(t).doubleValue(), c.apByThreshold().get(t), 0.0, c.name() + " " + t);
            }
            assertEquals(exp.get("ap").get(c.name()).doubleValue(), c.ap(), 0.0, c.name());
        }
        assertEquals(exp.get("mAP").doubleValue(), m.map(), 0.0);
        for (int t = 0; t < 4; t++) {
            assertEquals(exp.get("mAP_by_threshold").get(t).doubleValue(), m.mapAt(t), 0.0, "threshold " + t);
        }
        // the same boxes without their rotated_bbox are scored from the bbox centres: other numbers
        CocoDataset plain = CocoDataset.of(gt.images(), gt.categories(), gt.annotations());
        assertNotEquals(m.map(), new CenterDistanceEvaluator(plain, 0.25).evaluate(dets).map());
        List<Detection> shuffled = new ArrayList<>(dets);
        Collections.shuffle(shuffled, new Random(3));
        assertEquals(m, new CenterDistanceEvaluator(gt, 0.25).evaluate(shuffled), "distinct scores: order-free");
    }

    /** rotated_bbox and info.settings are read when well formed and skipped, as before, when not. */
    @Test
    void rotatedBoxesAndSettingsAreReadLeniently() throws IOException {
        Path file = tmp.resolve("gt.json");
        Files.writeString(file, """
                {"info": {"settings": {"cell_size": 0.5, "name": "x", "elevation": [-25, 3]}},
                 "images": [{"id": 1, "file_name": "a.png", "width": 64, "height": 64}],
                 "annotations": [
                  {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 10, 10], "area": 100, "iscrowd": 0,
                   "rotated_bbox": [16, 15, 9, 4, 0.5]},
                  {"id": 2, "image_id": 1, "category_id": 1, "bbox": [40, 40, 10, 10], "area": 100, "iscrowd": 0,
                   "rotated_bbox": [1, 2, 3, 4]},
                  {"id": 3, "image_id": 1, "category_id": 1, "bbox": [40, 10, 10, 10], "area": 100, "iscrowd": 0,
                   "rotated_bbox": "no"}],
                 "categories": [{"id": 1, "name": "car"}]}
                """);
        CocoDataset ds = CocoDataset.load(file);
        assertEquals(new CocoDataset.RotatedBox(16, 15, 9, 4, 0.5), ds.rotatedBox(1).orElseThrow());
        assertFalse(ds.rotatedBox(2).isPresent());
        assertFalse(ds.rotatedBox(3).isPresent());
        assertEquals(0.5, ds.infoSetting("cell_size").orElseThrow());
        assertFalse(ds.infoSetting("name").isPresent());
        assertEquals(0.5, CenterDistanceEvaluator.cellSizeOf(ds).orElseThrow());
        // the rotated centre (16, 15), not the bbox's (15, 15), and the bbox centres of the other two
        CenterDistanceMetrics m = new CenterDistanceEvaluator(ds, 0.5).evaluate(List.of(
                det(1, 1, 16 + 0.9, 15, 0.9), det(1, 1, 45, 45, 0.8), det(1, 1, 45, 15, 0.7)));
        assertEquals(1.0, m.map(), EPS);
        assertFalse(CenterDistanceEvaluator.cellSizeOf(dataset(1)).isPresent());
    }
}
