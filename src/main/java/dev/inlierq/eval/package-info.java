/**
 * COCO box evaluation: the ground-truth file ({@link dev.inlierq.eval.CocoDataset}), the standard results
 * file ({@link dev.inlierq.eval.CocoResults}) and an evaluator reproducing pycocotools' {@code COCOeval}
 * for {@code iouType='bbox'} ({@link dev.inlierq.eval.CocoEvaluator}, {@link dev.inlierq.eval.CocoMetrics}).
 * The model runners that produce the detections live in {@code dev.inlierq.runtime}.
 */
package dev.inlierq.eval;
