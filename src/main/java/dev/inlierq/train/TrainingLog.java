package dev.inlierq.train;

/**
 * One entry of the training log: the mean of each loss term over the steps since the previous entry.
 *
 * @param step steps done
 * @param loss total loss
 * @param focal heatmap focal loss
 * @param size size L1 (unweighted; 0 with the GIoU loss)
 * @param offset offset L1 (0 with the GIoU loss)
 * @param box GIoU loss (unweighted; 0 with CenterNet's loss)
 * @param yaw heading L1 (unweighted; 0 without a heading output)
 * @param lr learning rate of the last step
 * @param gradNorm gradient norm of the last step, before clipping
 * @param seconds wall time since training started
 */
public record TrainingLog(int step, double loss, double focal, double size, double offset, double box,
        double yaw, double lr, double gradNorm, double seconds) {
}
