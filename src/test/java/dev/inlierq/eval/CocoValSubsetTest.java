package dev.inlierq.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.Detection;
import dev.inlierq.testing.Shared;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Checks on the shared COCO val2017 subset annotation file (skipped when the shared folder is absent). */
class CocoValSubsetTest {

    /** The non-crowd ground truth as detections with score 1, in file order. */
    static List<Detection> groundTruthAsDetections(CocoDataset ds) {
        List<Detection> dets = new ArrayList<>();
        for (CocoDataset.Annotation a : ds.annotations()) {
            if (!a.iscrowd()) {
                dets.add(new Detection(a.imageId(), a.categoryId(), a.x(), a.y(), a.w(), a.h(), 1.0));
            }
        }
        return dets;
    }

    /**
     * Deterministic imperfect detections: each non-crowd box jittered by up to 20% of its size with a
     * pseudo-random score, some dropped, some duplicated, plus a false positive on every fifth image.
     */
    static List<Detection> noisyDetections(CocoDataset ds, long seed) {
        Random rnd = new Random(seed);
        List<Detection> dets = new ArrayList<>();
        for (CocoDataset.Annotation a : ds.annotations()) {
            if (a.iscrowd() || rnd.nextDouble() < 0.1) {
                continue;
            }
            double jx = (rnd.nextDouble() - 0.5) * 0.4 * a.w();
            double jy = (rnd.nextDouble() - 0.5) * 0.4 * a.h();
            double sw = 1 + (rnd.nextDouble() - 0.5) * 0.4;
            double sh = 1 + (rnd.nextDouble() - 0.5) * 0.4;
            double score = Math.round(rnd.nextDouble() * 100) / 100.0; // coarse: many ties
            dets.add(new Detection(a.imageId(), a.categoryId(), a.x() + jx, a.y() + jy, a.w() * sw, a.h() * sh,
                    score));
            if (rnd.nextDouble() < 0.05) {
                dets.add(new Detection(a.imageId(), a.categoryId(), a.x(), a.y(), a.w(), a.h(), score / 2));
            }
        }
        for (int i = 0; i < ds.images().size(); i += 5) {
            CocoDataset.Image im = ds.images().get(i);
            int cat = ds.categoryIds().get(rnd.nextInt(ds.categoryIds().size()));
            dets.add(new Detection(im.id(), cat, rnd.nextDouble() * im.width() / 2, rnd.nextDouble() * im.height() / 2,
                    10 + rnd.nextDouble() * 200, 10 + rnd.nextDouble() * 200, rnd.nextDouble()));
        }
        return dets;
    }

    @Test
    void loadsTheValSubset() {
        CocoDataset ds = CocoDataset.load(Shared.valAnnotations());
        assertEquals(206, ds.images().size());
        assertEquals(1786, ds.annotations().size());
        assertEquals(80, ds.categoryIds().size());
        CocoDataset.Image first = ds.images().get(0);
        assertEquals(first, ds.imageByFileName(first.fileName()).orElseThrow());
        assertEquals(ds.annotations().size(),
                ds.images().stream().mapToInt(im -> ds.annotations(im.id()).size()).sum());
    }

    @Test
    void theGroundTruthScoresPerfectly() {
        CocoDataset ds = CocoDataset.load(Shared.valAnnotations());
        CocoMetrics m = new CocoEvaluator(ds).evaluate(groundTruthAsDetections(ds));
        assertEquals(1.0, m.ap(), 1e-12);
        assertEquals(1.0, m.ap50(), 1e-12);
        assertEquals(1.0, m.ap75(), 1e-12);
        assertEquals(1.0, m.ar100(), 1e-12);
        for (double v : m.perCategoryAp().values()) {
            assertTrue(v == -1 || Math.abs(v - 1) < 1e-12, "per-category AP " + v);
        }
    }

    @Test
    void noisyDetectionsMatchPycocotoolsExactly() {
        // expected: pycocotools 2.0.11 COCOeval on these detections written with CocoResults
        CocoDataset ds = CocoDataset.load(Shared.valAnnotations());
        List<Detection> dets = noisyDetections(ds, 42);
        CocoEvaluator ev = new CocoEvaluator(ds);
        assertArrayEquals(new double[] {0.2564879680227572, 0.769330957470149, 0.08516740545585767,
            0.29742507644136656, 0.2657879488269766, 0.25498300238041766, 0.20801755699140603,
            0.3483640333825352, 0.3523196318318672, 0.33789950066128877, 0.3516729975145511,
            0.32681404765421157}, ev.evaluate(dets).stats(), 0.0);
        // params.imgIds = the first 50 images of the file
        List<Long> first50 = ds.images().subList(0, 50).stream().map(CocoDataset.Image::id).toList();
        assertArrayEquals(new double[] {0.33148784029360945, 0.9031533228851188, 0.15725125335669507,
            0.34666660421845685, 0.3047472050959391, 0.3217886436829346, 0.2741035305175309,
            0.37542941520239753, 0.3782418687063404, 0.37496059207996923, 0.35077608794714055,
            0.36915768070313526}, ev.evaluate(dets, first50).stats(), 0.0);
    }
}
