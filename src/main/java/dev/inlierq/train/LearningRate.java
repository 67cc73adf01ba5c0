package dev.inlierq.train;

/**
 * The learning-rate schedule: a linear warm-up from {@code peak / warmup} to {@code peak} over the first
 * {@code warmup} steps (Goyal et al., "Accurate, Large Minibatch SGD", 2017, sec. 2.2), then cosine annealing
 * without restarts to {@code peak * floor} at the last step (Loshchilov and Hutter, "SGDR", ICLR 2017, eq. 5).
 *
 * @param peak the rate after warm-up
 * @param warmup warm-up steps (0 for none)
 * @param steps total steps
 * @param floor final rate as a fraction of the peak
 */
public record LearningRate(double peak, int warmup, int steps, double floor) {
    public LearningRate {
        if (!(peak > 0) || warmup < 0 || steps < 1 || !(floor >= 0 && floor <= 1)) {
            throw new IllegalArgumentException("bad schedule: peak " + peak + ", warm-up " + warmup + ", steps "
                    + steps + ", floor " + floor);
        }
    }

    /** The rate of step {@code t} (0-based). */
    public float at(int t) {
        if (t < warmup) {
            return (float) (peak * (t + 1) / warmup);
        }
        int span = Math.max(1, steps - warmup - 1);
        double progress = Math.min(1.0, (double) (t - warmup) / span);
        double cos = 0.5 * (1 + Math.cos(Math.PI * progress));
        return (float) (peak * (floor + (1 - floor) * cos));
    }
}
