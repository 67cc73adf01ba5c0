package dev.inlierq.train;

import java.util.Objects;

/**
 * How the parameters are optimised ({@link AdamW}).
 *
 * @param schedule the learning rate of each step
 * @param weightDecay decoupled weight decay of convolution weights (0 for none)
 * @param clipNorm global gradient-norm clip (0 for none)
 */
public record Optimisation(LearningRate schedule, double weightDecay, double clipNorm) {
    public Optimisation {
        Objects.requireNonNull(schedule, "schedule");
        if (!(weightDecay >= 0) || !(clipNorm >= 0)) {
            throw new IllegalArgumentException("weight decay and clip norm must be >= 0");
        }
    }
}
