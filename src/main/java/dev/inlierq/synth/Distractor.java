package dev.inlierq.synth;

import java.awt.Shape;
import java.util.random.RandomGenerator;

/**
 * Shapes drawn in the scenes but never labelled: they occlude labelled objects and are the negatives a detector
 * must learn to ignore. Some are near misses on purpose (a plain ellipse against the striped one, a semicircle
 * against the circle). Their colours come from every {@link Hue} family and their textures are those of the
 * labelled objects, stripes excepted.
 */
enum Distractor {
    ELLIPSE(1.6, 2.6),
    CRESCENT(1.0, 1.0),
    SEMICIRCLE(2.0, 2.0),
    L_SHAPE(1.0, 1.5),
    ZIGZAG(1.3, 2.5),
    BLOB(1.0, 1.8);

    private final double minAspect;
    private final double maxAspect;

    Distractor(double minAspect, double maxAspect) {
        this.minAspect = minAspect;
        this.maxAspect = maxAspect;
    }

    double sampleAspect(RandomGenerator rng) {
        return minAspect + (maxAspect - minAspect) * rng.nextDouble();
    }

    Shape outline(double w, double h, RandomGenerator rng) {
        return switch (this) {
            case ELLIPSE -> Shapes.ellipse(w, h);
            case CRESCENT -> Shapes.crescent(w, h, rng);
            case SEMICIRCLE -> Shapes.semicircle(w, h);
            case L_SHAPE -> Shapes.lShape(w, h, rng);
            case ZIGZAG -> Shapes.zigzag(w, h, rng);
            case BLOB -> Shapes.blob(w, h, rng);
        };
    }
}
