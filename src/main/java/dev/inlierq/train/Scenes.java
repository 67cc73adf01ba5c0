package dev.inlierq.train;

import dev.inlierq.synth.SynthClass;
import dev.inlierq.synth.SynthConfig;
import java.util.Arrays;

/**
 * The synthetic scenes a detector trains on: the benchmark's generator with seed {@code seed} and
 * {@code minObjects} to {@code maxObjects} labelled objects drawn per scene (the benchmark's own 3 to 10 by default;
 * denser scenes supervise more objects per step for the same compute, while the validation split, the test, keeps
 * the benchmark's density).
 *
 * @param seed seed of the synthetic benchmark whose training split is drawn from (its val split is the test)
 * @param minObjects fewest labelled objects drawn in a scene
 * @param maxObjects most labelled objects drawn in a scene
 */
public record Scenes(long seed, int minObjects, int maxObjects) {
    /** The benchmark's seed-0 scenes at its own density. */
    public static final Scenes DEFAULT = new Scenes(0, 3, 10);

    public Scenes {
        SynthConfig.Builder.checkObjects(minObjects, maxObjects);
    }

    /** The generator's settings for a detector of {@code classes} classes: the benchmark's first classes. */
    public SynthConfig config(int classes) {
        return SynthConfig.builder().seed(seed).classes(Arrays.asList(SynthClass.values()).subList(0, classes))
                .objects(minObjects, maxObjects).build();
    }
}
