package dev.inlierq.synth;

import java.awt.Color;

/**
 * How an object is painted: a base colour, a second colour for the texture, the texture's direction and period
 * (stripes) or seed (speckles), and whether an inner outline of {@code outlineWidth} pixels is drawn in the second
 * colour.
 */
record Fill(Style style, Color base, Color second, double angle, double period, long textureSeed,
        double outlineWidth) {

    /** The textures. Stripes belong to the striped ellipse alone. */
    enum Style {
        SOLID,
        /** A linear gradient from the base to the second colour along the object's long axis. */
        GRADIENT,
        /** The base colour strewn with small dots of the second colour. */
        SPECKLE,
        /** Parallel bands of the second colour, {@code period} pixels apart. */
        STRIPES
    }
}
