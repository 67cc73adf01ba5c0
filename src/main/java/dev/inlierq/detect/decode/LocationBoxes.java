package dev.inlierq.detect.decode;

/**
 * The box a head predicts at each location of one batch of outputs, locations numbered as in the
 * head's {@link HeatmapRecipe} (so location l of H and box l belong together).
 *
 * @param locations locations per sample
 * @param writer computes one box
 */
public record LocationBoxes(int locations, Writer writer) {

    /** Computes the box of one location. */
    @FunctionalInterface
    public interface Writer {
        /** Writes the box of {@code location} in {@code sample} as x1, y1, x2, y2 in network-input pixels. */
        void box(int sample, int location, double[] xyxy);
    }

    /** Writes the box of {@code location} in {@code sample} as x1, y1, x2, y2 in network-input pixels. */
    public void box(int sample, int location, double[] xyxy) {
        writer.box(sample, location, xyxy);
    }

    /** Writes the box of centre (cx, cy) and size (w, h) as x1, y1, x2, y2. */
    static void centerSize(double[] xyxy, double cx, double cy, double w, double h) {
        xyxy[0] = cx - w / 2;
        xyxy[1] = cy - h / 2;
        xyxy[2] = cx + w / 2;
        xyxy[3] = cy + h / 2;
    }
}
