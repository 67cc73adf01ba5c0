package dev.inlierq.detect.decode;

import dev.inlierq.tensor.FloatTensor;
import java.util.List;
import java.util.Map;

/**
 * A detector head family: how raw model outputs become per-class scores and per-location boxes
 * (spec section {@code head}, chosen by its {@code family} field). Each family is an immutable record
 * of its parameters; its Javadoc states the decoding formulas. Scores always come from the family's
 * {@link #heatmap HeatmapRecipe}, so the decoder and InlierQ's loss read the same quantity; selection,
 * NMS and mapping back to the image are common to all families ({@link Decoder}).
 *
 * <p>The grid families ({@code yolox}, {@code gfl}, {@code anchor_yolo} also when packed) have a {@code batchAxis}
 * flag (default true): false for outputs exported without the batch axis, e.g. {@code [1600, 80]}
 * per level; each image's locations then follow the previous image's along the first axis.
 *
 * <p>Every family has a {@code decoded} flag: true when the exported graph already applied the
 * family's score activations (sigmoid or softmax), false when the outputs hold logits and the
 * decoder applies them.
 */
public sealed interface Head
        permits YoloxHead, BoxScoreHead, CenterOffsetHead, AnchorYoloHead, PackedAnchorHead, DistributionHead,
        CenterNetHead {

    /**
     * How to build H[N, C, L] from the outputs, for {@code numClasses} classes on an
     * {@code inputWidth x inputHeight} input (the size fixes the locations per image of outputs
     * without a batch axis).
     */
    HeatmapRecipe heatmap(int numClasses, int inputWidth, int inputHeight);

    /**
     * The boxes of one batch of outputs.
     *
     * @throws dev.inlierq.error.UserError BAD_SPEC when an output is missing or its shape does not fit
     */
    LocationBoxes boxes(Map<String, FloatTensor> outputs, int numClasses, int inputWidth, int inputHeight);

    /**
     * Where the head's four box values are, aligned with the heatmap's locations, for the box term of the task
     * loss; null when the family's boxes are not one value group per heatmap location (the default).
     */
    default BoxValues boxValues(int inputWidth, int inputHeight) {
        return null;
    }

    /** The model outputs this head reads. */
    List<String> outputNames();

    /**
     * Removes scores that are not candidates (sets them to negative infinity) before selection; most
     * families keep all. {@code scores} is H as [batch, numClasses, locations], modified in place.
     */
    default void maskNonCandidates(float[] scores, int batch, int numClasses, int locations,
            Map<String, FloatTensor> outputs) {
    }
}
