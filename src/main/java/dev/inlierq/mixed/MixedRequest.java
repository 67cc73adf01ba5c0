package dev.inlierq.mixed;

import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.sensitivity.SensitivityOptions;
import dev.inlierq.sensitivity.Measure;
import dev.inlierq.sensitivity.WeightScoring;
import java.util.Objects;

/**
 * What {@link MixedPrecision#analyse} is asked for. Build with {@link #builder(double)}; every value is checked.
 *
 * @param fraction    the budget: at most this fraction of the candidates' parameters (or stored bytes, as {@code unit}
 *                    says) at {@link MixedPrecision#HIGH_BITS}
 * @param unit        what the fraction counts
 * @param scoring     at which operating point each candidate's gain is measured
 * @param rounds      greedy rounds: 1, or more with {@link WeightScoring#MARGINAL} (alone gains do not depend on
 *                    which weights were promoted)
 * @param scoreImages the first this many calibration images score the candidates
 * @param measure     what each candidate's gain is measured by ({@link Measure}); {@code null}: the spec's default
 *                    ({@link Measure#mixedPrecisionDefault}, {@link #measureFor})
 */
public record MixedRequest(double fraction, BudgetUnit unit, WeightScoring scoring, int rounds, int scoreImages,
        Measure measure) {
    public MixedRequest {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("mixed-precision fraction must be in [0, 1], got " + fraction);
        }
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(scoring, "scoring");
        if (rounds < 1 || rounds > 1 && scoring != WeightScoring.MARGINAL) {
            throw new IllegalArgumentException("mixed-precision rounds must be 1, or more with marginal scoring, got "
                    + rounds + " with " + scoring.cliName() + " scoring");
        }
        if (scoreImages < 1) {
            throw new IllegalArgumentException("mixed-precision scoring images must be at least 1, got " + scoreImages);
        }
    }

    /** The measure for {@code spec}: the one asked for, else {@link Measure#mixedPrecisionDefault}. */
    public Measure measureFor(DetectorSpec spec) {
        return measure != null ? measure : Measure.mixedPrecisionDefault(spec);
    }

    /**
     * A builder with the defaults: a budget in parameters, alone scoring, one round,
     * {@value SensitivityOptions#DEFAULT_SCORE_IMAGES} images, the spec's default measure.
     */
    public static Builder builder(double fraction) {
        return new Builder(fraction);
    }

    /** Builder of a {@link MixedRequest}. */
    public static final class Builder {
        private final double fraction;
        private BudgetUnit unit = BudgetUnit.PARAMETERS;
        private WeightScoring scoring = WeightScoring.ALONE;
        private int rounds = 1;
        private int scoreImages = SensitivityOptions.DEFAULT_SCORE_IMAGES;
        private Measure measure;

        private Builder(double fraction) {
            this.fraction = fraction;
        }

        public Builder unit(BudgetUnit u) {
            unit = u;
            return this;
        }

        public Builder scoring(WeightScoring s) {
            scoring = s;
            return this;
        }

        public Builder rounds(int n) {
            rounds = n;
            return this;
        }

        public Builder scoreImages(int n) {
            scoreImages = n;
            return this;
        }

        public Builder measure(Measure m) {
            measure = m;
            return this;
        }

        public MixedRequest build() {
            return new MixedRequest(fraction, unit, scoring, rounds, scoreImages, measure);
        }
    }
}
