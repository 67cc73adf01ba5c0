package dev.inlierq.synth;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One generated image before encoding (TYPE_INT_RGB), its labelled boxes in drawing order, and the number of
 * labelled-class objects drawn but not labelled because less than the configured fraction of them is visible.
 */
public record SynthImage(BufferedImage image, List<SynthBox> boxes, int hidden) {
    public SynthImage {
        boxes = List.copyOf(boxes);
    }
}
