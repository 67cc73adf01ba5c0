package dev.inlierq.train;

import java.util.Objects;

/**
 * What is minimised and how ({@link AdamW}).
 *
 * @param schedule the learning rate of each step
 * @param weightDecay decoupled weight decay of convolution weights (0 for none)
 * @param clipNorm global gradient-norm clip (0 for none)
 * @param loss the training loss
 * @param emaDecay decay of the exponential moving average of the weights that is written instead of the last
 *                 weights (0 for none; see {@link WeightAverage})
 */
public record Optimisation(LearningRate schedule, double weightDecay, double clipNorm, LossOptions loss,
        double emaDecay) {
    public Optimisation {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(loss, "loss");
        if (!(weightDecay >= 0) || !(clipNorm >= 0)) {
            throw new IllegalArgumentException("weight decay and clip norm must be >= 0");
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new IllegalArgumentException("the EMA decay must be in [0, 1), got " + emaDecay);
        }
    }
}
