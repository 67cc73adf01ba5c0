package dev.inlierq.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CenterDistanceEvaluator}, the nuScenes centre-distance AP and true-positive errors: cases computed by hand
 * (0.25 m per pixel, so 4 pixels are a metre), then a fixture scored by a transcription of the nuScenes devkit
 * ({@code src/test/scripts/make_centre_distance_fixture.py}), which the evaluator must match bit for bit (AP) and to
 * 1e-12 (the errors).
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
        assertEquals(List.of("bev_mAP", "bev_AP", "bev_AP_by_distance", "bev_mATE", "bev_mASE", "bev_ASE_form",
                "bev_mAOE", "bev_TP_errors"), new ArrayList<>(json.keySet()));
        assertEquals("hull", json.get("bev_ASE_form"), "no rotated_bbox, no 3D detections");
        assertEquals(m.map(), json.get("bev_mAP"));
        assertEquals(0.35, (double) json.get("bev_mATE"), EPS, "car 0, pedestrian 0.7 m");
        assertEquals(2.0 / 3, (double) json.get("bev_mASE"), EPS, "4 x 2 against 6 x 4: IoU 1/3");
        assertTrue(json.containsKey("bev_mAOE") && json.get("bev_mAOE") == null, "no yaw: " + json);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Double>> errors = (Map<String, Map<String, Double>>) json.get("bev_TP_errors");
        assertEquals(List.of("car", "pedestrian"), new ArrayList<>(errors.keySet()));
        assertEquals(List.of("ATE", "ASE", "AOE"), new ArrayList<>(errors.get("pedestrian").keySet()));
        assertEquals(0.7, errors.get("pedestrian").get("ATE"), EPS);
        assertEquals(null, errors.get("car").get("AOE"));
        @SuppressWarnings("unchecked")
        Map<String, Double> byDistance = (Map<String, Double>) json.get("bev_AP_by_distance");
        assertEquals(List.of("0.5", "1", "2", "4"), new ArrayList<>(byDistance.keySet()));
        assertEquals(0.5, byDistance.get("0.5"), EPS);
        String table = m.summaryText();
        assertTrue(table.contains("0.25 m per pixel, 2 classes"), table);
        assertTrue(table.contains(" pedestrian ") && table.contains("   0.750"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith(" mAP ") && l.endsWith("0.875")), table);
        assertTrue(table.contains(" BEV true-positive errors (nuScenes) at 2 m: ATE in m, ASE = 1 - IoU of the hulls"),
                table);
        assertTrue(table.lines().anyMatch(l -> l.matches(" pedestrian +1 +0\\.700 +0\\.667 +-")), table);
        assertTrue(table.lines().anyMatch(l -> l.matches(" mean +2 +0\\.350 +0\\.667 +-")), table);
    }

    // ------------------------------------------------------------- true-positive errors

    /**
     * Two true positives 0.25 m and 1.5 m off with a false positive between them (scores 0.9, 0.8, 0.7; 2 boxes).
     * The scores read at the recalls: 0.9 up to recall 0.49, 0.8 at 0.5 (the false positive), then linear to 0.7 at 1.
     * The running mean of ATE is 0.25 then 0.875, read between the true positives' scores 0.9 and 0.7: 0.25 up to
     * index 49, 0.5625 at 50, 0.875 - 0.625 (1 - t) / 2 at 50 + 50 t; over indices 11..100 that is 46.40625 / 90.
     * Without the false positive the curve is 0.25 + 0.625 t from index 50 on: 0.25 + 0.625 x 25.5 / 90.
     */
    @Test
    void translationErrorIsTheRunningMeanReadThroughTheScores() {
        CocoDataset ds = dataset(1, gt(1, 1, 1, 20, 20), gt(2, 1, 1, 40, 20));
        Detection near = det(1, 1, 21, 20, 0.9);
        Detection far = det(1, 1, 46, 20, 0.7);
        CenterDistanceMetrics.TpErrors e = evaluate(ds, near, det(1, 1, 60, 60, 0.8), far).classes().get(0)
                .tpErrors();
        assertEquals(0.515625, e.ate(), EPS);
        assertEquals(2.0 / 3, e.ase(), EPS);
        assertFalse(e.hasAoe());
        assertEquals(0.25 + 0.625 * 25.5 / 90, evaluate(ds, near, far).classes().get(0).tpErrors().ate(), EPS);
        double nan = Double.NaN;
        assertArrayEquals(new double[] {0, 0.5, 0.5, 0.75},
                TruePositiveErrors.cumulativeMean(new double[] {nan, 0.5, nan, 1.0}));
        assertArrayEquals(new double[] {1, 1}, TruePositiveErrors.cumulativeMean(new double[] {nan, nan}));
    }

    /** 1 - IoU of the hulls on a common centre: 4 x 2 against 4 x 1 is 1 - 4 / 8, against 2 x 3 1 - 4 / 10. */
    @Test
    void scaleErrorComparesTheHullsOnACommonCentre() {
        CocoDataset ds = dataset(1, gt(1, 1, 1, 20, 20), gt(2, 1, 2, 40, 40));
        CenterDistanceMetrics m = evaluate(ds, new Detection(1, 1, 18, 19.5, 4, 1, 0.9),
                new Detection(1, 2, 39, 38.5, 2, 3, 0.8));
        assertEquals(0.5, m.classes().get(0).tpErrors().ase(), EPS);
        assertEquals(0.6, m.classes().get(1).tpErrors().ase(), EPS);
        assertEquals(0.55, m.mase(), EPS);
        assertEquals(0.0, m.mate(), EPS);
        assertEquals(0.0, TruePositiveErrors.alignedIou(0, 0, 0, 0));
    }

    /**
     * calc_tp averages from recall index 11: one perfect detection among 10 boxes reaches recall 0.1 only, so its
     * errors are 1; among 9 it reaches 0.111 and its own errors count. No true positive: 1.
     */
    @Test
    void anEmptyRecallRangeGivesOne() {
        List<CocoDataset.Annotation> boxes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            boxes.add(gt(i + 1, 1, 1, 4 + 6 * i, 10));
        }
        Detection perfect = det(1, 1, 4, 10, 0.9);
        var ten = evaluate(dataset(1, boxes.toArray(CocoDataset.Annotation[]::new)), perfect).classes().get(0);
        assertEquals(new CenterDistanceMetrics.TpErrors(1, 1, Double.NaN), ten.tpErrors());
        var nine = evaluate(dataset(1, boxes.subList(0, 9).toArray(CocoDataset.Annotation[]::new)), perfect)
                .classes().get(0);
        assertEquals(0.0, nine.tpErrors().ate(), EPS);
        assertEquals(2.0 / 3, nine.tpErrors().ase(), EPS);
        var none = evaluate(dataset(1, boxes.get(0)), det(1, 1, 60, 60, 0.9)).classes().get(0);
        assertEquals(new CenterDistanceMetrics.TpErrors(1, 1, Double.NaN), none.tpErrors());
    }

    /** A file of the LiDAR benchmark (with {@code info.settings.cell_size} when {@code lidar}) of these annotations. */
    private CocoDataset lidarFile(boolean lidar, String... annotations) throws IOException {
        Path file = tmp.resolve("lidar-" + lidar + ".json");
        Files.writeString(file, "{" + (lidar ? "\"info\": {\"settings\": {\"cell_size\": 0.25}}, " : "")
                + "\"images\": [{\"id\": 1, \"file_name\": \"1.png\", \"width\": 64, \"height\": 64}], "
                + "\"categories\": [{\"id\": 1, \"name\": \"car\"}, {\"id\": 2, \"name\": \"pedestrian\"}], "
                + "\"annotations\": [" + String.join(", ", annotations) + "]}");
        return CocoDataset.load(file);
    }

    /** A 4 x 2 hull centred on {@code (cx, cy)} whose rotated_bbox is 3 x 1 with this yaw in degrees. */
    private static String rotated(long id, int category, double cx, double cy, double yawDegrees) {
        return String.format(Locale.ROOT, "{\"id\": %d, \"image_id\": 1, \"category_id\": %d, \"bbox\": "
                + "[%s, %s, 4, 2], \"area\": 8, \"iscrowd\": 0, \"rotated_bbox\": [%s, %s, 3, 1, %s]}", id, category,
                cx - 2, cy - 1, cx, cy, Math.toRadians(yawDegrees));
    }

    /** A 4 x 2 detection centred on {@code (cx, cy)} heading {@code yawDegrees} (NaN: no heading). */
    private static Detection headed(int category, double cx, double cy, double score, double yawDegrees) {
        return new Detection(1, category, cx - 2, cy - 1, 4, 2, score, Math.toRadians(yawDegrees));
    }

    /**
     * AOE: 179 against -179 degrees is 2 degrees; a true positive without a yaw is a missing value, so the running
     * mean is 0 before the first known one: 0, then 0.2 rad from recall 2/3 (3 cars), is 0 up to index 33, then
     * 0.6 r / 100 - 0.2 to index 66, the last reached: 3.3 over the 56 indices from 11; pedestrians
     * are left out by default in a LiDAR benchmark file, not in another or when asked; no yaw at all: no AOE. ASE
     * compares the bboxes (equal here), not the 3 x 1 rotated_bbox.
     */
    @Test
    void orientationErrorWrapsAroundAndSkipsClassesWithoutHeading() throws IOException {
        String[] boxes = {rotated(1, 1, 20, 20, 179), rotated(2, 1, 40, 20, 10), rotated(3, 1, 20, 40, 0),
            rotated(4, 2, 40, 40, 0)};
        CocoDataset ds = lidarFile(true, boxes);
        Detection wrap = headed(1, 20, 20, 0.9, -179);
        CenterDistanceMetrics m = new CenterDistanceEvaluator(ds, CELL).evaluate(List.of(wrap,
                headed(2, 40, 40, 0.5, 60)));
        CenterDistanceMetrics.TpErrors car = m.classes().get(0).tpErrors();
        assertEquals(Math.toRadians(2), car.aoe(), EPS, "a third of the cars found: recall 1/3, all at 2 degrees");
        assertEquals(0.0, car.ase(), EPS);
        assertFalse(m.classes().get(1).tpErrors().hasAoe());
        assertEquals(car.aoe(), m.maoe(), EPS);
        assertEquals(Math.toRadians(2), TruePositiveErrors.yawDifference(Math.toRadians(179), Math.toRadians(-179)),
                EPS);
        assertEquals(Math.PI, TruePositiveErrors.yawDifference(Math.PI / 2, -Math.PI / 2), EPS);

        List<Detection> two = List.of(headed(1, 20, 20, 0.9, Double.NaN), headed(1, 40, 20, 0.8,
                10 + Math.toDegrees(0.2)), headed(2, 40, 40, 0.5, 60));
        CenterDistanceMetrics all = new CenterDistanceEvaluator(ds, CELL).withoutHeading(Set.of()).evaluate(two);
        double firstCar = 3.3 / 56;
        assertEquals(firstCar, all.classes().get(0).tpErrors().aoe(), EPS);
        assertEquals(Math.toRadians(60), all.classes().get(1).tpErrors().aoe(), EPS);
        assertEquals((firstCar + Math.toRadians(60)) / 2, all.maoe(), EPS);
        CenterDistanceMetrics plain = new CenterDistanceEvaluator(lidarFile(false, boxes), CELL).evaluate(two);
        assertEquals(Set.of(), new CenterDistanceEvaluator(lidarFile(false, boxes), CELL).classesWithoutHeading());
        assertEquals(all.maoe(), plain.maoe(), EPS);
        CenterDistanceMetrics noYaw = new CenterDistanceEvaluator(ds, CELL).withoutHeading(Set.of()).evaluate(
                List.of(det(1, 1, 20, 20, 0.9)));
        assertFalse(noYaw.classes().get(0).tpErrors().hasAoe() || noYaw.classes().get(1).tpErrors().hasAoe());
        assertTrue(Double.isNaN(noYaw.maoe()));
    }


    // ------------------------------------------------------------- files and the devkit fixture

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(CenterDistanceEvaluatorTest.class.getResource(name).toURI());
    }

    /** The Python fixture's expected numbers ({@code src/test/scripts/make_centre_distance_fixture.py}). */
    static JsonNode expected() throws IOException {
        try (InputStream in = CenterDistanceEvaluatorTest.class.getResourceAsStream(
                "centre-distance-expected.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    /** Each class's ATE, ASE and AOE (null: not computed) as the Python implementation gives them, to 1e-12. */
    static void assertTpErrors(JsonNode expected, CenterDistanceMetrics m) {
        assertEquals(expected.size(), m.classes().size());
        for (CenterDistanceMetrics.ClassAp c : m.classes()) {
            JsonNode e = expected.get(c.name());
            CenterDistanceMetrics.TpErrors t = c.tpErrors();
            assertEquals(e.get("ATE").doubleValue(), t.ate(), EPS, c.name());
            assertEquals(e.get("ASE").doubleValue(), t.ase(), EPS, c.name());
            assertEquals(e.get("AOE").isNull() ? Double.NaN : e.get("AOE").doubleValue(), t.aoe(), EPS, c.name());
        }
    }

    /** AP bit for bit; the true-positive errors to 1e-12, by default (no pedestrian heading) and for all classes. */
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
        assertTpErrors(exp.get("tp_errors"), m);
        assertEquals(exp.get("mATE").doubleValue(), m.mate(), EPS);
        assertEquals(exp.get("mASE").doubleValue(), m.mase(), EPS);
        assertEquals(exp.get("mAOE").doubleValue(), m.maoe(), EPS);
        assertFalse(m.classes().get(1).tpErrors().hasAoe(), "pedestrians have no heading in a LiDAR file");
        CenterDistanceMetrics all = new CenterDistanceEvaluator(gt, 0.25).withoutHeading(Set.of()).evaluate(dets);
        assertTpErrors(exp.get("tp_errors_all_headings"), all);
        assertEquals(exp.get("mAOE_all_headings").doubleValue(), all.maoe(), EPS);
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
