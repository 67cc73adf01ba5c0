package dev.inlierq.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.Detection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CenterDistanceBootstrap} on synthetic BEV scenes (0.25 m per pixel): every multiplicity 1 gives
 * {@link CenterDistanceEvaluator}'s mAP exactly; multiplicities 0..3 give exactly its mAP on the images copied that
 * many times, ties of scores included; the draws are {@link ImageBootstrap}'s; the same seed the same numbers; a
 * case whose sampled mAP takes two values and is undefined in a quarter of the samples; the paired form.
 */
class CenterDistanceBootstrapTest {
    private static final double CELL = 0.25;
    private static final List<CocoDataset.Category> CATEGORIES = List.of(new CocoDataset.Category(1, "car"),
            new CocoDataset.Category(2, "pedestrian"), new CocoDataset.Category(3, "truck"),
            new CocoDataset.Category(5, "none"));

    /** A synthetic BEV set: its images, ground truth and detections. */
    record Scene(List<CocoDataset.Image> images, List<CocoDataset.Annotation> annotations,
            List<Detection> detections) {
        CocoDataset dataset() {
            return CocoDataset.of(images, CATEGORIES, annotations);
        }
    }

    /**
     * 12 maps of 128 x 128 pixels: up to 6 cars and pedestrians each (one in twelve a crowd box), trucks on image 2
     * only, detections of most boxes with their centres 0 to 5 m off, some twice, false positives, detections of
     * category 5 that has no ground truth, and an image with nothing. Scores are rounded to tenths when
     * {@code ties}, so that many tie, within an image and across images.
     */
    static Scene scene(long seed, boolean ties) {
        Random rnd = new Random(seed);
        List<CocoDataset.Image> images = new ArrayList<>();
        List<CocoDataset.Annotation> anns = new ArrayList<>();
        List<Detection> dets = new ArrayList<>();
        long annId = 1;
        for (long id = 1; id <= 12; id++) {
            images.add(new CocoDataset.Image(id, id + ".png", 128, 128));
            int boxes = id == 12 ? 0 : rnd.nextInt(7) + (id == 2 ? 2 : 0);
            for (int b = 0; b < boxes; b++) {
                int cat = id == 2 && b < 2 ? 3 : 1 + rnd.nextInt(2);
                double w = cat == 2 ? 3 : 8 + rnd.nextDouble() * 8;
                double h = cat == 2 ? 3 : 16 + rnd.nextDouble() * 8;
                double cx = 10 + rnd.nextDouble() * 108;
                double cy = 10 + rnd.nextDouble() * 108;
                boolean crowd = rnd.nextInt(12) == 0;
                anns.add(new CocoDataset.Annotation(annId++, id, cat, cx - w / 2, cy - h / 2, w, h, w * h, crowd));
                for (int copy = rnd.nextInt(10) < 2 ? 2 : 1; copy > 0; copy--) {
                    if (rnd.nextDouble() < 0.85) {
                        double r = rnd.nextDouble() * 20; // 0 to 5 m
                        double a = rnd.nextDouble() * 2 * Math.PI;
                        dets.add(new Detection(id, cat, cx + r * Math.cos(a) - w / 2, cy + r * Math.sin(a) - h / 2,
                                w, h, score(rnd, ties)));
                    }
                }
            }
            for (int f = rnd.nextInt(4); f > 0; f--) {
                dets.add(new Detection(id, 1 + rnd.nextInt(3), rnd.nextDouble() * 120, rnd.nextDouble() * 120, 6, 6,
                        score(rnd, ties)));
            }
            if (id == 4) {
                dets.add(new Detection(id, 5, 10, 10, 5, 5, score(rnd, ties)));
            }
        }
        return new Scene(images, anns, dets);
    }

    private static double score(Random rnd, boolean ties) {
        return ties ? Math.round(rnd.nextDouble() * 10) / 10.0 : rnd.nextDouble();
    }

    private static CenterDistanceBootstrap bootstrap(CocoDataset ds) {
        return new CenterDistanceBootstrap(new ImageBootstrap(ds), CELL);
    }

