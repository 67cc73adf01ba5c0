/**
 * Detector adapters: what a detector needs besides its weights.
 *
 * <ul>
 *   <li>{@link dev.inlierq.detect.spec.DetectorSpec} (loaded by {@link dev.inlierq.detect.spec.DetectorSpecs} from
 *       YAML/JSON or the built-ins {@code yolox}, {@code picodet}, {@code fastestdet}): input geometry and
 *       normalisation, the head family, post-processing, class ids.</li>
 *   <li>{@link dev.inlierq.detect.Preprocessor}: image file to {@link dev.inlierq.detect.PreparedImage}
 *       ([1, 3, H, W] float plus the transform back to original pixels), reproducing the reference
 *       OpenCV pipelines (see {@link dev.inlierq.detect.image}).</li>
 *   <li>{@link dev.inlierq.detect.decode.Decoder}: raw outputs to COCO {@link dev.inlierq.detect.Detection}s,
 *       and each head's {@link dev.inlierq.detect.decode.HeatmapRecipe} for InlierQ's label-free loss.</li>
 * </ul>
 * Errors a user can cause are {@link dev.inlierq.error.UserError}s: BAD_SPEC (one line naming the
 * field), BAD_IMAGE, MISSING_INPUT.
 */
package dev.inlierq.detect;
