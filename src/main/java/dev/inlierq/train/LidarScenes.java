package dev.inlierq.train;

import dev.inlierq.detect.Box3d;
import dev.inlierq.detect.image.ChannelOrder;
import dev.inlierq.detect.image.ImageLoader;
import dev.inlierq.lidar.LidarBox;
import dev.inlierq.lidar.LidarClass;
import dev.inlierq.lidar.LidarConfig;
import dev.inlierq.lidar.LidarDataset;
import dev.inlierq.lidar.LidarFrame;
import dev.inlierq.synth.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Training scenes from the synthetic LiDAR benchmark ({@code inlierq synth-lidar}, docs/lidar.md): each scene is
 * a simulated sweep rendered as its bird's-eye-view map (density, height, intensity), labelled with the
 * axis-aligned hull of each object's footprint, the boxes its COCO file holds. A detector trained on them is a
 * CenterNet-style BEV heatmap detector (CenterPoint's head, Yin et al., CVPR 2021; its 3D regression with
 * {@code train --box3d}).
 *
 * <p>Each box carries its footprint's heading ({@code rotated_bbox}'s yaw, {@link LidarBox.Rotated#yaw()}), which a
 * detector with a heading output ({@code train --yaw}) learns, except for pedestrians ({@link #heading}): a
 * pedestrian is a vertical cylinder drawn with a uniform random heading that nothing in the map shows, so its box
 * has none (NaN) and gets no heading target.
 *
 * <p>Each box also carries its 3D box ({@link #box3d}) as the label gives it, for a detector with 3D outputs
 * ({@code train --box3d}): the {@code rotated_bbox} length and width in pixels, {@code z} and {@code height} in
 * metres. Pedestrians have one too: their footprint is a disc, whose length and width are its diameter.
 *
 * @param config the benchmark's settings; its map side ({@code cells}) is the detector's input side
 */
public record LidarScenes(LidarConfig config) implements TrainingScenes {
    /**
     * A box cut by a training window is kept when at least this fraction of its footprint's hull remains (the
     * shapes benchmark's default visible fraction).
     */
    static final double MIN_VISIBLE = 0.4;

    public LidarScenes {
        Objects.requireNonNull(config, "config");
    }

    /** Whether a detector trained on these scenes can learn headings: yes, the boxes have them. */
    @Override
    public boolean headings() {
        return true;
    }

    /** Whether a detector trained on these scenes can learn 3D boxes: yes, the labels have them. */
    @Override
    public boolean boxes3d() {
        return true;
    }

    /** The box's 3D box as the label gives it: footprint sides in pixels, z and height in metres. */
    static Box3d box3d(LidarBox b) {
        return new Box3d(b.rotated().length(), b.rotated().width(), b.z(), b.height());
    }

    /** The box's heading as the label gives it, or NaN for a pedestrian (a cylinder: its heading is not seen). */
    static double heading(LidarBox b) {
        return b.cls() == LidarClass.PEDESTRIAN ? Double.NaN : b.rotated().yaw();
    }

    @Override
    public String kind() {
        return "synthetic-LiDAR bird's-eye-view";
    }

    @Override
    public int maxClasses() {
        return LidarClass.values().length;
    }

    @Override
    public Draw draw(int classes) {
        if (classes < 1 || classes > maxClasses()) {
            throw new IllegalArgumentException("the LiDAR benchmark labels " + maxClasses() + " classes, asked "
                    + classes);
        }
        return Draw.of(index -> {
            LidarFrame f = LidarDataset.render(config, Split.TRAIN, index);
            List<TrainBox> boxes = new ArrayList<>(f.boxes().size());
            for (LidarBox b : f.boxes()) {
                if (b.categoryId() <= classes) {
                    boxes.add(new TrainBox(b.categoryId() - 1, b.x(), b.y(), b.w(), b.h(), heading(b), box3d(b)));
                }
            }
            return new Drawn(ImageLoader.toByteImage(f.bev(), ChannelOrder.RGB), boxes);
        }, MIN_VISIBLE);
    }
}