    @Test
    void everyMultiplicityOneGivesTheEvaluatorsMapExactly() {
        for (long seed = 0; seed < 20; seed++) {
            Scene s = scene(seed, seed % 2 == 0);
            CocoDataset ds = s.dataset();
            double want = new CenterDistanceEvaluator(ds, CELL).evaluate(s.detections()).map();
            assertTrue(want > 0 && want < 1, "a scene that is neither empty nor perfect: " + want);
            assertEquals(want, bootstrap(ds).match(s.detections()).map(ImageBootstrap.ones(12)), 0.0);

            List<Long> some = List.of(9L, 2L, 3L, 7L, 2L); // evaluated as 2, 3, 7, 9
            CenterDistanceBootstrap part = new CenterDistanceBootstrap(new ImageBootstrap(ds, some), CELL);
            assertEquals(4, part.images());
            assertEquals(new CenterDistanceEvaluator(ds, CELL).evaluate(s.detections(), some).map(),
                    part.match(s.detections()).map(ImageBootstrap.ones(4)), 0.0);
        }
    }

    /**
     * Image i counted m_i times (0 to 3) scores exactly as the evaluator scores a dataset holding m_i copies of it:
     * with ties of scores when the copies' ids follow each other (the copies of image i take ids 100 i, 100 i + 1,
     * ...), and without ties whatever the ids (here i, i + 100, i + 200, interleaved with the other images). With
     * ties and interleaved ids the evaluator's order differs, and so, in some of these cases, the mAP: the order of
     * the copies matters, and the first check tests it.
     */
    @Test
    void multiplicitiesScoreLikeCopiesOfTheImages() {
        Random rnd = new Random(7);
        int interleavedDiffer = 0;
        int truckLeftOut = 0;
        for (long seed = 0; seed < 16; seed++) {
            boolean ties = seed % 2 == 0;
            Scene s = scene(100 + seed, ties);
            CentreMatches matches = bootstrap(s.dataset()).match(s.detections());
            for (int round = 0; round < 5; round++) {
                int[] m = new int[12];
                for (int i = 0; i < m.length; i++) {
                    m[i] = rnd.nextInt(4);
                }
                m[0] = Math.max(1, m[0]); // image 1 stays, so that some ground truth remains
                double got = matches.map(m);
                if (ties) {
                    assertEquals(copies(s, m, true), got, 0.0, "seed " + seed + ", round " + round);
                    interleavedDiffer += copies(s, m, false) != got ? 1 : 0;
                } else {
                    assertEquals(copies(s, m, false), got, 0.0, "seed " + seed + ", round " + round);
                }
                truckLeftOut += m[1] == 0 ? 1 : 0;
            }
        }
        assertTrue(interleavedDiffer > 0, "ties across images never changed the mAP: the test would not see it");
        assertTrue(truckLeftOut > 0, "no round left out the trucks (image 2 only)");
    }

    /**
     * The evaluator's mAP on a dataset with image i (ids 1..12) copied m[i - 1] times under new ids: 100 i + c for
     * copy c when {@code adjacent}, else i + 100 c.
     */
    private static double copies(Scene s, int[] m, boolean adjacent) {
        List<CocoDataset.Image> images = new ArrayList<>();
        List<CocoDataset.Annotation> anns = new ArrayList<>();
        List<Detection> dets = new ArrayList<>();
        long annId = 1;
        for (CocoDataset.Image im : s.images()) {
            for (int c = 0; c < m[(int) im.id() - 1]; c++) {
                long id = adjacent ? 100 * im.id() + c : im.id() + 100L * c;
                images.add(new CocoDataset.Image(id, id + ".png", im.width(), im.height()));
                for (CocoDataset.Annotation a : s.annotations()) {
                    if (a.imageId() == im.id()) {
                        anns.add(new CocoDataset.Annotation(annId++, id, a.categoryId(), a.x(), a.y(), a.w(), a.h(),
                                a.area(), a.iscrowd()));
                    }
                }
                for (Detection d : s.detections()) {
                    if (d.imageId() == im.id()) {
                        dets.add(new Detection(id, d.categoryId(), d.x(), d.y(), d.w(), d.h(), d.score()));
                    }
                }
            }
        }
        return new CenterDistanceEvaluator(CocoDataset.of(images, CATEGORIES, anns), CELL).evaluate(dets).map();
    }

