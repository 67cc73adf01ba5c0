package dev.inlierq.detect;

import static dev.inlierq.detect.InvalidSpecException.check;

/**
 * Candidate selection and suppression shared by all decoder heads (spec section {@code postprocess}).
 * Per image: every (location, class) whose score is {@code >= scoreThreshold} is a candidate (only
 * the best class of each location unless {@code multiLabel}); candidates are ordered by score
 * (ties: location, then class, ascending); the first {@code preNmsTopK} are kept (0 = all); greedy
 * NMS in that order suppresses a box whose IoU with a kept box exceeds {@code iouThreshold}; the
 * first {@code maxDetections} survivors are returned, so the cap keeps the top scores across classes.
 *
 * @param scoreThreshold minimum score, in [0, 1]; default 0.001
 * @param nms {@code CLASS_AWARE} (default), {@code AGNOSTIC} or {@code NONE}
 * @param iouThreshold IoU above which a lower-scored box is suppressed, in (0, 1]; default 0.65
 * @param maxDetections detections kept per image, at least 1; default 100
 * @param preNmsTopK candidates kept per image before NMS, 0 for all; default 0
 * @param multiLabel whether one location may yield a candidate for each class above the threshold
 *     (mmdetection / PaddleDetection evaluation) rather than for its best class only (YOLOX's and
 *     FastestDet's demo post-processing); default true
 */
public record PostprocessSpec(double scoreThreshold, NmsMode nms, double iouThreshold, int maxDetections,
        int preNmsTopK, boolean multiLabel) {

    public PostprocessSpec {
        check(scoreThreshold >= 0 && scoreThreshold <= 1, "scoreThreshold", "must be in [0, 1], got " + scoreThreshold);
        check(nms != null, "nms", "is required");
        check(iouThreshold > 0 && iouThreshold <= 1, "iouThreshold", "must be in (0, 1], got " + iouThreshold);
        check(maxDetections >= 1, "maxDetections", "must be at least 1, got " + maxDetections);
        check(preNmsTopK >= 0, "preNmsTopK", "must be 0 (no limit) or positive, got " + preNmsTopK);
    }
}
