package dev.inlierq.synth;

/**
 * One labelled object of a synthetic image: its class and COCO category id, the box of its visible pixels in
 * COCO's convention ({@code x, y} top-left, {@code w, h} size, pixel units: the box covers pixels
 * {@code x..x+w-1}), the number of visible pixels ({@code area}) and the visible fraction of the whole object.
 */
public record SynthBox(SynthClass cls, int categoryId, int x, int y, int w, int h, int area,
        double visibleFraction) {
}
