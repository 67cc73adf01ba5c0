package dev.inlierq.api;

import java.nio.file.Path;
import java.util.List;

/**
 * PNG overlays of InlierQ's inlier posterior: for each tensor in {@code tensors} (empty: the first, middle
 * and last quantized activation whose split did not fall back), on the first {@code images} calibration
 * images, written to {@code dir} as {@code <tensor>_<image>.png}; {@code dir} {@code null}: written nowhere,
 * only kept as thumbnails in the result ({@link Quantization.Result#overlays()}, for the HTML report).
 */
public record SaliencyOutput(Path dir, List<String> tensors, int images) {
    public SaliencyOutput {
        tensors = List.copyOf(tensors);
        if (images < 1) {
            throw new IllegalArgumentException("saliency images must be at least 1, got " + images);
        }
    }
}
