package dev.inlierq.synth;

import java.awt.Color;
import java.util.random.RandomGenerator;

/**
 * The named colour families objects are painted from. Each labelled class draws from four of them and each family
 * serves two to four classes, so a colour never tells the class by itself. A colour is drawn as HSB with the
 * family's hue jittered by +-0.025 and its own saturation and brightness ranges.
 */
enum Hue {
    RED(0.0, 0.65, 1.0),
    ORANGE(0.075, 0.7, 1.0),
    YELLOW(0.15, 0.6, 1.0),
    GREEN(0.32, 0.5, 0.9),
    TEAL(0.48, 0.5, 0.9),
    BLUE(0.62, 0.55, 1.0),
    PURPLE(0.76, 0.45, 0.85),
    PINK(0.9, 0.35, 0.7),
    /** Near-white to light grey. */
    WHITE(0.0, 0.0, 0.08),
    BROWN(0.07, 0.5, 0.8);

    private final double hue;
    private final double minSaturation;
    private final double maxSaturation;

    Hue(double hue, double minSaturation, double maxSaturation) {
        this.hue = hue;
        this.minSaturation = minSaturation;
        this.maxSaturation = maxSaturation;
    }

    /** A colour of this family; brown and white have their own brightness ranges. */
    Color sample(RandomGenerator rng) {
        double h = hue + (rng.nextDouble() - 0.5) * 0.05;
        double s = minSaturation + (maxSaturation - minSaturation) * rng.nextDouble();
        double b = switch (this) {
            case WHITE -> 0.82 + 0.18 * rng.nextDouble();
            case BROWN -> 0.35 + 0.3 * rng.nextDouble();
            default -> 0.5 + 0.5 * rng.nextDouble();
        };
        return Color.getHSBColor((float) (h < 0 ? h + 1 : h), (float) s, (float) b);
    }

    /** A random colour of any family. */
    static Color any(RandomGenerator rng) {
        Hue[] all = values();
        return all[rng.nextInt(all.length)].sample(rng);
    }
}
