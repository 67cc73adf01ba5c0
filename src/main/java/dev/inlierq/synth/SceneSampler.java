package dev.inlierq.synth;

import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws a random {@link Scene} for a {@link SynthConfig} from an image's random stream.
 *
 * <p>Per image: {@code minObjects..maxObjects} labelled objects of uniformly drawn classes and, with distractors
 * on, 1 to 4 distractors. An object's long side is log-uniform in {@code [min, max] * size / 320} pixels
 * ({@link SynthConfig#minLength()}, {@link SynthConfig#maxLength()}), its
 * aspect in its class's range, its rotation uniform. Its centre is uniform in the middle 90% of the image, except
 * that 35% of the objects are placed next to an earlier one (centres {@code 0.3..0.8} of their summed half-sizes
 * apart) so that objects overlap often. The drawing order (z-order) is then shuffled. The degradations scale with
 * the noise level {@code n}: brightness +-35n grey levels, contrast 1+-0.3n, per-channel gain 1+-0.12n, a
 * Gaussian blur of sigma {@code (0.3..1.2) n} on half of the images, and Gaussian noise of sigma {@code 0..10n}.
 * All random numbers are drawn whatever the noise level, so the geometry of a scene does not depend on it.
 */
final class SceneSampler {
    private static final double NEIGHBOUR_PROBABILITY = 0.35;

    private final SynthConfig config;

    SceneSampler(SynthConfig config) {
        this.config = config;
    }

    Scene sample(SplittableRandom rng) {
        int size = config.imageSize();
        double n = config.noiseLevel();
        long backgroundSeed = rng.nextLong();
        Scene.Lighting lighting = new Scene.Lighting(n * 35 * sym(rng), 1 + n * 0.3 * sym(rng),
                1 + n * 0.12 * sym(rng), 1 + n * 0.12 * sym(rng), 1 + n * 0.12 * sym(rng));
        boolean blurred = rng.nextDouble() < 0.5;
        double blur = (0.3 + 0.9 * rng.nextDouble()) * n;
        double noise = 10 * n * rng.nextDouble();
        long noiseSeed = rng.nextLong();
        int labelled = config.minObjects() + rng.nextInt(config.maxObjects() - config.minObjects() + 1);
        int distractors = config.distractors() ? 1 + rng.nextInt(4) : 0;
        List<SceneObject> objects = new ArrayList<>(labelled + distractors);
        double minLength = config.minLength() / 320; // fractions of the side, as the defaults always were
        double maxLength = config.maxLength() / 320;
        Distractor[] kinds = Distractor.values();
        for (int i = 0; i < labelled + distractors; i++) {
            double length = size * minLength * Math.exp(Math.log(maxLength / minLength) * rng.nextDouble());
            double[] centre = centre(objects, length, rng);
            if (i < labelled) {
                int category = rng.nextInt(config.classes().size());
                objects.add(labelledObject(category, config.classes().get(category), length, centre, rng));
            } else {
                objects.add(distractor(kinds[rng.nextInt(kinds.length)], length, centre, rng));
            }
        }
        for (int i = objects.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            objects.set(i, objects.set(j, objects.get(i)));
        }
        return new Scene(size, backgroundSeed, objects, lighting, blurred ? blur : 0, noise, noiseSeed);
    }

    /** Uniform in -1..1. */
    private static double sym(SplittableRandom rng) {
        return 2 * rng.nextDouble() - 1;
    }

    private double[] centre(List<SceneObject> placed, double length, SplittableRandom rng) {
        int size = config.imageSize();
        double lo = 0.05 * size;
        double hi = 0.95 * size;
        if (!placed.isEmpty() && rng.nextDouble() < NEIGHBOUR_PROBABILITY) {
            SceneObject anchor = placed.get(rng.nextInt(placed.size()));
            double direction = 2 * Math.PI * rng.nextDouble();
            double distance = (anchor.length() + length) / 2 * (0.3 + 0.5 * rng.nextDouble());
            return new double[] {clamp(anchor.cx() + Math.cos(direction) * distance, lo, hi),
                clamp(anchor.cy() + Math.sin(direction) * distance, lo, hi)};
        }
        return new double[] {lo + (hi - lo) * rng.nextDouble(), lo + (hi - lo) * rng.nextDouble()};
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static SceneObject labelledObject(int category, SynthClass cls, double length, double[] centre,
            SplittableRandom rng) {
        double h = length / cls.sampleAspect(rng);
        double angle = 2 * Math.PI * rng.nextDouble();
        Shape local = cls.outline(length, h, rng);
        Color base = cls.palette().get(rng.nextInt(cls.palette().size())).sample(rng);
        Fill.Style style = cls == SynthClass.STRIPED_ELLIPSE ? Fill.Style.STRIPES : plainStyle(rng);
        Fill fill = fill(style, base, length, angle, rng);
        return new SceneObject(category, place(local, centre, angle), fill, centre[0], centre[1], length, angle);
    }

    private static SceneObject distractor(Distractor kind, double length, double[] centre, SplittableRandom rng) {
        double h = length / kind.sampleAspect(rng);
        double angle = 2 * Math.PI * rng.nextDouble();
        Shape local = kind.outline(length, h, rng);
        Fill fill = fill(plainStyle(rng), Hue.any(rng), length, angle, rng);
        return new SceneObject(-1, place(local, centre, angle), fill, centre[0], centre[1], length, angle);
    }

    private static Shape place(Shape local, double[] centre, double angle) {
        AffineTransform t = AffineTransform.getTranslateInstance(centre[0], centre[1]);
        t.rotate(angle);
        return t.createTransformedShape(local);
    }

    /** Solid 45%, gradient 35%, speckled 20%. */
    private static Fill.Style plainStyle(SplittableRandom rng) {
        double u = rng.nextDouble();
        return u < 0.45 ? Fill.Style.SOLID : u < 0.8 ? Fill.Style.GRADIENT : Fill.Style.SPECKLE;
    }

    /**
     * The texture colour is a darker or paler shade of the base; stripes run across the long axis (+-23 degrees)
     * with a period of 12% to 22% of the length (at least 3 px); 30% of the objects get an inner outline.
     */
    private static Fill fill(Fill.Style style, Color base, double length, double angle, SplittableRandom rng) {
        Color second = shade(base, rng);
        double stripeAngle = angle + Math.PI / 2 + (rng.nextDouble() - 0.5) * 0.8;
        double period = Math.max(3, length * (0.12 + 0.1 * rng.nextDouble()));
        long textureSeed = rng.nextLong();
        double outline = rng.nextDouble() < 0.3 ? Math.max(1, 0.04 * length) : 0;
        return new Fill(style, base, second, style == Fill.Style.STRIPES ? stripeAngle : angle, period, textureSeed,
                outline);
    }

    private static Color shade(Color base, SplittableRandom rng) {
        float[] hsb = Color.RGBtoHSB(base.getRed(), base.getGreen(), base.getBlue(), null);
        boolean darker = rng.nextDouble() < 0.5;
        double t = rng.nextDouble();
        if (darker) {
            return Color.getHSBColor(hsb[0], hsb[1], (float) (hsb[2] * (0.3 + 0.3 * t)));
        }
        return Color.getHSBColor(hsb[0], (float) (hsb[1] * (0.2 + 0.4 * t)), (float) Math.min(1, hsb[2] + 0.35));
    }
}
