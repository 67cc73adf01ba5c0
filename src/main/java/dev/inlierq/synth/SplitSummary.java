package dev.inlierq.synth;

import java.util.Map;

/**
 * What one split of a generation holds: its image count, labelled boxes, objects of labelled classes left
 * unlabelled because too little of them is visible ({@code hidden}), and the boxes per class name (in category
 * order).
 */
public record SplitSummary(Split split, int images, int boxes, int hidden, Map<String, Integer> boxesPerClass) {
    public SplitSummary {
        boxesPerClass = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(boxesPerClass));
    }

    /** Mean labelled boxes per image (0 for an empty split). */
    public double boxesPerImage() {
        return images == 0 ? 0 : (double) boxes / images;
    }
}
