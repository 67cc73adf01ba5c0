package dev.inlierq.sensitivity;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link SensitivityAnalysis} measures beyond the {@link dev.inlierq.api.QuantizationConfig} (which gives the
 * model, the calibration images, the plan and the encodings). Build with {@link #builder()}; every value is
 * checked.
 *
 * @param variants    the variants measured per layer
 * @param scoreImages the first this many calibration images score every variant (all when fewer)
 * @param maxLayers   analyse only the layers with the most weights, this many (0: every planned layer)
 * @param labelled    the labelled subset for the AP change per layer ({@code null}: no AP)
 * @param rounding    how each weight tensor is rounded when scored ({@link Variant#WEIGHTS})
 * @param scoring     at which operating point each weight tensor is scored: alone, or left out of the quantized
 *                    model ({@link WeightScoring})
 * @param measure     what each variant is scored by against the float model ({@link Measure})
 */
public record SensitivityOptions(Set<Variant> variants, int scoreImages, int maxLayers, Labelled labelled,
        WeightRounding rounding, WeightScoring scoring, Measure measure) {
    /** Default number of calibration images that score each variant. */
    public static final int DEFAULT_SCORE_IMAGES = 16;
    /** Default number of labelled images for the AP change. */
    public static final int DEFAULT_AP_IMAGES = 50;

    public SensitivityOptions {
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("at least one variant (weights, activations) must be measured");
        }
        variants = java.util.Collections.unmodifiableSet(EnumSet.copyOf(variants));
        if (scoreImages < 1) {
            throw new IllegalArgumentException("score images must be at least 1, got " + scoreImages);
        }
        if (maxLayers < 0) {
            throw new IllegalArgumentException("layers must be 0 (all) or more, got " + maxLayers);
        }
        Objects.requireNonNull(rounding, "rounding");
        Objects.requireNonNull(scoring, "scoring");
        Objects.requireNonNull(measure, "measure");
    }

    /**
     * A labelled subset: the first {@code count} images of {@code images} (by file name) that the COCO
     * {@code annotations} list.
     */
    public record Labelled(Path annotations, Path images, int count) {
        public Labelled {
            Objects.requireNonNull(annotations, "annotations");
            Objects.requireNonNull(images, "images");
            if (count < 1) {
                throw new IllegalArgumentException("labelled images must be at least 1, got " + count);
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builder with the defaults: both variants, {@value #DEFAULT_SCORE_IMAGES} scoring images, all layers, no AP,
     * nearest rounding, each weight scored alone, by the heatmap measure.
     */
    public static final class Builder {
        private Set<Variant> variants = EnumSet.allOf(Variant.class);
        private int scoreImages = DEFAULT_SCORE_IMAGES;
        private int maxLayers;
        private Labelled labelled;
        private WeightRounding rounding = WeightRounding.NEAREST;
        private WeightScoring scoring = WeightScoring.ALONE;
        private Measure measure = Measure.HEATMAP;

        public Builder variants(Set<Variant> v) {
            variants = v;
            return this;
        }

        public Builder scoreImages(int n) {
            scoreImages = n;
            return this;
        }

        /** Only the {@code n} layers with the most weights (0: all). */
        public Builder maxLayers(int n) {
            maxLayers = n;
            return this;
        }

        public Builder labelled(Labelled l) {
            labelled = l;
            return this;
        }

        /** How weights are rounded when scored (default {@link WeightRounding#NEAREST}). */
        public Builder rounding(WeightRounding r) {
            rounding = r;
            return this;
        }

        /** At which operating point weights are scored (default {@link WeightScoring#ALONE}). */
        public Builder scoring(WeightScoring s) {
            scoring = s;
            return this;
        }

        /** What each variant is scored by (default {@link Measure#HEATMAP}). */
        public Builder measure(Measure m) {
            measure = m;
            return this;
        }

        public SensitivityOptions build() {
            return new SensitivityOptions(variants, scoreImages, maxLayers, labelled, rounding, scoring, measure);
        }
    }
}
