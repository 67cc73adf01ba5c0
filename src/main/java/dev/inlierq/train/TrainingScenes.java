package dev.inlierq.train;

import dev.inlierq.detect.image.ByteImage;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Where a training run draws its scenes from: the synthetic shapes benchmark ({@link Scenes}) or the synthetic
 * LiDAR benchmark's bird's-eye-view maps ({@link LidarScenes}). Either way scene {@code j} of the training split is
 * a pure function of the benchmark's settings and {@code j}, so a run is reproducible from its seed.
 */
public sealed interface TrainingScenes permits Scenes, LidarScenes {
    /** The classes the scenes label: a detector trained on them may detect the first 1 to this many. */
    int maxClasses();

    /** What a detector trained on these scenes is, for the header of its spec (e.g. "synthetic-shapes"). */
    String kind();

    /** Whether the scenes' boxes carry headings ({@link TrainBox#yaw()}) a heading output can learn. */
    default boolean headings() {
        return false;
    }

    /** Whether the scenes' boxes carry 3D boxes ({@link TrainBox#box3d()}) the 3D outputs can learn. */
    default boolean boxes3d() {
        return false;
    }

    /** The draw of a detector of {@code classes} classes (the benchmark's first ones). */
    Draw draw(int classes);

    /** Renders training scenes in memory. Thread-safe. */
    interface Draw {
        /** Scene {@code index} of the training split: its image and labelled boxes (0-based classes, pixels). */
        Drawn scene(int index);

        /** A box cut by a training window is kept when at least this fraction of its area remains. */
        double minVisible();

        /** The draw that renders scene {@code index} with {@code scene}. */
        static Draw of(IntFunction<Drawn> scene, double minVisible) {
            return new Draw() {
                @Override
                public Drawn scene(int index) {
                    return scene.apply(index);
                }

                @Override
                public double minVisible() {
                    return minVisible;
                }
            };
        }
    }

    /** One rendered scene. */
    record Drawn(ByteImage image, List<TrainBox> boxes) {
        public Drawn {
            boxes = List.copyOf(boxes);
        }
    }
}
