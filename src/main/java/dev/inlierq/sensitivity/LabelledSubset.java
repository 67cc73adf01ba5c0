package dev.inlierq.sensitivity;

import dev.inlierq.api.Evaluation;
import dev.inlierq.detect.Detection;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.detect.decode.Decoder;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.eval.CocoEvaluator;
import java.util.ArrayList;
import java.util.List;

/**
 * A labelled subset for the AP change per layer: the images matched with their COCO annotations
 * ({@link Evaluation#match}), pre-processed once and kept, so that each perturbed model costs one pass of the
 * engine, the decoding and the COCO evaluation ({@link CocoEvaluator}, pycocotools semantics); no model file is
 * written.
 */
final class LabelledSubset {
    private final CocoEvaluator evaluator;
    private final Decoder decoder;
    private final List<List<PreparedImage>> batches;
    private final List<List<Long>> ids;
    private final List<Long> allIds;

    private LabelledSubset(CocoEvaluator evaluator, Decoder decoder, List<List<PreparedImage>> batches,
            List<List<Long>> ids, List<Long> allIds) {
        this.evaluator = evaluator;
        this.decoder = decoder;
        this.batches = batches;
        this.ids = ids;
        this.allIds = allIds;
    }

    /**
     * Loads the annotations, matches the images and pre-processes them.
     *
     * @throws dev.inlierq.error.UserError BAD_ANNOTATIONS for a bad annotation file or no matched image
     */
    static LabelledSubset load(DetectorSpec spec, SensitivityOptions.Labelled l, int batch) {
        CocoDataset gt = CocoDataset.load(l.annotations());
        Evaluation.MatchedImages m = Evaluation.match(l.images(), gt, l.count());
        Preprocessor pre = spec.preprocessor();
        List<List<PreparedImage>> batches = new ArrayList<>();
        List<List<Long>> ids = new ArrayList<>();
        for (int s = 0; s < m.files().size(); s += batch) {
            int e = Math.min(m.files().size(), s + batch);
            List<PreparedImage> b = new ArrayList<>();
            for (int i = s; i < e; i++) {
                b.add(pre.prepare(m.files().get(i)));
            }
            batches.add(b);
            ids.add(List.copyOf(m.ids().subList(s, e)));
        }
        return new LabelledSubset(new CocoEvaluator(gt), spec.decoder(), batches, ids, List.copyOf(m.ids()));
    }

    /** Number of labelled images. */
    int images() {
        return allIds.size();
    }

    /** COCO AP@[.50:.95] (a fraction) of the model perturbed by {@code p}. */
    double ap(GraphExecutor engine, Perturbation p) {
        List<Detection> all = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            List<PreparedImage> b = batches.get(i);
            var outputs = p.run(engine, Preprocessor.stack(b), null).outputs();
            decoder.decode(outputs, b, ids.get(i)).forEach(all::addAll);
        }
        return evaluator.evaluate(all, allIds).ap();
    }
}
