package dev.inlierq.train;

/**
 * TTFNet's elliptical Gaussian of an object (Liu et al., "Training-Time-Friendly Network for Real-Time Object
 * Detection", AAAI 2020, sec. 3.2): for a box of {@code w x h} output cells and a factor a (TTFNet's alpha for the
 * heatmap, beta for the regression region, both 0.54),
 * <pre>
 *   G(dx, dy) = exp(-dx^2 / (2 sx^2) - dy^2 / (2 sy^2)),   sx = a w / 6,  sy = a h / 6
 * </pre>
 * at integer cell offsets (dx, dy) from the centre cell, truncated (as TTFNet's {@code draw_truncate_gaussian}) to
 * the rectangle {@code |dx| <= floor(3 sx)}, {@code |dy| <= floor(3 sy)}, which always holds the centre cell.
 *
 * @param sigmaX horizontal standard deviation in cells
 * @param sigmaY vertical standard deviation in cells
 * @param radiusX half-width of the truncation rectangle in cells
 * @param radiusY half-height of the truncation rectangle in cells
 */
record EllipticalGaussian(double sigmaX, double sigmaY, int radiusX, int radiusY) {
    /** TTFNet's alpha and beta. */
    static final double TTF_FACTOR = 0.54;

    /** The Gaussian of a {@code w x h}-cell box (both positive) with factor {@code a}. */
    static EllipticalGaussian of(double w, double h, double a) {
        double sx = a * w / 6;
        double sy = a * h / 6;
        return new EllipticalGaussian(sx, sy, (int) Math.floor(3 * sx), (int) Math.floor(3 * sy));
    }

    /** G at offset (dx, dy) from the centre cell (1 at the centre). */
    double at(int dx, int dy) {
        return Math.exp(-dx * dx / (2 * sigmaX * sigmaX) - dy * dy / (2 * sigmaY * sigmaY));
    }

    /** Max-merges the truncated Gaussian into one [side, side] plane of {@code heat} starting at {@code base}. */
    void drawMax(float[] heat, int base, int side, int cx, int cy) {
        for (int y = Math.max(0, cy - radiusY); y <= Math.min(side - 1, cy + radiusY); y++) {
            for (int x = Math.max(0, cx - radiusX); x <= Math.min(side - 1, cx + radiusX); x++) {
                float g = (float) at(x - cx, y - cy);
                int i = base + y * side + x;
                if (g > heat[i]) {
                    heat[i] = g;
                }
            }
        }
    }
}
