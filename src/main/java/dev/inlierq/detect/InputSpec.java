package dev.inlierq.detect;

import static dev.inlierq.detect.InvalidSpecException.check;

import dev.inlierq.detect.image.ChannelOrder;
import dev.inlierq.detect.image.Interpolation;
import java.util.Arrays;
import java.util.Objects;

/**
 * How an image becomes the network input (spec section {@code input}): its size and resizing here, the pixel
 * values in {@link Normalization} (the section's {@code scale}, {@code mean} and {@code std} keys).
 *
 * @param name network input name (e.g. {@code images}); required
 * @param width network input width in pixels, 1..16384; required
 * @param height network input height in pixels, 1..16384; required
 * @param layout tensor layout; only {@code NCHW} (default)
 * @param channelOrder order of the three input planes, {@code RGB} or {@code BGR}; required
 * @param resize {@code LETTERBOX_TOP_LEFT}, {@code LETTERBOX_CENTER} or {@code STRETCH}; required
 * @param interpolation {@code LINEAR} (default; OpenCV INTER_LINEAR) or {@code NEAREST}
 * @param padValue 8-bit value (0..255) of every channel of the letterbox canvas, before scaling;
 *     default 114 (unused by {@code STRETCH})
 * @param normalization the network value of each 8-bit pixel value; default {@link Normalization#NONE}
 */
public record InputSpec(String name, int width, int height, InputLayout layout, ChannelOrder channelOrder,
        ResizeMode resize, Interpolation interpolation, int padValue, Normalization normalization) {

    /** Largest accepted input side. */
    public static final int MAX_SIDE = 16384;

    public InputSpec {
        check(name != null && !name.isBlank(), "name", "must name the model's image input");
        check(width >= 1 && width <= MAX_SIDE, "width", "must be in 1.." + MAX_SIDE + ", got " + width);
        check(height >= 1 && height <= MAX_SIDE, "height", "must be in 1.." + MAX_SIDE + ", got " + height);
        check(layout != null, "layout", "is required");
        check(channelOrder != null, "channelOrder", "is required");
        check(resize != null, "resize", "is required");
        check(interpolation != null, "interpolation", "is required");
        check(padValue >= 0 && padValue <= 255, "padValue", "must be in 0..255, got " + padValue);
        check(normalization != null, "normalization", "is required");
    }

    /** This spec with other pixel values (the other fields are already checked). */
    public InputSpec withNormalization(Normalization n) {
        return new InputSpec(name, width, height, layout, channelOrder, resize, interpolation, padValue, n);
    }

    /** The network value for 8-bit value {@code v} of channel {@code c}: {@link Normalization#apply}. */
    public float normalize(int c, int v) {
        return normalization.apply(c, v);
    }

    @Override
    public String toString() {
        return "InputSpec[name=" + name + ", " + width + "x" + height + " " + layout + " " + channelOrder
                + ", resize=" + resize + " " + interpolation + " pad " + padValue + ", " + normalization + "]";
    }

    /**
     * The value fed to the network for channel {@code c} (in {@code channelOrder}) of 8-bit pixel value {@code v}:
     * {@code (v * scale - mean[c]) / std[c]}, computed in double and stored as float. Errors name the spec keys
     * ({@code scale}, {@code mean[2]}), which sit directly in the {@code input} section.
     *
     * @param scale factor applied to the 8-bit value first, e.g. {@code 1/255} (files may write the
     *     fraction as a string); non-zero, default 1
     * @param mean three values subtracted after scaling, in {@code channelOrder}; default 0, 0, 0
     * @param std three non-zero divisors applied last, in {@code channelOrder}; default 1, 1, 1
     */
    public record Normalization(double scale, double[] mean, double[] std) {
        /** The 8-bit values themselves: scale 1, mean 0, std 1 (the spec's defaults). */
        public static final Normalization NONE = new Normalization(1, new double[] {0, 0, 0}, new double[] {1, 1, 1});

        public Normalization {
            check(Double.isFinite(scale) && scale != 0, "scale", "must be a finite non-zero number, got " + scale);
            mean = checkTriple(mean, "mean", false);
            std = checkTriple(std, "std", true);
        }

        private static double[] checkTriple(double[] values, String field, boolean nonZero) {
            check(values != null && values.length == 3, field,
                    "needs exactly 3 values (one per channel), got " + (values == null ? 0 : values.length));
            for (int i = 0; i < 3; i++) {
                check(Double.isFinite(values[i]) && (!nonZero || values[i] != 0), field + "[" + i + "]",
                        "must be a finite" + (nonZero ? " non-zero" : "") + " number, got " + values[i]);
            }
            return values.clone();
        }

        @Override
        public double[] mean() {
            return mean.clone();
        }

        @Override
        public double[] std() {
            return std.clone();
        }

        /** The network value for 8-bit value {@code v} of channel {@code c}: {@code (v * scale - mean[c]) / std[c]}. */
        public float apply(int c, int v) {
            return (float) ((v * scale - mean[c]) / std[c]);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Normalization n && Double.compare(scale, n.scale) == 0 && Arrays.equals(mean, n.mean)
                    && Arrays.equals(std, n.std);
        }

        @Override
        public int hashCode() {
            return Objects.hash(scale) * 31 * 31 + Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
        }

        @Override
        public String toString() {
            return "scale=" + scale + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std);
        }
    }
}
