package dev.inlierq.detect.decode;

/**
 * The box a head predicts at each location of one batch of outputs, locations numbered as in the
 * head's {@link HeatmapRecipe} (so location l of H and box l belong together).
 */
public interface LocationBoxes {
    /** Locations per sample. */
    int locations();

    /** Writes the box of {@code location} in {@code sample} as x1, y1, x2, y2 in network-input pixels. */
    void box(int sample, int location, double[] xyxy);
}
