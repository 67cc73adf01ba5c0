package dev.inlierq.sensitivity;

import dev.inlierq.detect.spec.DetectorSpec;
import java.util.Locale;

/**
 * What a perturbed model is scored by against the float model on the scoring images (the label-free
 * {@code loss_change} of every variant).
 */
public enum Measure {
    /**
     * The shift of InlierQ's top-K heatmap loss, term by term ({@link dev.inlierq.loss.TopKHeatmapLoss#shift}):
     * the score heatmap only, so a layer that moves only the boxes (a box-regression branch) scores 0.
     */
    HEATMAP,
    /**
     * The heatmap's shift plus how far the box values move at the float model's top-K locations
     * ({@link dev.inlierq.loss.BoxTerm#shift}, at weight {@value #BOX_WEIGHT}): so that a layer that moves only the
     * boxes counts. For heads whose spec names their box values (yolox, center_offset, box_score).
     */
    BOXES,
    /**
     * One minus the COCO AP@[.50:.95] of the perturbed model's detections against the float model's detections as
     * ground truth ("pseudo labels": its detections scoring at least {@value LabelledSubset#PSEUDO_LABEL_SCORE}, the
     * decoder's own post-processing). The float model scores 0 by construction; a shifted box, a lost or an extra
     * detection and a score that reorders them all count, as they do in AP.
     */
    DETECTIONS;

    /**
     * The measure mixed precision takes when none is given: {@link #BOXES} for a head whose spec names its box
     * values, else {@link #HEATMAP}. Measured (docs/experiments.md, stop 47; YOLOX-Nano {@code --method gptq} W4A8,
     * 15% of the weight bytes at 8 bit): 27.81 against 27.35 AP on seed 0, 27.02 against 26.60 on seed 2; on
     * PicoDet-XS it chooses the same layers as the heatmap.
     */
    public static Measure mixedPrecisionDefault(DetectorSpec spec) {
        return BOXES.fits(spec) ? BOXES : HEATMAP;
    }

    /** Whether {@code spec}'s head gives what this measure reads: box values for {@link #BOXES}; always otherwise. */
    public boolean fits(DetectorSpec spec) {
        return this != BOXES || spec.boxValues() != null;
    }

    /** The box shift's weight against the heatmap's in {@link #BOXES} (the box term's default, 1). */
    public static final double BOX_WEIGHT = 1.0;

    /** The name on the command line and in JSON ({@code heatmap}, {@code boxes}, {@code detections}). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