    @Test
    void noDrawnGroundTruthLeavesTheMapUndefinedAsTheEvaluatorDoes() {
        Scene s = scene(3, true);
        CentreMatches m = bootstrap(s.dataset()).match(s.detections());
        assertEquals(-1.0, m.map(new int[12]), 0.0);
        assertEquals(-1.0, new CenterDistanceEvaluator(s.dataset(), CELL).evaluate(s.detections(), List.of()).map());
        int[] onlyEmpty = new int[12];
        onlyEmpty[11] = 12; // image 12 has no box
        assertEquals(-1.0, m.map(onlyEmpty), 0.0);
    }

    /** Sample b counts the images that sample b of ImageBootstrap's draws counts, in its resamples as here. */
    @Test
    void theSamplesUseImageBootstrapsDraws() {
        Scene s = scene(4, true);
        ImageBootstrap images = new ImageBootstrap(s.dataset());
        CenterDistanceBootstrap boot = new CenterDistanceBootstrap(images, CELL);
        CentreMatches bev = boot.match(s.detections());
        ImageMatches coco = images.match(s.detections());
        List<int[]> draws = new ArrayList<>();
        images.forEachDraw(50, 11, m -> draws.add(m.clone()));
        double[] sampled = boot.draw(new CentreMatches[] {bev}, 50, 11)[0];
        double[] sampledAp = images.draw(new ImageMatches[] {coco}, 50, 11)[0][0];
        assertEquals(50, sampled.length); // 11 of the 12 maps have boxes: every sample draws some
        for (int b = 0; b < 50; b++) {
            assertEquals(bev.map(draws.get(b)), sampled[b], 0.0, "sample " + b);
            assertEquals(coco.point(draws.get(b)).ap(), sampledAp[b], 0.0, "sample " + b);
        }
    }

    /**
     * Two maps, one car on map 1 found by a detection at 0.9, a false positive at 0.5 on map 2. A sample draws (2, 0),
     * (1, 1) or (0, 2) with probabilities 1/4, 1/2, 1/4: mAP 1, 80.5 / 81 (the false positive below the true
     * positive), and none (no ground truth: left out, as COCO AP is left out of the same samples).
     */
    @Test
    void aSampleWithoutGroundTruthIsLeftOutInTheSameSamplesAsCoco() {
        CocoDataset ds = CocoDataset.of(
                List.of(new CocoDataset.Image(1, "1.png", 64, 64), new CocoDataset.Image(2, "2.png", 64, 64)),
                List.of(new CocoDataset.Category(1, "car")),
                List.of(new CocoDataset.Annotation(1, 1, 1, 18, 19, 4, 2, 8, false)));
        List<Detection> dets = List.of(new Detection(1, 1, 17, 18, 6, 4, 0.9),
                new Detection(2, 1, 40, 40, 6, 4, 0.5));
        ImageBootstrap images = new ImageBootstrap(ds);
        CenterDistanceBootstrap boot = new CenterDistanceBootstrap(images, CELL);
        CentreMatches m = boot.match(dets);
        assertEquals(1.0, m.map(new int[] {2, 0}), 1e-12);
        assertEquals(80.5 / 81, m.map(new int[] {1, 1}), 1e-12);
        assertEquals(-1.0, m.map(new int[] {0, 2}), 0.0);

        int samples = 4000;
        CenterDistanceBootstrap.Summary s = boot.resample(m, samples, 1);
        ImageBootstrap.Summary coco = images.resample(images.match(dets), samples, 1);
        assertEquals(coco.defined(), s.defined());
        assertEquals(3000, s.defined(), 110); // binomial sd 27
        double[] v = boot.draw(new CentreMatches[] {m}, samples, 1)[0];
        int ones = 0;
        for (double x : v) {
            boolean one = Math.abs(x - 1) < 1e-12;
            assertTrue(one || Math.abs(x - 80.5 / 81) < 1e-12, "unexpected sampled mAP " + x);
            ones += one ? 1 : 0;
        }
        assertEquals(s.defined() / 3.0, ones, 110); // (2, 0) is a third of the defined samples
        assertEquals(80.5 / 81, s.point(), 1e-12);
        assertEquals(80.5 / 81, s.map().low(), 1e-12);
        assertEquals(1.0, s.map().high(), 1e-12);
    }

