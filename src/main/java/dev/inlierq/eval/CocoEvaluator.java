package dev.inlierq.eval;

import dev.inlierq.detect.Detection;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

import static dev.inlierq.eval.CocoParams.A;
import static dev.inlierq.eval.CocoParams.IOU_THRS;
import static dev.inlierq.eval.CocoParams.M;
import static dev.inlierq.eval.CocoParams.R;
import static dev.inlierq.eval.CocoParams.REC_THRS;
import static dev.inlierq.eval.CocoParams.T;

/**
 * COCO box-detection evaluation with the semantics of pycocotools' {@code COCOeval} (version 2.0.x,
 * {@code iouType='bbox'}, {@code useCats=1}, default {@code Params}), which is the reference behaviour:
 * for the same ground truth, detections and image ids, the 12 numbers agree with
 * {@code COCOeval.stats} (checked against pycocotools 2.0.11 to the last bit on the test fixtures).
 *
 * <p>What is reproduced:
 * <ul>
 *   <li>Parameters: IoU thresholds {@code linspace(.5, .95, 10)} and recall thresholds
 *       {@code linspace(0, 1, 101)} computed as numpy does ({@code i * step + start}, last = stop);
 *       maxDets 1, 10, 100; area ranges all {@code [0, 1e10]}, small {@code [0, 32²]}, medium
 *       {@code [32², 96²]}, large {@code [96², 1e10]}, both ends inclusive. A ground-truth box's area is
 *       its {@code area} field, a detection's is {@code w * h}.</li>
 *   <li>Per (image, category): detections sorted by descending score (stable) and cut to 100;
 *       ground truth with {@code iscrowd} or outside the area range is "ignored" and sorted last
 *       (stable). IoU is {@code intersection / union}, or {@code intersection / detection area} for a
 *       crowd box; widths and heights are the boxes' own {@code w, h}.</li>
 *   <li>Greedy matching per IoU threshold {@code t}, detections in score order: the best-IoU ground truth
 *       with {@code iou >= min(t, 1 - 1e-10)} wins (a later box wins a tie), a matched non-crowd box is
 *       not reused, a crowd box can absorb any number of detections, and the search stops at the first
 *       ignored box once a non-ignored match was found. A detection matched to an ignored box is
 *       ignored; so is an unmatched detection outside the area range.</li>
 *   <li>Accumulation per (category, area range, maxDets) over the evaluated images in ascending id
 *       order: the first maxDets detections of every image, stably sorted by descending score,
 *       cumulative TP/FP, {@code precision = tp / (tp + fp + eps)} with {@code eps = 2^-52}, made
 *       non-increasing from the right, read at the 101 recall thresholds with a left binary search (0
 *       past the last reached recall); recall is the final {@code tp / (non-ignored gt count)}. A
 *       category with no non-ignored ground truth for that area range gives -1 and is left out of the
 *       means.</li>
 *   <li>Each summary number is the mean of all entries {@code > -1} (numpy's pairwise summation order),
 *       or -1 when there are none; AP50 and AP75 use the thresholds equal to .5 and .75.</li>
 * </ul>
 *
 * <p>Detections on images outside the evaluated set are dropped, as are detections whose category is
 * not declared in the dataset (pycocotools evaluates only the ground truth's categories). The one
 * deliberate difference: pycocotools records a match by storing the ground truth's annotation id, so a
 * ground-truth box with id 0 is treated as never matched; here a match is a match whatever the id.
 *
 * <p>Instances are immutable and thread-safe; evaluation allocates its own work arrays.
 */
public final class CocoEvaluator {

    private final CocoDataset dataset;

    public CocoEvaluator(CocoDataset dataset) {
        this.dataset = Objects.requireNonNull(dataset);
    }

    /** The 10 IoU thresholds .50:.05:.95, as numpy's {@code linspace} builds them. */
    public static double[] iouThresholds() {
        return IOU_THRS.clone();
    }

    /** The 101 recall thresholds 0:.01:1, as numpy's {@code linspace} builds them. */
    public static double[] recallThresholds() {
        return REC_THRS.clone();
    }

    /** Evaluates the detections over every image of the dataset. */
    public CocoMetrics evaluate(Collection<Detection> detections) {
        return evaluate(detections, allIds(dataset));
    }

    /**
     * Evaluates the detections over the given images only (pycocotools' {@code params.imgIds}); images
     * of the set without ground truth still count, through their detections.
     *
     * @throws IllegalArgumentException when an image id is not in the dataset, or a detection has a
     *     non-finite box or score
     * @throws UserError {@link ExitCode#BAD_ANNOTATIONS} when a detection refers to an image id that
     *     the dataset does not declare (the detections do not belong to this annotation file)
     */
    public CocoMetrics evaluate(Collection<Detection> detections, Collection<Long> imageIds) {
        return evaluate(detections, ids(imageIds));
    }

    private CocoMetrics evaluate(Collection<Detection> detections, long[] requestedIds) {
        long[] imgIds = evaluatedIds(dataset, requestedIds);
        int[] catIds = categoryIds(dataset);
        int nCat = catIds.length;

        CocoBoxes gts = CocoBoxes.groundTruth(dataset, imgIds, catIds);
        CocoBoxes dts = CocoBoxes.detections(dataset, detections, imgIds, catIds);

        double[] precision = new double[T * R * nCat * A * M];
        double[] recall = new double[T * nCat * A * M];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);

        CocoWork work = new CocoWork();
        for (int k = 0; k < nCat; k++) {
            CocoMatcher.evaluateCategory(k, nCat, gts, dts, work, precision, recall);
        }
        return CocoMetrics.fromStats(CocoSummary.stats(precision, recall, nCat),
                CocoSummary.perCategory(precision, catIds));
    }

    /** All image ids of the dataset, in its order. */
    static long[] allIds(CocoDataset dataset) {
        long[] ids = new long[dataset.images().size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = dataset.images().get(i).id();
        }
        return ids;
    }

    /** Image ids as a collection, in its order. */
    static long[] ids(Collection<Long> imageIds) {
        long[] ids = new long[imageIds.size()];
        int i = 0;
        for (Long id : imageIds) {
            ids[i++] = id;
        }
        return ids;
    }

    /**
     * The evaluated images: the requested ids ascending, without repeats.
     *
     * @throws IllegalArgumentException when one is not in the dataset
     */
    static long[] evaluatedIds(CocoDataset dataset, long[] requestedIds) {
        long[] imgIds = Arrays.stream(requestedIds).sorted().distinct().toArray();
        for (long id : imgIds) {
            if (dataset.image(id).isEmpty()) {
                throw new IllegalArgumentException("image id " + id + " is not in the dataset");
            }
        }
        return imgIds;
    }

    /** The dataset's category ids, ascending: the evaluated categories. */
    static int[] categoryIds(CocoDataset dataset) {
        return dataset.categoryIds().stream().mapToInt(Integer::intValue).toArray();
    }
}
