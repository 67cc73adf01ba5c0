package dev.inlierq.synth;

import java.util.List;

/**
 * Everything drawn in one image: the background (made from {@code backgroundSeed} by {@link BackgroundPainter}),
 * the objects bottom to top, and the degradations applied to the finished picture ({@link PixelEffects}).
 */
record Scene(int size, long backgroundSeed, List<SceneObject> objects, Lighting lighting, double blurSigma,
        double noiseSigma, long noiseSeed) {

    Scene {
        objects = List.copyOf(objects);
    }

    /**
     * A global lighting change: {@code v' = ((v - 128) * contrast + 128 + brightness) * gain[c]} per channel
     * {@code c} (red, green, blue), clamped to 0..255.
     */
    record Lighting(double brightness, double contrast, double gainRed, double gainGreen, double gainBlue) {
        static final Lighting NONE = new Lighting(0, 1, 1, 1, 1);
    }
}