    @Test
    void theSameSeedGivesTheSameNumbersAndAnotherSeedOthers() {
        Scene s = scene(3, true);
        CenterDistanceBootstrap boot = bootstrap(s.dataset());
        CentreMatches m = boot.match(s.detections());
        CenterDistanceBootstrap.Summary a = boot.resample(m, 200, 42);
        CenterDistanceBootstrap boot2 = bootstrap(s.dataset());
        assertEquals(a, boot2.resample(boot2.match(s.detections()), 200, 42));
        assertEquals(a, boot.resample(m, 200, 42));
        CenterDistanceBootstrap.Summary other = boot.resample(m, 200, 43);
        assertNotEquals(a.map(), other.map());
        assertNotEquals(a.map().sd(), other.map().sd());
        assertEquals(200, a.samples());
        assertEquals(200, a.defined());
        assertEquals(42, a.seed());
        assertEquals(0.95, a.level());
        assertEquals(new CenterDistanceEvaluator(s.dataset(), CELL).evaluate(s.detections()).map(), a.point(), 0.0);
        assertTrue(a.map().low() < a.point() && a.point() < a.map().high(), a.toString());
        assertTrue(a.map().sd() > 0, a.toString());
    }

    @Test
    void aModelAgainstItselfDiffersByExactlyZero() {
        Scene s = scene(5, true);
        CenterDistanceBootstrap boot = bootstrap(s.dataset());
        CenterDistanceBootstrap.Paired p = boot.resamplePaired(boot.match(s.detections()),
                boot.match(s.detections()), 300, 9);
        assertEquals(new ImageBootstrap.Difference(0, 0, 0, 0, 0), p.map());
        assertEquals(p.a(), p.b());
        assertEquals(boot.resample(boot.match(s.detections()), 300, 9), p.a()); // same draws as the single form
    }

    /** B loses every other detection of A: the point difference is the evaluator's, below zero in most samples. */
    @Test
    void aWorseModelDiffersByTheEvaluatorsDifference() {
        Scene s = scene(6, false);
        List<Detection> worse = new ArrayList<>();
        for (int i = 0; i < s.detections().size(); i += 2) {
            worse.add(s.detections().get(i));
        }
        CocoDataset ds = s.dataset();
        CenterDistanceBootstrap boot = bootstrap(ds);
        CenterDistanceBootstrap.Paired p = boot.resamplePaired(boot.match(s.detections()), boot.match(worse), 500,
                0);
        double a = new CenterDistanceEvaluator(ds, CELL).evaluate(s.detections()).map();
        double b = new CenterDistanceEvaluator(ds, CELL).evaluate(worse).map();
        assertEquals(b - a, p.map().value(), 0.0);
        assertEquals(a, p.a().point(), 0.0);
        assertEquals(b, p.b().point(), 0.0);
        assertTrue(p.map().value() < 0, p.toString());
        assertTrue(p.map().shareBelowZero() > 0.9, p.toString());
        assertTrue(p.map().low() < p.map().high() && p.map().sd() > 0, p.toString());
    }

    @Test
    void rejectsBadArguments() {
        Scene s = scene(1, true);
        ImageBootstrap images = new ImageBootstrap(s.dataset());
        CenterDistanceBootstrap boot = new CenterDistanceBootstrap(images, CELL);
        CentreMatches m = boot.match(s.detections());
        assertThrows(IllegalArgumentException.class, () -> boot.resample(m, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> boot.resample(m, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> m.map(new int[11]));
        assertThrows(IllegalArgumentException.class, () -> m.map(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1}));
        CenterDistanceBootstrap other = new CenterDistanceBootstrap(images, CELL);
        assertThrows(IllegalArgumentException.class, () -> other.resample(m, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> other.resamplePaired(other.match(s.detections()), m, 10,
                0));
        for (double bad : new double[] {0, -0.25, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new CenterDistanceBootstrap(images, bad));
        }
    }
}
