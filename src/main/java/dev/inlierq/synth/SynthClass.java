package dev.inlierq.synth;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.awt.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * The labelled object classes of the synthetic benchmark. Each is recognisable by its outline (and the striped
 * ellipse by its stripes); its colours come from four {@link Hue} families shared with other classes, so colour
 * alone does not give the class. Objects are drawn {@code L} long (the longer side before rotation) and
 * {@code L / aspect} high, with the aspect drawn from the class's range, at any rotation.
 */
public enum SynthClass {
    /** A filled disc, slightly elliptic at most. */
    CIRCLE("circle", 1.0, 1.25, Hue.RED, Hue.YELLOW, Hue.BLUE, Hue.WHITE),
    /** An annulus whose hole is 45% to 70% of its size. */
    RING("ring", 1.0, 1.25, Hue.RED, Hue.GREEN, Hue.PURPLE, Hue.ORANGE),
    /** A triangle with its apex shifted sideways by up to a quarter of the base. */
    TRIANGLE("triangle", 1.0, 1.5, Hue.YELLOW, Hue.TEAL, Hue.PINK, Hue.BLUE),
    /** A square or short rectangle, corners possibly rounded a little. */
    SQUARE("square", 1.0, 1.3, Hue.ORANGE, Hue.BLUE, Hue.GREEN, Hue.BROWN),
    /** A five-pointed star. */
    STAR("star", 1.0, 1.2, Hue.YELLOW, Hue.RED, Hue.TEAL, Hue.WHITE),
    /** A plus sign. */
    CROSS("cross", 1.0, 1.3, Hue.GREEN, Hue.PINK, Hue.PURPLE, Hue.WHITE),
    /** An elongated ellipse always painted with stripes (a plain ellipse is a distractor). */
    STRIPED_ELLIPSE("striped_ellipse", 1.6, 2.6, Hue.ORANGE, Hue.TEAL, Hue.PURPLE, Hue.BROWN),
    /** An arrow: a shaft and a triangular head. */
    ARROW("arrow", 1.6, 2.4, Hue.PINK, Hue.BLUE, Hue.BROWN, Hue.RED);

    private final String cocoName;
    private final double minAspect;
    private final double maxAspect;
    private final List<Hue> palette;

    SynthClass(String cocoName, double minAspect, double maxAspect, Hue... palette) {
        this.cocoName = cocoName;
        this.minAspect = minAspect;
        this.maxAspect = maxAspect;
        this.palette = List.of(palette);
    }

    /** The category name written to the COCO file (also the name the CLI's {@code --classes} takes). */
    public String cocoName() {
        return cocoName;
    }

    List<Hue> palette() {
        return palette;
    }

    double sampleAspect(RandomGenerator rng) {
        return minAspect + (maxAspect - minAspect) * rng.nextDouble();
    }

    /** The outline in local coordinates, {@code w} by {@code h} ({@code w >= h}), centred on the origin. */
    Shape outline(double w, double h, RandomGenerator rng) {
        return switch (this) {
            case CIRCLE, STRIPED_ELLIPSE -> Shapes.ellipse(w, h);
            case RING -> Shapes.ring(w, h, 0.45 + 0.25 * rng.nextDouble());
            case TRIANGLE -> Shapes.triangle(w, h, rng);
            case SQUARE -> Shapes.square(w, h, rng);
            case STAR -> Shapes.star(w, h, rng);
            case CROSS -> Shapes.cross(w, h, rng);
            case ARROW -> Shapes.arrow(w, h, rng);
        };
    }

    /**
     * The class with this COCO name (case-insensitive).
     *
     * @throws UserError {@link ExitCode#USAGE} naming the known classes when there is none
     */
    public static SynthClass byName(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (SynthClass c : values()) {
            if (c.cocoName.equals(key)) {
                return c;
            }
        }
        throw new UserError(ExitCode.USAGE, "unknown class '" + name + "' (expected one of "
                + Arrays.stream(values()).map(SynthClass::cocoName).collect(Collectors.joining(", ")) + ")");
    }
}
