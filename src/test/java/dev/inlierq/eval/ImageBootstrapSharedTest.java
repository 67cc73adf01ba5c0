package dev.inlierq.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.EngineKind;
import dev.inlierq.api.Evaluation;
import dev.inlierq.detect.Detection;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.testing.Shared;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageBootstrap} on YOLOX-Nano's detections of the 206 shared val2017 images, read from the results file
 * that {@code eval --detections} writes (skipped when the shared folder is absent): every multiplicity 1 gives the
 * evaluator's AP, AP50 and AP75 exactly, and paired samples see moved boxes.
 */
class ImageBootstrapSharedTest {
    @TempDir
    static Path tmp;

    private static CocoDataset gt;
    private static List<Detection> detections;
    private static Evaluation.Result run;

    @BeforeAll
    static void yoloxDetections() {
        Shared.require();
        gt = CocoDataset.load(Shared.valAnnotations());
        run = Evaluation.run(new Evaluation.Options(Shared.model("yolox"), DetectorSpecs.resolve("yolox"),
                Shared.valImages(), Shared.valAnnotations(), EngineKind.ORT, 8, 2, 0), gt, Evaluation.Listener.onDone(
                        n -> { }));
        Path file = tmp.resolve("yolox_dets.json");
        CocoResults.write(file, run.detections());
        detections = CocoResults.read(file);
    }

    @Test
    void everyMultiplicityOneGivesTheEvaluatorsNumbersExactly() {
        assertEquals(206, run.images());
        assertTrue(detections.size() > 10_000, "detections: " + detections.size());
        CocoMetrics want = new CocoEvaluator(gt).evaluate(detections, run.imageIds());
        assertEquals(run.metrics().ap(), want.ap(), 0.0); // the file keeps what the run scored
        ImageBootstrap boot = new ImageBootstrap(gt, run.imageIds());
        assertEquals(206, boot.images());
        int[] ones = new int[206];
        Arrays.fill(ones, 1);
        ImageBootstrap.Point got = boot.match(detections).point(ones);
        assertEquals(want.ap(), got.ap(), 0.0);
        assertEquals(want.ap50(), got.ap50(), 0.0);
        assertEquals(want.ap75(), got.ap75(), 0.0);
        ImageBootstrap.Point inRun = boot.match(run.detections()).point(ones);
        assertEquals(run.metrics().ap(), inRun.ap(), 0.0);
        assertEquals(run.metrics().ap50(), inRun.ap50(), 0.0);
        assertEquals(run.metrics().ap75(), inRun.ap75(), 0.0);
    }

    /**
     * 1000 paired samples of the model against itself with every box moved by 2 pixels: the point difference is the
     * evaluator's; the moved boxes lose AP75 in nearly every sample.
     */
    @Test
    void movedBoxesLoseAp75InNearlyEverySample() {
        List<Detection> moved = new ArrayList<>();
        for (Detection d : detections) {
            moved.add(new Detection(d.imageId(), d.categoryId(), d.x() + 2, d.y() + 2, d.w(), d.h(), d.score()));
        }
        ImageBootstrap boot = new ImageBootstrap(gt, run.imageIds());
        ImageBootstrap.Paired p = boot.resamplePaired(boot.match(detections), boot.match(moved), 1000, 0);
        assertEquals(1000, p.a().defined());
        CocoMetrics a = new CocoEvaluator(gt).evaluate(detections, run.imageIds());
        CocoMetrics b = new CocoEvaluator(gt).evaluate(moved, run.imageIds());
        assertEquals(b.ap75() - a.ap75(), p.ap75().value(), 0.0);
        assertTrue(p.ap75().value() < 0 && p.ap75().shareBelowZero() > 0.95, p.toString());
        assertTrue(p.ap75().low() < p.ap75().value() && p.ap75().value() < p.ap75().high(), p.toString());
        ImageBootstrap.Interval ap = p.a().ap();
        assertTrue(ap.low() < a.ap() && a.ap() < ap.high() && ap.sd() > 0.001 && ap.sd() < 0.05, p.toString());
    }
}
