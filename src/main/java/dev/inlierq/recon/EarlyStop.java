package dev.inlierq.recon;

import java.util.List;

/**
 * How a unit's early stopping went ({@link EarlyStopSettings#holdout()}, {@link EarlyStopping}), for reports:
 * the optimisation steps it ran (at most {@link ReconstructionOptions#iterations()}), the step of the check whose
 * state it kept (0: the starting state), whether it stopped before its budget, and every check's held-out loss.
 */
public record EarlyStop(int steps, int bestStep, boolean stopped, List<Check> checks) {
    public EarlyStop {
        checks = List.copyOf(checks);
    }

    /** The unit's loss on the held-out images with the state deployed after {@code step} steps. */
    public record Check(int step, double loss) {
    }
}
