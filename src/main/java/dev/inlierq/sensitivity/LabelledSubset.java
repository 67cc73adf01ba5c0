package dev.inlierq.sensitivity;

import dev.inlierq.api.Evaluation;
import dev.inlierq.detect.Detection;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.detect.decode.Decoder;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.eval.CocoEvaluator;
import dev.inlierq.tensor.FloatTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A labelled subset for the AP change per layer: the images matched with their COCO annotations
 * ({@link Evaluation#match}), pre-processed once and kept, so that each perturbed model costs one pass of the
 * engine, the decoding and the COCO evaluation ({@link CocoEvaluator}, pycocotools semantics); no model file is
 * written.
 */
final class LabelledSubset {
    /** The lowest score of a float detection kept as a pseudo label ({@link Measure#DETECTIONS}). */
    static final double PSEUDO_LABEL_SCORE = Detection.CONFIDENT_SCORE;

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
        List<List<PreparedImage>> batches = prepare(spec.preprocessor(), m.files(), batch);
        List<List<Long>> ids = new ArrayList<>();
        for (int s = 0; s < m.files().size(); s += batch) {
            ids.add(List.copyOf(m.ids().subList(s, Math.min(m.files().size(), s + batch))));
        }
        return new LabelledSubset(new CocoEvaluator(gt), spec.decoder(), batches, ids, List.copyOf(m.ids()));
    }

    /** {@code files} pre-processed once, in batches of {@code batch} (the last may be shorter). */
    static List<List<PreparedImage>> prepare(Preprocessor pre, List<Path> files, int batch) {
        List<List<PreparedImage>> out = new ArrayList<>();
        for (int s = 0; s < files.size(); s += batch) {
            List<PreparedImage> b = new ArrayList<>();
            for (Path f : files.subList(s, Math.min(files.size(), s + batch))) {
                b.add(pre.prepare(f));
            }
            out.add(b);
        }
        return out;
    }

    /**
     * The float model's own detections as ground truth ({@link Measure#DETECTIONS}): each batch's float outputs
     * decoded, the detections scoring at least {@value #PSEUDO_LABEL_SCORE} kept as boxes of images numbered from 1.
     *
     * @throws UserError BAD_SPEC when the float model detects nothing that confidently (a wrong spec or images)
     */
    static LabelledSubset pseudo(DetectorSpec spec, List<List<PreparedImage>> batches,
            List<Map<String, FloatTensor>> floatOutputs) {
        Decoder decoder = spec.decoder();
        List<CocoDataset.Image> images = new ArrayList<>();
        List<Detection> detections = new ArrayList<>();
        List<List<Long>> ids = new ArrayList<>();
        long next = 1;
        for (int i = 0; i < batches.size(); i++) {
            List<Long> b = new ArrayList<>();
            for (PreparedImage im : batches.get(i)) {
                images.add(new CocoDataset.Image(next, "image-" + next, im.originalWidth(), im.originalHeight()));
                b.add(next++);
            }
            ids.add(List.copyOf(b));
            decoder.decode(floatOutputs.get(i), batches.get(i), b).forEach(detections::addAll);
        }
        List<CocoDataset.Category> cats = spec.classes().categoryIds().stream()
                .map(c -> new CocoDataset.Category(c, String.valueOf(c))).toList();
        CocoDataset truth = CocoDataset.ofDetections(images, cats, detections, PSEUDO_LABEL_SCORE);
        if (truth.annotations().isEmpty()) {
            throw new UserError(ExitCode.BAD_SPEC, "the float model detects nothing scoring at least "
                    + PSEUDO_LABEL_SCORE + " on the scoring images: the detections measure needs its detections as "
                    + "reference (check --spec, or score more images)");
        }
        List<Long> all = ids.stream().flatMap(List::stream).toList();
        return new LabelledSubset(new CocoEvaluator(truth), decoder, batches, ids, all);
    }

    /** Number of labelled images. */
    int images() {
        return allIds.size();
    }

    /** COCO AP@[.50:.95] (a fraction) of the model perturbed by {@code p}. */
    double ap(GraphExecutor engine, Perturbation p) {
        List<Detection> all = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            all.addAll(decode(i, p.run(engine, Preprocessor.stack(batches.get(i)), null).outputs()));
        }
        return ap(all);
    }

    /** The detections of batch {@code i} in the model outputs {@code outputs}. */
    List<Detection> decode(int i, Map<String, FloatTensor> outputs) {
        List<Detection> out = new ArrayList<>();
        decoder.decode(outputs, batches.get(i), ids.get(i)).forEach(out::addAll);
        return out;
    }

    /** COCO AP@[.50:.95] (a fraction) of {@code detections} of every batch. */
    double ap(List<Detection> detections) {
        return evaluator.evaluate(detections, allIds).ap();
    }
}
