package dev.inlierq.train;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * One entry of the training log: the mean of each loss term over the steps since the previous entry. In the JSON
 * log the terms stand beside the step, unwrapped: {@code step, loss, focal, size, offset, box, yaw, dim, z, lr,
 * gradNorm, seconds}.
 *
 * @param step steps done
 * @param losses the mean loss terms
 * @param lr learning rate of the last step
 * @param gradNorm gradient norm of the last step, before clipping
 * @param seconds wall time since training started
 */
public record TrainingLog(int step, @JsonUnwrapped Losses losses, double lr, double gradNorm, double seconds) {

    /**
     * The mean loss terms of a log entry; a term the loss does not have is 0.
     *
     * @param loss total loss
     * @param focal heatmap focal loss
     * @param size size L1 (unweighted; 0 with the GIoU loss)
     * @param offset offset L1 (0 with the GIoU loss)
     * @param box GIoU loss (unweighted; 0 with CenterNet's loss)
     * @param yaw heading L1 (unweighted; 0 without a heading output)
     * @param dim log-size L1 (unweighted; 0 without 3D outputs)
     * @param z centre height L1 (unweighted; 0 without 3D outputs)
     */
    public record Losses(double loss, double focal, double size, double offset, double box, double yaw, double dim,
            double z) {
        /** The terms in the order of {@link CenterNetLoss.Terms#values()}. */
        static Losses of(double[] v) {
            return new Losses(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        }
    }

    /** The total loss. */
    public double loss() {
        return losses.loss();
    }

    /** The heatmap focal loss. */
    public double focal() {
        return losses.focal();
    }

    /** The size L1 (unweighted). */
    public double size() {
        return losses.size();
    }

    /** The offset L1. */
    public double offset() {
        return losses.offset();
    }

    /** The GIoU loss (unweighted). */
    public double box() {
        return losses.box();
    }

    /** The heading L1 (unweighted). */
    public double yaw() {
        return losses.yaw();
    }

    /** The log-size L1 of the 3D box (unweighted). */
    public double dim() {
        return losses.dim();
    }

    /** The centre height L1 of the 3D box (unweighted). */
    public double z() {
        return losses.z();
    }
}
