package dev.inlierq.api;

/**
 * Equalisation of activation channels into the next layers' weights ({@code alpha}: strength for dense layers,
 * depthwise layers always 1; {@code searched}: each activation's strength chosen at the run's bits instead,
 * possibly none, by the estimated output error of the layers that read it, see
 * {@code dev.inlierq.calib.EqualizationSearch}).
 */
public record EqualizationOptions(boolean enabled, double alpha, boolean searched) {
    public EqualizationOptions {
        double applied = enabled ? alpha : 0;
        if (!(applied >= 0 && applied <= 1)) {
            throw new IllegalArgumentException("equalisation alpha must be in [0, 1] (0 = off), got " + alpha);
        }
    }

    /** The strength applied: {@code alpha} when enabled, else 0 (off). */
    public double effectiveAlpha() {
        return enabled ? alpha : 0;
    }
}
