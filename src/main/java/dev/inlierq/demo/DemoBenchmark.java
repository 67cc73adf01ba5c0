package dev.inlierq.demo;

import java.util.Locale;

/**
 * The synthetic benchmark a {@link Demo} runs on ({@code --data}, with the value names of {@code inlierq train
 * --data}): the camera images of the shapes benchmark ({@code synth}) with the bundled shapes detector, or the
 * bird's-eye-view maps of the LiDAR benchmark ({@code synth-lidar}) with the bundled BEV detector, where every
 * evaluation also scores the nuScenes centre-distance mAP.
 */
public enum DemoBenchmark {
    /** The synthetic shapes benchmark (camera images) and {@link BundledModel#DEFAULT}. */
    SHAPES("shapes", "images", BundledModel.DEFAULT),
    /** The synthetic LiDAR benchmark (BEV maps) and {@link BundledModel#LIDAR}; adds the BEV mAP. */
    LIDAR("lidar", "maps", BundledModel.LIDAR);

    private final String cliName;
    private final String noun;
    private final BundledModel bundled;

    DemoBenchmark(String cliName, String noun, BundledModel bundled) {
        this.cliName = cliName;
        this.noun = noun;
        this.bundled = bundled;
    }

    /** The {@code --data} value: {@code shapes} or {@code lidar}. */
    public String cliName() {
        return cliName;
    }

    /** What its pictures are called in messages: {@code images} or {@code maps}. */
    public String noun() {
        return noun;
    }

    /** The detector the tool ships for it. */
    public BundledModel bundled() {
        return bundled;
    }

    /** Whether evaluations also score the BEV centre-distance mAP. */
    public boolean bev() {
        return this == LIDAR;
    }

    /**
     * The benchmark named {@code name} (any case).
     *
     * @throws IllegalArgumentException {@code "--data NAME: expected shapes or lidar"} for any other name
     */
    public static DemoBenchmark parse(String name) {
        for (DemoBenchmark b : values()) {
            if (b.cliName.equals(name.strip().toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new IllegalArgumentException("--data " + name + ": expected shapes or lidar");
    }
}
