package dev.inlierq.detect.decode;

/**
 * The box a head predicts at each location of one batch of outputs, locations numbered as in the
 * head's {@link HeatmapRecipe} (so location l of H and box l belong together), and optionally the heading
 * of each location (heads with a yaw output; null for every other head) and its 3D part (heads with dim or z
 * outputs; null for every other head).
 *
 * @param locations locations per sample
 * @param writer computes one box
 * @param heading computes one heading, or null when the head predicts none
 * @param solid computes one 3D part, or null when the head predicts none
 */
public record LocationBoxes(int locations, Writer writer, Heading heading, Solid solid) {

    /** Boxes without headings. */
    public LocationBoxes(int locations, Writer writer) {
        this(locations, writer, null, null);
    }

    /** Boxes with headings (or none, null) and without 3D parts. */
    public LocationBoxes(int locations, Writer writer, Heading heading) {
        this(locations, writer, heading, null);
    }

    /** Computes the box of one location. */
    @FunctionalInterface
    public interface Writer {
        /** Writes the box of {@code location} in {@code sample} as x1, y1, x2, y2 in network-input pixels. */
        void box(int sample, int location, double[] xyxy);
    }

    /** Computes the heading of one location. */
    @FunctionalInterface
    public interface Heading {
        /**
         * The heading at {@code location} in {@code sample}, in radians in [-pi, pi], counter-clockwise from the
         * network input's +x axis with +y up ({@link dev.inlierq.detect.Detection#yaw()}'s convention).
         */
        double yaw(int sample, int location);
    }

    /** Computes the 3D part of one location. */
    @FunctionalInterface
    public interface Solid {
        /**
         * The 3D part at {@code location} in {@code sample}: the footprint in network-input pixels along and across
         * the location's heading, z and height in metres ({@link dev.inlierq.detect.Box3d}).
         */
        dev.inlierq.detect.Box3d box3d(int sample, int location);
    }

    /** Writes the box of {@code location} in {@code sample} as x1, y1, x2, y2 in network-input pixels. */
    public void box(int sample, int location, double[] xyxy) {
        writer.box(sample, location, xyxy);
    }

    /** The heading at {@code location} in {@code sample} (network input), NaN when the head predicts none. */
    public double yaw(int sample, int location) {
        return heading == null ? Double.NaN : heading.yaw(sample, location);
    }

    /** The 3D part at {@code location} in {@code sample} (network input), null when the head predicts none. */
    public dev.inlierq.detect.Box3d box3d(int sample, int location) {
        return solid == null ? null : solid.box3d(sample, location);
    }

    /** Writes the box of centre (cx, cy) and size (w, h) as x1, y1, x2, y2. */
    static void centerSize(double[] xyxy, double cx, double cy, double w, double h) {
        xyxy[0] = cx - w / 2;
        xyxy[1] = cy - h / 2;
        xyxy[2] = cx + w / 2;
        xyxy[3] = cy + h / 2;
    }
}
