package dev.inlierq.synth;

import java.awt.Shape;

/**
 * One object of a scene, in image coordinates: its outline, how it is painted, and its class. {@code category} is
 * the index of its class in {@link SynthConfig#classes()} (COCO id {@code category + 1}), or -1 for a distractor.
 * {@code cx, cy, length, angle} are the placement the outline was made with (centre, long side in pixels, rotation
 * in radians).
 */
record SceneObject(int category, Shape shape, Fill fill, double cx, double cy, double length, double angle) {

    boolean labelled() {
        return category >= 0;
    }
}
