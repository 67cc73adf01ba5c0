package dev.inlierq.train;

import dev.inlierq.detect.InputTransform;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.detect.image.ByteImage;
import dev.inlierq.synth.SynthConfig;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training samples drawn from a synthetic benchmark's training split ({@link TrainingScenes}: shapes or LiDAR
 * maps). Sample {@code j} is a pure function of the seed and j: its random stream (SplitMix64 seeded with a mix of
 * both) picks the scene index, rendered in memory ({@link TrainingScenes.Draw#scene}), and every augmentation
 * choice; the image then goes through the {@link Preprocessor}
 * of the detector's spec, as evaluation does, and its boxes through the same placement (headings too: kept as they
 * are when the scaling is isotropic, {@link InputTransform#toInputYaw}; 3D boxes' footprints along their headings,
 * {@link InputTransform#toInput}); with a crop
 * ({@link Augmentation#crop()}), a window of the input is cut last, its place drawn from the same stream.
 * Thread-safe.
 */
final class SampleSource {
    private final TrainingScenes.Draw draw;
    private final Preprocessor pre;
    private final Augmenter augmenter;
    private final int crop;
    private final long seed;

    SampleSource(TrainingScenes.Draw draw, Preprocessor pre, Augmentation augmentation, long seed) {
        this.draw = draw;
        this.pre = pre;
        this.augmenter = new Augmenter(augmentation);
        this.crop = augmentation.crop();
        this.seed = seed;
    }

    /** Samples of the shapes benchmark with the generator's settings {@code synth}. */
    SampleSource(SynthConfig synth, Preprocessor pre, Augmentation augmentation, long seed) {
        this(Scenes.draw(synth), pre, augmentation, seed);
    }

    /** A network input [1, 3, S, S] and its boxes in input pixels. */
    record Sample(FloatTensor input, List<TrainBox> boxes) {
    }

    Sample sample(long j) {
        SplittableRandom rng = new SplittableRandom(mix(mix(seed + 0x632BE59BD9B4E019L) + j));
        int index = rng.nextInt(Integer.MAX_VALUE);
        TrainingScenes.Drawn scene = draw.scene(index);
        ByteImage image = scene.image();
        List<TrainBox> boxes = scene.boxes();
        Augmenter.Sample aug = augmenter.apply(image, boxes, rng);
        PreparedImage p = pre.prepare(aug.image());
        InputTransform t = p.transform();
        List<TrainBox> placed = new ArrayList<>(aug.boxes().size());
        for (TrainBox b : aug.boxes()) {
            placed.add(new TrainBox(b.cls(), b.x() * t.scaleX() + t.padX(), b.y() * t.scaleY() + t.padY(),
                    b.w() * t.scaleX(), b.h() * t.scaleY(), t.toInputYaw(b.yaw()), t.toInput(b.box3d(), b.yaw())));
        }
        return crop == 0 ? new Sample(p.tensor(), placed) : window(p.tensor(), placed, rng);
    }

    /**
     * A {@code crop x crop} window of {@code input} [1, 3, S, S] at a uniformly drawn place, with the boxes moved
     * into it, clipped, and dropped when less than the generator's minimum visible fraction of their area (or
     * under 2 px on a side) remains.
     */
    private Sample window(FloatTensor input, List<TrainBox> boxes, SplittableRandom rng) {
        int side = (int) input.dim(2);
        if (input.dim(3) != side || crop > side) {
            throw new IllegalArgumentException("cannot cut a " + crop + " window from an input of "
                    + Arrays.toString(input.shape()));
        }
        int ox = rng.nextInt(side - crop + 1);
        int oy = rng.nextInt(side - crop + 1);
        float[] src = input.data();
        float[] dst = new float[3 * crop * crop];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < crop; y++) {
                System.arraycopy(src, (c * side + oy + y) * side + ox, dst, (c * crop + y) * crop, crop);
            }
        }
        List<TrainBox> kept = new ArrayList<>(boxes.size());
        for (TrainBox b : boxes) {
            double x0 = Math.max(0, b.x() - ox);
            double y0 = Math.max(0, b.y() - oy);
            double x1 = Math.min(crop, b.x() + b.w() - ox);
            double y1 = Math.min(crop, b.y() + b.h() - oy);
            double w = x1 - x0;
            double h = y1 - y0;
            if (w >= 2 && h >= 2 && w * h >= draw.minVisible() * b.w() * b.h()) {
                kept.add(new TrainBox(b.cls(), x0, y0, w, h, b.yaw(), b.box3d()));
            }
        }
        return new Sample(new FloatTensor(new long[] {1, 3, crop, crop}, dst), kept);
    }

    /** The SplitMix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
