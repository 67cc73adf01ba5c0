package dev.inlierq.lidar;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One rendered scene: its LiDAR returns, its BEV image and its labels.
 *
 * @param x the returns' x in metres (sensor frame, ground at z = 0), in firing order
 * @param y the returns' y
 * @param z the returns' z (height above the ground)
 * @param intensity the returns' intensity in [0, 1]
 * @param pointBox for each return, the index in {@code boxes} of the labelled object it hit, or -1 (ground,
 *     clutter, or an object left unlabelled)
 * @param bev the BEV pseudo-image, {@code cells x cells}, TYPE_3BYTE_BGR (R density, G height, B intensity)
 * @param boxes the labelled objects, in scene order
 * @param hidden objects of a labelled class centred in the map but left unlabelled for too few returns
 */
public record LidarFrame(float[] x, float[] y, float[] z, float[] intensity, int[] pointBox, BufferedImage bev,
        List<LidarBox> boxes, int hidden) {
    public LidarFrame {
        boxes = List.copyOf(boxes);
    }

    /** The number of returns. */
    public int points() {
        return x.length;
    }
}
