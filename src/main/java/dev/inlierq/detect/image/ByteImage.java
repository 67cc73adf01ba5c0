package dev.inlierq.detect.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * An 8-bit, 3-channel image packed row-major and interleaved: the value of channel {@code c} of
 * pixel (x, y) is {@code pixels[(y * width + x) * 3 + c] & 0xFF}, with channels in {@link #order()}.
 * This is the layout of an OpenCV {@code CV_8UC3} Mat (H, W, 3). The array is owned by the image:
 * callers must not modify it after handing it over.
 */
public record ByteImage(int width, int height, ChannelOrder order, byte[] pixels) {

    public ByteImage {
        Objects.requireNonNull(order, "order");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != (long) width * height * 3) {
            throw new IllegalArgumentException(width + "x" + height + "x3 image needs " + (long) width * height * 3
                    + " bytes, got " + pixels.length);
        }
    }

    /** Channel {@code c} (in this image's order) of pixel (x, y), 0..255. */
    public int get(int x, int y, int c) {
        return pixels[(y * width + x) * 3 + c] & 0xFF;
    }

    /** This image with its channels in {@code target} order (this image itself when already so). */
    public ByteImage inOrder(ChannelOrder target) {
        if (target == order) {
            return this;
        }
        byte[] p = pixels.clone();
        for (int i = 0; i < p.length; i += 3) {
            byte t = p[i];
            p[i] = p[i + 2];
            p[i + 2] = t;
        }
        return new ByteImage(width, height, target, p);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteImage b && width == b.width && height == b.height && order == b.order
                && Arrays.equals(pixels, b.pixels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(width, height, order) * 31 + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "ByteImage[" + width + "x" + height + " " + order + "]";
    }
}
