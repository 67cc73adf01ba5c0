package dev.inlierq.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inlierq.detect.Detection;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed cases for {@link CocoEvaluator}. Notation: 10 IoU thresholds .50..95, 101 recall
 * thresholds; AP of one category is the mean of its 10 x 101 interpolated precisions. A lone true
 * positive has precision {@code 1 / (1 + 2^-52)}, one ulp below 1, hence the 1e-12 tolerance.
 */
class CocoEvaluatorTest {
    private static final double TOL = 1e-12;

    // ---------------------------------------------------------------- fixture helpers

    private static CocoDataset.Image img(long id) {
        return new CocoDataset.Image(id, id + ".jpg", 640, 480);
    }

    private static List<CocoDataset.Category> cats(int... ids) {
        List<CocoDataset.Category> out = new ArrayList<>();
        for (int id : ids) {
            out.add(new CocoDataset.Category(id, "c" + id));
        }
        return out;
    }

    private static long nextAnnId = 1;

    private static CocoDataset.Annotation gt(long image, int cat, double x, double y, double w, double h) {
        return new CocoDataset.Annotation(nextAnnId++, image, cat, x, y, w, h, w * h, false);
    }

    private static CocoDataset.Annotation gtArea(long image, int cat, double x, double y, double w, double h,
            double area) {
        return new CocoDataset.Annotation(nextAnnId++, image, cat, x, y, w, h, area, false);
    }

    private static CocoDataset.Annotation crowd(long image, int cat, double x, double y, double w, double h) {
        return new CocoDataset.Annotation(nextAnnId++, image, cat, x, y, w, h, w * h, true);
    }

    private static Detection det(long image, int cat, double x, double y, double w, double h, double score) {
        return new Detection(image, cat, x, y, w, h, score);
    }

    private static CocoMetrics eval(CocoDataset ds, List<Detection> dets) {
        return new CocoEvaluator(ds).evaluate(dets);
    }

    /** A copy of a ground-truth box as a detection. */
    private static Detection same(CocoDataset.Annotation a, double score) {
        return det(a.imageId(), a.categoryId(), a.x(), a.y(), a.w(), a.h(), score);
    }

    // ---------------------------------------------------------------- parameters

    @Test
    void thresholdsAreBuiltLikeNumpyLinspace() {
        assertArrayEquals(new double[] {0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95},
                CocoEvaluator.iouThresholds(), 0.0);
        double[] rec = CocoEvaluator.recallThresholds();
        assertEquals(101, rec.length);
        assertEquals(0.0, rec[0], 0.0);
        assertEquals(0.07, rec[7], 0.0);
        assertEquals(0.35000000000000003, rec[35], 0.0);
        assertEquals(0.5, rec[50], 0.0);
        assertEquals(0.7000000000000001, rec[70], 0.0);
        assertEquals(1.0, rec[100], 0.0);
    }

    // ---------------------------------------------------------------- basic cases

    @Test
    void perfectDetectionsGiveOneEverywhere() {
        List<CocoDataset.Annotation> anns = List.of(
                gt(1, 1, 10, 10, 10, 10), // small
                gt(1, 2, 100, 100, 50, 50), // medium
                gt(2, 1, 0, 0, 200, 100), // large
                gt(2, 2, 300, 300, 20, 25), // small
                gt(3, 1, 50, 60, 40, 40)); // medium
        CocoDataset ds = CocoDataset.of(List.of(img(1), img(2), img(3)), cats(1, 2), anns);
        List<Detection> dets = new ArrayList<>();
        for (CocoDataset.Annotation a : anns) {
            dets.add(same(a, 0.9));
        }
        CocoMetrics m = eval(ds, dets);
        for (double v : m.stats()) {
            assertEquals(1.0, v, TOL);
        }
        assertEquals(1.0, m.perCategoryAp().get(1), TOL);
        assertEquals(1.0, m.perCategoryAp().get(2), TOL);
    }

