package dev.inlierq.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.Detection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ImageBootstrap} on synthetic data (no shared folder): every multiplicity 1 gives the evaluator's numbers
 * exactly; multiplicities 0..3 give exactly the evaluator's numbers on the images copied that many times; the
 * same seed the same numbers; a two-image case whose sampled AP takes three values; the paired form.
 */
class ImageBootstrapTest {
    private static final List<CocoDataset.Category> CATEGORIES = List.of(new CocoDataset.Category(1, "a"),
            new CocoDataset.Category(2, "b"), new CocoDataset.Category(3, "c"), new CocoDataset.Category(5, "none"));

    /** A synthetic set: its images, ground truth and detections. */
    record Scene(List<CocoDataset.Image> images, List<CocoDataset.Annotation> annotations,
            List<Detection> detections) {
        CocoDataset dataset() {
            return CocoDataset.of(images, CATEGORIES, annotations);
        }
    }

    /**
     * 12 images: up to 6 boxes of categories 1-3 each (small to large, one in ten a crowd box), detections near most
     * of them with random scores (rounded to tenths when {@code ties}, so that many tie), false positives, 120
     * detections of category 1 on one image (beyond the 100 kept), detections of category 5 that has no ground
     * truth, and an image with nothing.
     */
    static Scene scene(long seed, boolean ties) {
        Random rnd = new Random(seed);
        List<CocoDataset.Image> images = new ArrayList<>();
        List<CocoDataset.Annotation> anns = new ArrayList<>();
        List<Detection> dets = new ArrayList<>();
        long annId = 1;
        for (long id = 1; id <= 12; id++) {
            images.add(new CocoDataset.Image(id, id + ".jpg", 640, 480));
            int boxes = id == 12 ? 0 : rnd.nextInt(7);
            for (int b = 0; b < boxes; b++) {
                int cat = 1 + rnd.nextInt(3);
                double side = 8 + rnd.nextDouble() * 200;
                double x = rnd.nextDouble() * 400;
                double y = rnd.nextDouble() * 250;
                double h = side * (0.5 + rnd.nextDouble());
                boolean crowd = rnd.nextDouble() < 0.1;
                anns.add(new CocoDataset.Annotation(annId++, id, cat, x, y, side, h, side * h, crowd));
                if (rnd.nextDouble() < 0.8) {
                    double j = 0.3 * side;
                    dets.add(new Detection(id, cat, x + (rnd.nextDouble() - 0.5) * j, y + (rnd.nextDouble() - 0.5) * j,
                            side * (0.8 + 0.4 * rnd.nextDouble()), h, score(rnd, ties)));
                }
            }
            for (int f = rnd.nextInt(3); f > 0; f--) {
                dets.add(new Detection(id, 1 + rnd.nextInt(3), rnd.nextDouble() * 500, rnd.nextDouble() * 400,
                        5 + rnd.nextDouble() * 100, 5 + rnd.nextDouble() * 100, score(rnd, ties)));
            }
            if (id == 3) {
                for (int f = 0; f < 120; f++) {
                    dets.add(new Detection(id, 1, rnd.nextDouble() * 500, rnd.nextDouble() * 400, 20, 20,
                            score(rnd, ties)));
                }
            }
            if (id == 4) {
                dets.add(new Detection(id, 5, 10, 10, 50, 50, score(rnd, ties)));
            }
        }
        return new Scene(images, anns, dets);
    }

    private static double score(Random rnd, boolean ties) {
        return ties ? Math.round(rnd.nextDouble() * 10) / 10.0 : rnd.nextDouble();
    }

    private static int[] ones(int n) {
        int[] m = new int[n];
        Arrays.fill(m, 1);
        return m;
    }

    private static void assertSamePoint(CocoMetrics want, ImageBootstrap.Point got) {
        assertEquals(want.ap(), got.ap(), 0.0, "AP");
        assertEquals(want.ap50(), got.ap50(), 0.0, "AP50");
        assertEquals(want.ap75(), got.ap75(), 0.0, "AP75");
    }

    @Test
    void everyMultiplicityOneGivesTheEvaluatorsNumbersExactly() {
        for (long seed = 0; seed < 20; seed++) {
            Scene s = scene(seed, seed % 2 == 0);
            CocoDataset ds = s.dataset();
            ImageBootstrap boot = new ImageBootstrap(ds);
            CocoMetrics want = new CocoEvaluator(ds).evaluate(s.detections());
            assertTrue(want.ap() > 0 && want.ap() < 1, "a scene that is neither empty nor perfect: " + want.ap());
            assertSamePoint(want, boot.match(s.detections()).point(ones(12)));

            List<Long> some = List.of(9L, 2L, 3L, 7L, 2L); // evaluated as 2, 3, 7, 9
            ImageBootstrap part = new ImageBootstrap(ds, some);
            assertEquals(4, part.images());
            assertSamePoint(new CocoEvaluator(ds).evaluate(s.detections(), some),
                    part.match(s.detections()).point(ones(4)));
        }
    }

