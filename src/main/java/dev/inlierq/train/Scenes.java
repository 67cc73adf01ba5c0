package dev.inlierq.train;

import dev.inlierq.detect.image.ChannelOrder;
import dev.inlierq.detect.image.ImageLoader;
import dev.inlierq.synth.Split;
import dev.inlierq.synth.SynthBox;
import dev.inlierq.synth.SynthClass;
import dev.inlierq.synth.SynthConfig;
import dev.inlierq.synth.SynthDataset;
import dev.inlierq.synth.SynthImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The synthetic scenes a detector trains on: the benchmark's generator with seed {@code seed},
 * {@code minObjects} to {@code maxObjects} labelled objects drawn per scene (the benchmark's own 3 to 10 by default;
 * denser scenes supervise more objects per step for the same compute, while the validation split, the test, keeps
 * the benchmark's density) and objects' long sides log-uniform from {@code minLength} to {@code maxLength} pixels
 * of a 320-pixel scene (the benchmark's 12 to 120 by default; a wider range teaches sizes that a model run on
 * up-scaled inputs meets).
 *
 * @param seed seed of the synthetic benchmark whose training split is drawn from (its val split is the test)
 * @param minObjects fewest labelled objects drawn in a scene
 * @param maxObjects most labelled objects drawn in a scene
 * @param minLength shortest long side of an object, pixels at 320
 * @param maxLength longest long side of an object, pixels at 320
 */
public record Scenes(long seed, int minObjects, int maxObjects, double minLength, double maxLength)
        implements TrainingScenes {
    /** The benchmark's seed-0 scenes at its own density. */
    public static final Scenes DEFAULT = new Scenes(0, 3, 10);

    public Scenes {
        SynthConfig.Builder.checkObjects(minObjects, maxObjects);
        SynthConfig.Builder.checkLengths(minLength, maxLength);
    }

    /** Scenes with the benchmark's object sizes. */
    public Scenes(long seed, int minObjects, int maxObjects) {
        this(seed, minObjects, maxObjects, SynthConfig.DEFAULT_MIN_LENGTH, SynthConfig.DEFAULT_MAX_LENGTH);
    }

    /** The same scenes with objects' long sides from {@code min} to {@code max} pixels (at 320). */
    public Scenes withLengths(double min, double max) {
        return new Scenes(seed, minObjects, maxObjects, min, max);
    }

    @Override
    public String kind() {
        return "synthetic-shapes";
    }

    @Override
    public int maxClasses() {
        return SynthClass.values().length;
    }

    @Override
    public Draw draw(int classes) {
        if (classes < 1 || classes > maxClasses()) {
            throw new IllegalArgumentException("the synthetic benchmark has " + maxClasses() + " classes, asked "
                    + classes);
        }
        return draw(config(classes));
    }

    /** The draw of the shapes benchmark with the generator's settings {@code synth}. */
    static Draw draw(SynthConfig synth) {
        return Draw.of(index -> {
            SynthImage im = SynthDataset.render(synth, Split.TRAIN, index);
            List<TrainBox> boxes = new ArrayList<>(im.boxes().size());
            for (SynthBox b : im.boxes()) {
                boxes.add(new TrainBox(b.categoryId() - 1, b.x(), b.y(), b.w(), b.h()));
            }
            return new Drawn(ImageLoader.toByteImage(im.image(), ChannelOrder.RGB), boxes);
        }, synth.minVisible());
    }

    /** The generator's settings for a detector of {@code classes} classes: the benchmark's first classes. */
    public SynthConfig config(int classes) {
        return SynthConfig.builder().seed(seed).classes(Arrays.asList(SynthClass.values()).subList(0, classes))
                .objects(minObjects, maxObjects).objectLengths(minLength, maxLength).build();
    }
}
