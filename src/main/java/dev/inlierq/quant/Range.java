package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;

/**
 * A real interval {@code [min, max]} chosen for one quantization parameter, before it becomes a grid
 * ({@link Encoding#fromRange}, which also widens it to include 0).
 *
 * @param min lower end, finite
 * @param max upper end, finite, {@code >= min}
 */
public record Range(float min, float max) {
    /** The empty-data range {@code [0, 0]} (gives scale 1). */
    public static final Range ZERO = new Range(0f, 0f);

    public Range {
        check(Float.isFinite(min) && Float.isFinite(max) && min <= max, "Range", "finite min <= max",
                "[" + min + ", " + max + "]");
    }

    /** {@code [-a, a]}. */
    public static Range symmetric(float a) {
        return new Range(-Math.abs(a), Math.abs(a));
    }
}
