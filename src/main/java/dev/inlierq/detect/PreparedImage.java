package dev.inlierq.detect;

import dev.inlierq.tensor.FloatTensor;
import java.util.Objects;

/**
 * One pre-processed image: the network input and what is needed to map detections back.
 *
 * @param tensor [1, 3, inH, inW] float input in the spec's channel order and normalisation
 * @param originalWidth width of the decoded image in pixels
 * @param originalHeight height of the decoded image in pixels
 * @param transform original pixels to network-input pixels
 */
public record PreparedImage(FloatTensor tensor, int originalWidth, int originalHeight, InputTransform transform) {

    public PreparedImage {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(transform, "transform");
        if (tensor.rank() != 4 || tensor.dim(0) != 1 || tensor.dim(1) != 3) {
            throw new IllegalArgumentException("expected a [1, 3, H, W] tensor, got " + tensor);
        }
        if (originalWidth <= 0 || originalHeight <= 0) {
            throw new IllegalArgumentException("original size must be positive, got " + originalWidth + "x"
                    + originalHeight);
        }
    }

    /** Network input width (the tensor's last axis). */
    public int inputWidth() {
        return (int) tensor.dim(3);
    }

    /** Network input height. */
    public int inputHeight() {
        return (int) tensor.dim(2);
    }
}