    @Test
    void iouOfSixTenthsPassesTheFirstThreeThresholds() {
        // gt 100x100, detection 100x60 inside it: IoU = 6000 / 10000 = 0.6 exactly = third threshold
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(1), List.of(gt(1, 1, 0, 0, 100, 100)));
        CocoMetrics m = eval(ds, List.of(det(1, 1, 0, 0, 100, 60, 0.8)));
        assertEquals(0.3, m.ap(), TOL);
        assertEquals(1.0, m.ap50(), TOL);
        assertEquals(0.0, m.ap75(), 0.0);
        assertEquals(-1.0, m.apSmall(), 0.0);
        assertEquals(-1.0, m.apMedium(), 0.0);
        assertEquals(0.3, m.apLarge(), TOL);
        assertEquals(0.3, m.ar1(), TOL);
        assertEquals(0.3, m.ar100(), TOL);
        assertEquals(-1.0, m.arSmall(), 0.0);
        assertEquals(0.3, m.arLarge(), TOL);
    }

    @Test
    void iouOfOneHalfMatchesAtTheFirstThresholdOnly() {
        // IoU = 5000 / 10000 = 0.5: "iou >= threshold" counts at .50 and nowhere else
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(1), List.of(gt(1, 1, 0, 0, 100, 100)));
        CocoMetrics m = eval(ds, List.of(det(1, 1, 0, 0, 100, 50, 0.8)));
        assertEquals(0.1, m.ap(), TOL);
        assertEquals(1.0, m.ap50(), TOL);
        assertEquals(0.1, m.ar100(), TOL);
    }

    @Test
    void anIouTieGoesToTheLaterGroundTruth() {
        // A=(0,0,100,100), B=(50,0,100,100); d1=(25,0,100,100) has IoU 0.6 with both and takes B (the
        // later one, as pycocotools), leaving A for d2 = A. For t <= .6 both are TP: precision 1.
        // For t > .6: d1 is FP, d2 TP: precision .5 up to recall .5 (51 thresholds), then 0.
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(1),
                List.of(gt(1, 1, 0, 0, 100, 100), gt(1, 1, 50, 0, 100, 100)));
        CocoMetrics m = eval(ds, List.of(det(1, 1, 25, 0, 100, 100, 0.9), det(1, 1, 0, 0, 100, 100, 0.8)));
        assertEquals((3 * 101 + 7 * 51 * 0.5) / 1010, m.ap(), TOL);
        assertEquals((3 * 1.0 + 7 * 0.5) / 10, m.ar100(), TOL);
    }

    // ---------------------------------------------------------------- crowd regions

    @Test
    void detectionsInsideACrowdRegionAreIgnored() {
        // crowd IoU = intersection / detection area = 1 for boxes inside the region: matched and ignored,
        // even several of them, even ranked first
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(1),
                List.of(gt(1, 1, 300, 300, 100, 100), crowd(1, 1, 0, 0, 200, 200)));
        CocoMetrics m = eval(ds, List.of(det(1, 1, 10, 10, 50, 50, 0.9), det(1, 1, 100, 100, 80, 80, 0.85),
                det(1, 1, 300, 300, 100, 100, 0.7)));
        assertEquals(1.0, m.ap(), TOL);
        assertEquals(1.0, m.ar100(), TOL);
    }

    @Test
    void aDetectionMostlyOutsideACrowdRegionIsAFalsePositive() {
        // (150,150,100,100) vs crowd (0,0,200,200): 2500 / 10000 = .25 < .5, ranked before the true positive
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(1),
                List.of(gt(1, 1, 300, 300, 100, 100), crowd(1, 1, 0, 0, 200, 200)));
        CocoMetrics m = eval(ds, List.of(det(1, 1, 150, 150, 100, 100, 0.9), det(1, 1, 300, 300, 100, 100, 0.7)));
        assertEquals(0.5, m.ap(), TOL);
        assertEquals(1.0, m.ar100(), TOL);
    }

    @Test
    void aCrowdBoxNeverCountsAsAPositive() {
        // category 2 has only a crowd box (and a detection inside it): undefined, left out of the mean
        CocoDataset ds = CocoDataset.of(List.of(img(1), img(2)), cats(1, 2),
                List.of(gt(1, 1, 0, 0, 100, 100), crowd(2, 2, 0, 0, 300, 300)));
        CocoMetrics m = eval(ds, List.of(det(1, 1, 0, 0, 100, 60, 0.9), det(2, 2, 10, 10, 50, 50, 0.9)));
        assertEquals(-1.0, m.perCategoryAp().get(2), 0.0);
        assertEquals(0.3, m.perCategoryAp().get(1), TOL);
        assertEquals(0.3, m.ap(), TOL);
        assertEquals(0.3, m.ar100(), TOL);
    }

    @Test
    void aMatchWithARegularBoxStopsTheSearchBeforeCrowdBoxes() {
        // d = (0,0,100,60): IoU .6 with the regular box A, crowd IoU 1 with C. For t <= .6 it matches A and
        // the search stops at the (ignored, later-sorted) crowd box: TP. For t > .6 it falls to C: ignored.
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(1),
                List.of(crowd(1, 1, 0, 0, 200, 200), gt(1, 1, 0, 0, 100, 100)));
        CocoMetrics m = eval(ds, List.of(det(1, 1, 0, 0, 100, 60, 0.9)));
        assertEquals(0.3, m.ap(), TOL);
        assertEquals(0.3, m.ar100(), TOL);
    }

    // ---------------------------------------------------------------- empty images, false positives

    @Test
    void detectionsOnImagesWithoutGroundTruthAreFalsePositives() {
        CocoDataset.Annotation a = gt(1, 1, 0, 0, 100, 100);
        CocoDataset ds = CocoDataset.of(List.of(img(1), img(2), img(3)), cats(1), List.of(a));
        // image 2 has no box but a detection ranked first; image 3 has nothing at all
        CocoMetrics first = eval(ds, List.of(same(a, 0.5), det(2, 1, 0, 0, 100, 100, 0.9)));
        assertEquals(0.5, first.ap(), TOL); // precision 1/2 at every recall threshold
        assertEquals(1.0, first.ar100(), TOL);
        CocoMetrics last = eval(ds, List.of(same(a, 0.5), det(2, 1, 0, 0, 100, 100, 0.3)));
        assertEquals(1.0, last.ap(), TOL); // a false positive after full recall costs nothing
    }

    @Test
    void noDetectionsGiveZeroAndNoGroundTruthGivesMinusOne() {
        CocoDataset ds = CocoDataset.of(List.of(img(1), img(2)), cats(1), List.of(gt(1, 1, 0, 0, 100, 100)));
        CocoMetrics none = eval(ds, List.of());
        assertEquals(0.0, none.ap(), 0.0);
        assertEquals(0.0, none.ar100(), 0.0);
        assertEquals(-1.0, none.apSmall(), 0.0);

        CocoDataset empty = CocoDataset.of(List.of(img(1), img(2)), cats(1), List.of());
        CocoMetrics m = eval(empty, List.of(det(1, 1, 0, 0, 10, 10, 0.9)));
        for (double v : m.stats()) {
            assertEquals(-1.0, v, 0.0);
        }
        assertEquals(Map.of(1, -1.0), m.perCategoryAp());
    }

    @Test
    void aDuplicateDetectionIsAFalsePositive() {
        // A, dup(A), B: tp 1,1,2 fp 0,1,1 -> recall .5,.5,1, precision 1, 2/3, 2/3 after the right-to-left
        // max: 51 recall thresholds (0..0.50) at 1, 50 at 2/3 -> AP = (51 + 50 * 2/3) / 101 = 253/303
        CocoDataset.Annotation a = gt(1, 1, 0, 0, 100, 100);
        CocoDataset.Annotation b = gt(1, 1, 300, 300, 100, 100);
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(1), List.of(a, b));
        CocoMetrics m = eval(ds, List.of(same(a, 0.9), same(a, 0.8), same(b, 0.7)));
        assertEquals(253.0 / 303.0, m.ap(), TOL);
        assertEquals(1.0, m.ar100(), TOL);
        assertEquals(1.0 / 2, m.ar1(), TOL);
    }

    @Test
    void equalScoresAcrossImagesAreRankedByAscendingImageId() {
        // image 5 (declared first) holds a false positive, image 3 a true positive, both scored .5:
        // COCOeval ranks image 3's first (stable sort over images in ascending id order) -> AP 1, not .5
        CocoDataset ds = CocoDataset.of(List.of(img(5), img(3)), cats(1), List.of(gt(3, 1, 0, 0, 100, 100)));
        CocoMetrics m = eval(ds, List.of(det(5, 1, 0, 0, 100, 100, 0.5), det(3, 1, 0, 0, 100, 100, 0.5)));
        assertEquals(1.0, m.ap(), TOL);
    }

    // ---------------------------------------------------------------- maxDets

    @Test
    void maxDetsLimitsRecall() {
        List<CocoDataset.Annotation> anns = new ArrayList<>();
        List<Detection> dets = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            CocoDataset.Annotation a = gt(1, 1, (i % 4) * 150, (i / 4) * 150, 100, 100);
            anns.add(a);
            dets.add(same(a, 0.99 - i * 0.01));
        }
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(1), anns);
        CocoMetrics m = eval(ds, dets);
        assertEquals(1.0 / 12, m.ar1(), TOL);
        assertEquals(10.0 / 12, m.ar10(), TOL);
        assertEquals(1.0, m.ar100(), TOL);
        assertEquals(1.0, m.ap(), TOL);
    }

    @Test
    void onlyTheHundredBestDetectionsOfAnImageCount() {
        CocoDataset.Annotation a = gt(1, 1, 0, 0, 100, 100);
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(1), List.of(a));
        List<Detection> dets = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            dets.add(det(1, 1, 300, 300, 50, 50, 0.9)); // false positives
        }
        dets.add(same(a, 0.1)); // 101st: cut
        CocoMetrics m = eval(ds, dets);
        assertEquals(0.0, m.ap(), 0.0);
        assertEquals(0.0, m.ar100(), 0.0);
        dets.remove(0); // now the true positive is the 100th
        CocoMetrics kept = eval(ds, dets);
        assertEquals(1.0, kept.ar100(), TOL);
        assertEquals(0.0, kept.ar10(), 0.0);
        assertEquals(0.01, kept.ap(), 1e-15); // precision 1/100 at every recall threshold
    }

    // ---------------------------------------------------------------- area ranges

    @Test
    void areaRangesSplitTheBoxes() {
        // small gt (area 100) found exactly; large gt (area 10000) found with IoU .6 by a 100x60 box
        // (area 6000, medium). all: t <= .6 both TP; t > .6 TP then FP -> 51 thresholds at 1:
        // AP = (3*101 + 7*51) / 1010. small: the large gt is ignored and so is the other detection.
        // large: the small gt's detection is ignored; for t > .6 the unmatched medium-sized detection is
        // ignored too (outside the range), so APl = .3. No medium gt: APm = ARm = -1.
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(1),
                List.of(gt(1, 1, 0, 0, 10, 10), gt(1, 1, 100, 100, 100, 100)));
        CocoMetrics m = eval(ds, List.of(det(1, 1, 0, 0, 10, 10, 0.9), det(1, 1, 100, 100, 100, 60, 0.8)));
        assertEquals((3 * 101 + 7 * 51) / 1010.0, m.ap(), TOL);
        assertEquals(1.0, m.apSmall(), TOL);
        assertEquals(-1.0, m.apMedium(), 0.0);
        assertEquals(0.3, m.apLarge(), TOL);
        assertEquals((3 + 7 * 0.5) / 10, m.ar100(), TOL);
        assertEquals(1.0, m.arSmall(), TOL);
        assertEquals(-1.0, m.arMedium(), 0.0);
        assertEquals(0.3, m.arLarge(), TOL);
    }

    @Test
    void theGroundTruthAreaFieldDecidesItsRange() {
        // box 40x40 (1600, medium by w*h) whose area field says 900 (small): it is a small object
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(1), List.of(gtArea(1, 1, 0, 0, 40, 40, 900)));
        CocoMetrics m = eval(ds, List.of(det(1, 1, 0, 0, 40, 40, 0.9)));
        assertEquals(1.0, m.apSmall(), TOL);
        assertEquals(-1.0, m.apMedium(), 0.0);
        assertEquals(-1.0, m.apLarge(), 0.0);
        assertEquals(1.0, m.ap(), TOL);
    }

    @Test
    void rangeBoundsAreInclusive() {
        // area exactly 32^2 is both small and medium
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(1), List.of(gt(1, 1, 0, 0, 32, 32)));
        CocoMetrics m = eval(ds, List.of(det(1, 1, 0, 0, 32, 32, 0.9)));
        assertEquals(1.0, m.apSmall(), TOL);
        assertEquals(1.0, m.apMedium(), TOL);
        assertEquals(-1.0, m.apLarge(), 0.0);
    }

    // ---------------------------------------------------------------- categories, image subsets

    @Test
    void categoriesWithoutGroundTruthAreLeftOutOfTheMean() {
        CocoDataset.Annotation a = gt(1, 1, 0, 0, 100, 100);
        CocoDataset ds = CocoDataset.of(List.of(img(1), img(2)), cats(1, 2, 3),
                List.of(a, gt(2, 2, 0, 0, 100, 100)));
        CocoMetrics m = eval(ds, List.of(same(a, 0.9),
                det(2, 2, 0, 0, 100, 60, 0.9), // IoU .6 -> category AP .3
                det(1, 3, 200, 200, 50, 50, 0.99), // category 3 has no ground truth: -1
                det(2, 99, 0, 0, 100, 100, 0.99))); // undeclared category: not evaluated
        assertEquals(List.of(1, 2, 3), List.copyOf(m.perCategoryAp().keySet()));
        assertEquals(1.0, m.perCategoryAp().get(1), TOL);
        assertEquals(0.3, m.perCategoryAp().get(2), TOL);
        assertEquals(-1.0, m.perCategoryAp().get(3), 0.0);
        assertEquals(0.65, m.ap(), TOL);
        assertEquals(0.65, m.ar100(), TOL);
    }

    @Test
    void evaluatesOnlyTheGivenImages() {
        CocoDataset.Annotation a = gt(1, 1, 0, 0, 100, 100);
        CocoDataset ds = CocoDataset.of(List.of(img(1), img(2)), cats(1), List.of(a, gt(2, 1, 0, 0, 50, 50)));
        List<Detection> dets = List.of(same(a, 0.5), det(2, 1, 300, 300, 50, 50, 0.9));
        CocoEvaluator ev = new CocoEvaluator(ds);
        assertEquals(1.0, ev.evaluate(dets, List.of(1L)).ap(), TOL);
        assertEquals(0.5, ev.evaluate(dets, List.of(1L, 2L)).ar100(), TOL);
        assertEquals(ev.evaluate(dets), ev.evaluate(dets, List.of(2L, 1L, 2L)));
        assertThrows(IllegalArgumentException.class, () -> ev.evaluate(dets, List.of(7L)));
    }

    @Test
    void aDetectionOnAnUndeclaredImageIsAUserError() {
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(1), List.of(gt(1, 1, 0, 0, 100, 100)));
        UserError e = assertThrows(UserError.class,
                () -> eval(ds, List.of(det(42, 1, 0, 0, 10, 10, 0.9))));
        assertEquals(ExitCode.BAD_ANNOTATIONS, e.exitCode());
        assertEquals(-1, e.getMessage().indexOf('\n'));
    }

    @Test
    void perCategoryApAgreesWithTheMean() {
        // two categories: AP .1 (IoU .5) and .3 (IoU .6); the mean AP is their mean
        CocoDataset ds = CocoDataset.of(List.of(img(1)), cats(4, 2),
                List.of(gt(1, 4, 0, 0, 100, 100), gt(1, 2, 200, 200, 100, 100)));
        CocoMetrics m = eval(ds, List.of(det(1, 4, 0, 0, 100, 50, 0.9), det(1, 2, 200, 200, 100, 60, 0.9)));
        assertEquals(0.1, m.perCategoryAp().get(4), TOL);
        assertEquals(0.3, m.perCategoryAp().get(2), TOL);
        assertEquals(List.of(2, 4), List.copyOf(m.perCategoryAp().keySet()));
        assertEquals(0.2, m.ap(), TOL);
    }
}
