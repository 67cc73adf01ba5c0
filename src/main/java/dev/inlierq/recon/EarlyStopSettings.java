package dev.inlierq.recon;

/**
 * The early-stopping settings of {@link ReconstructionOptions} ({@link EarlyStopping}): {@code holdout} calibration
 * images, chosen by the seed, that no step samples; each unit's deployed state is checked on them every
 * {@link #checkEvery(int)} steps, the best checked state is kept, and a unit stops after {@code patience} checks
 * without improvement. {@code holdoutFrom}: the fewest calibration images at which the holdout applies (below it
 * none is held out, so small sets keep every image for the steps). {@code checkEvery} 0: the default interval.
 *
 * <pre>{@code
 * EarlyStopSettings e = EarlyStopSettings.holding(8).withPatience(2);     // 8 held-out images, stop after 2 checks without gain
 * }</pre>
 *
 * @param holdout held-out images; 0: off
 * @param holdoutFrom the fewest calibration images at which the holdout applies; 0: always
 * @param patience checks without improvement after which a unit stops, at least 1
 * @param checkEvery steps between held-out checks; 0: {@code max(10, iterations / 20)}
 */
public record EarlyStopSettings(int holdout, int holdoutFrom, int patience, int checkEvery) {
    /** Images held out by default: none (8 held out cost YOLOX-Nano W4A8 0.8 AP, stop 38). */
    public static final int DEFAULT_HOLDOUT = 0;
    /** Held-out checks without improvement after which a unit stops. */
    public static final int DEFAULT_PATIENCE = 3;
    /** A check improves on the best held-out loss when it is lower by more than this fraction of it. */
    public static final double TOLERANCE = 1e-3;
    /** No early stopping: every unit runs all its steps. */
    public static final EarlyStopSettings OFF = new EarlyStopSettings(DEFAULT_HOLDOUT, 0, DEFAULT_PATIENCE, 0);

    /**
     * @throws IllegalArgumentException for a negative count or interval, or a patience below 1
     */
    public EarlyStopSettings {
        if (holdout < 0 || holdoutFrom < 0 || checkEvery < 0) {
            throw new IllegalArgumentException("holdout and check interval must be non-negative");
        }
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1");
        }
    }

    /** {@code images} held out whatever the number of calibration images, the default patience and interval. */
    public static EarlyStopSettings holding(int images) {
        return OFF.withHoldout(images);
    }

    /** These settings with another holdout. */
    public EarlyStopSettings withHoldout(int images) {
        return new EarlyStopSettings(images, holdoutFrom, patience, checkEvery);
    }

    /** These settings with the holdout applying from {@code images} calibration images on. */
    public EarlyStopSettings withHoldoutFrom(int images) {
        return new EarlyStopSettings(holdout, images, patience, checkEvery);
    }

    /** These settings with another patience. */
    public EarlyStopSettings withPatience(int checks) {
        return new EarlyStopSettings(holdout, holdoutFrom, checks, checkEvery);
    }

    /** These settings with another check interval (0: the default). */
    public EarlyStopSettings withCheckEvery(int steps) {
        return new EarlyStopSettings(holdout, holdoutFrom, patience, steps);
    }

    /** The holdout for {@code images} calibration images: {@link #holdout()}, or 0 below {@link #holdoutFrom()}. */
    public int holdoutFor(int images) {
        return images >= holdoutFrom ? holdout : 0;
    }

    /** Steps between held-out checks in a unit of {@code iterations} steps: as set, else max(10, iterations / 20). */
    public int checkEvery(int iterations) {
        return checkEvery > 0 ? checkEvery : Math.max(10, iterations / 20);
    }

    /** The settings as {@code key=value} pairs, empty when off. */
    String describe(int iterations) {
        if (holdout == 0) {
            return "";
        }
        return " holdout=" + holdout + (holdoutFrom > 0 ? " holdout_from=" + holdoutFrom : "") + " patience=" + patience
                + " check_every=" + checkEvery(iterations);
    }
}