    /**
     * Image i counted m_i times (0 to 3) scores exactly as the evaluator scores a dataset holding m_i copies of it
     * under new ids, when no two detections tie (copies of one detection sit together either way).
     */
    @Test
    void multiplicitiesScoreLikeCopiesOfTheImages() {
        Random rnd = new Random(7);
        for (long seed = 0; seed < 10; seed++) {
            Scene s = scene(100 + seed, false);
            ImageMatches matches = new ImageBootstrap(s.dataset()).match(s.detections());
            for (int round = 0; round < 5; round++) {
                int[] m = new int[12];
                for (int i = 0; i < m.length; i++) {
                    m[i] = rnd.nextInt(4);
                }
                m[0] = 1; // image 1 stays, so that some ground truth remains in most rounds
                CocoMetrics want = copies(s, m);
                ImageBootstrap.Point got = matches.point(m);
                assertSamePoint(want, got);
            }
        }
    }

    /** The evaluator on a dataset with image i (ids 1..12) copied m[i - 1] times (new ids i + 100 * c). */
    private static CocoMetrics copies(Scene s, int[] m) {
        List<CocoDataset.Image> images = new ArrayList<>();
        List<CocoDataset.Annotation> anns = new ArrayList<>();
        List<Detection> dets = new ArrayList<>();
        long annId = 1;
        for (CocoDataset.Image im : s.images()) {
            for (int c = 0; c < m[(int) im.id() - 1]; c++) {
                long id = im.id() + 100L * c;
                images.add(new CocoDataset.Image(id, id + ".jpg", im.width(), im.height()));
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
        return new CocoEvaluator(CocoDataset.of(images, CATEGORIES, anns)).evaluate(dets);
    }

    @Test
    void theSameSeedGivesTheSameNumbersAndAnotherSeedOthers() {
        Scene s = scene(3, true);
        ImageBootstrap boot = new ImageBootstrap(s.dataset());
        ImageMatches m = boot.match(s.detections());
        ImageBootstrap.Summary a = boot.resample(m, 200, 42);
        ImageBootstrap boot2 = new ImageBootstrap(s.dataset());
        ImageBootstrap.Summary again = boot2.resample(boot2.match(s.detections()), 200, 42);
        assertEquals(a.ap(), boot.resample(m, 200, 42).ap());
        assertEquals(a.ap(), again.ap()); // another instance, same numbers: nothing depends on the instance
        assertEquals(a, boot.resample(m, 200, 42));
        ImageBootstrap.Summary other = boot.resample(m, 200, 43);
        assertNotEquals(a.ap(), other.ap());
        assertNotEquals(a.ap().sd(), other.ap().sd());
        assertEquals(200, a.samples());
        assertEquals(42, a.seed());
        assertEquals(0.95, a.level());
        assertTrue(a.ap().low() < a.point().ap() && a.point().ap() < a.ap().high(), a.toString());
        assertTrue(a.ap().sd() > 0, a.toString());
    }

    /**
     * Two images of one category, one box each: image 1 found (one detection on its box), image 2 missed. A sample
     * draws (2, 0), (1, 1) or (0, 2) with probabilities 1/4, 1/2, 1/4, whose AP is 1, 51/101 (recall 0.5: precision 1
     * at the 51 recall thresholds up to 0.5) and 0.
     */
    @Test
    void oneFoundOneMissedImageTakesThreeValuesAtTheirFrequencies() {
        CocoDataset ds = CocoDataset.of(
                List.of(new CocoDataset.Image(1, "1.jpg", 100, 100), new CocoDataset.Image(2, "2.jpg", 100, 100)),
                List.of(new CocoDataset.Category(1, "a")),
                List.of(new CocoDataset.Annotation(1, 1, 1, 10, 10, 50, 50, 2500, false),
                        new CocoDataset.Annotation(2, 2, 1, 10, 10, 50, 50, 2500, false)));
        List<Detection> dets = List.of(new Detection(1, 1, 10, 10, 50, 50, 0.9));
        ImageBootstrap boot = new ImageBootstrap(ds);
        ImageMatches m = boot.match(dets);
        assertEquals(1.0, m.point(new int[] {2, 0}).ap(), 1e-12);
        assertEquals(51 / 101.0, m.point(new int[] {1, 1}).ap(), 1e-12);
        assertEquals(0.0, m.point(new int[] {0, 2}).ap(), 0.0);

        int samples = 4000;
        double[] ap = boot.draw(new ImageMatches[] {m}, samples, 1)[0][0];
        assertEquals(samples, ap.length);
        int[] count = new int[3];
        for (double v : ap) {
            int which = v == 0 ? 0 : Math.abs(v - 51 / 101.0) < 1e-12 ? 1 : Math.abs(v - 1) < 1e-12 ? 2 : -1;
            assertTrue(which >= 0, "unexpected sampled AP " + v);
            count[which]++;
        }
        // binomial standard deviations: 27 for 1/4, 32 for 1/2; allow about 4 of them
        assertEquals(1000, count[0], 110);
        assertEquals(2000, count[1], 130);
        assertEquals(1000, count[2], 110);

        ImageBootstrap.Summary s = boot.resample(m, samples, 1);
        assertEquals(0.0, s.ap().low(), 0.0); // the 2.5th percentile lies among the zeros
        assertEquals(1.0, s.ap().high(), 1e-12); // the 97.5th among the ones
        double a = 51 / 101.0;
        double sd = Math.sqrt(0.1875 + a * a / 4 - a / 4); // of the three-point distribution: 0.3536
        assertEquals(sd, s.ap().sd(), 0.02);
        assertEquals(a, s.point().ap(), 1e-12);
        // one box per image, matched exactly: every threshold alike (up to the order of summation)
        assertEquals(s.ap().low(), s.ap50().low(), 1e-12);
        assertEquals(s.ap().high(), s.ap75().high(), 1e-12);
        assertEquals(s.ap().sd(), s.ap50().sd(), 1e-12);
    }

    @Test
    void percentilesInterpolateBetweenOrderStatistics() {
        double[] x = {0, 1, 2, 3, 4};
        assertEquals(0.1, ImageBootstrap.percentile(x, 5, 0.025), 1e-15);
        assertEquals(3.9, ImageBootstrap.percentile(x, 5, 0.975), 1e-15);
        assertEquals(2.0, ImageBootstrap.percentile(x, 5, 0.5), 0.0);
        assertEquals(0.0, ImageBootstrap.percentile(x, 5, 0), 0.0);
        assertEquals(4.0, ImageBootstrap.percentile(x, 5, 1), 0.0);
        assertEquals(7.0, ImageBootstrap.percentile(new double[] {7}, 1, 0.975), 0.0);
        double[] many = new double[1000];
        for (int i = 0; i < many.length; i++) {
            many[i] = i;
        }
        assertEquals(24.975, ImageBootstrap.percentile(many, 1000, 0.025), 1e-12);
        assertEquals(974.025, ImageBootstrap.percentile(many, 1000, 0.975), 1e-12);
    }

    @Test
    void multiplicitiesAreNDrawsFromNImages() {
        int[] m = new int[206];
        SplittableRandom rnd = new SplittableRandom(0);
        int zeros = 0;
        for (int round = 0; round < 50; round++) {
            ImageBootstrap.drawMultiplicities(rnd, m);
            assertEquals(206, Arrays.stream(m).sum());
            zeros += (int) Arrays.stream(m).filter(v -> v == 0).count();
        }
        // each image is left out with probability (1 - 1/n)^n, about 0.367
        assertEquals(0.367, zeros / (50.0 * 206), 0.02);
    }

    @Test
    void aModelAgainstItselfDiffersByExactlyZero() {
        Scene s = scene(5, true);
        ImageBootstrap boot = new ImageBootstrap(s.dataset());
        ImageBootstrap.Paired p = boot.resamplePaired(boot.match(s.detections()), boot.match(s.detections()), 300, 9);
        for (ImageBootstrap.Difference d : List.of(p.ap(), p.ap50(), p.ap75())) {
            assertEquals(new ImageBootstrap.Difference(0, 0, 0, 0, 0), d);
        }
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
        ImageBootstrap boot = new ImageBootstrap(ds);
        ImageBootstrap.Paired p = boot.resamplePaired(boot.match(s.detections()), boot.match(worse), 500, 0);
        CocoMetrics a = new CocoEvaluator(ds).evaluate(s.detections());
        CocoMetrics b = new CocoEvaluator(ds).evaluate(worse);
        assertEquals(b.ap() - a.ap(), p.ap().value(), 0.0);
        assertEquals(b.ap50() - a.ap50(), p.ap50().value(), 0.0);
        assertEquals(b.ap75() - a.ap75(), p.ap75().value(), 0.0);
        assertTrue(p.ap().value() < 0, p.toString());
        assertTrue(p.ap().low() <= p.ap().value() && p.ap().value() <= p.ap().high(), p.toString());
        assertTrue(p.ap().shareBelowZero() > 0.9, p.toString());
        assertTrue(p.ap().sd() > 0, p.toString());
    }

    @Test
    void rejectsBadArguments() {
        Scene s = scene(1, true);
        ImageBootstrap boot = new ImageBootstrap(s.dataset());
        ImageMatches m = boot.match(s.detections());
        assertThrows(IllegalArgumentException.class, () -> boot.resample(m, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> m.point(new int[11]));
        assertThrows(IllegalArgumentException.class, () -> m.point(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1}));
        ImageBootstrap other = new ImageBootstrap(s.dataset());
        assertThrows(IllegalArgumentException.class, () -> other.resample(m, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageBootstrap(s.dataset(), List.of(99L)));
    }
}
