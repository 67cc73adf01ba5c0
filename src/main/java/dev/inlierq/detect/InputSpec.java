package dev.inlierq.detect;

import static dev.inlierq.detect.InvalidSpecException.check;

import dev.inlierq.detect.image.ChannelOrder;
import dev.inlierq.detect.image.Interpolation;
import java.util.Arrays;
import java.util.Objects;

/**
 * How an image becomes the network input (spec section {@code input}).
 *
 * <p>The value fed to the network for channel {@code c} (in {@code channelOrder}) of 8-bit pixel
 * value {@code v} is {@code (v * scale - mean[c]) / std[c]}, computed in double and stored as float.
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
 * @param scale factor applied to the 8-bit value first, e.g. {@code 1/255} (files may write the
 *     fraction as a string); non-zero, default 1
 * @param mean three values subtracted after scaling, in {@code channelOrder}; default 0, 0, 0
 * @param std three non-zero divisors applied last, in {@code channelOrder}; default 1, 1, 1
 */
public record InputSpec(String name, int width, int height, InputLayout layout, ChannelOrder channelOrder,
        ResizeMode resize, Interpolation interpolation, int padValue, double scale, double[] mean, double[] std) {

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
    public float normalize(int c, int v) {
        return (float) ((v * scale - mean[c]) / std[c]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpec s && name.equals(s.name) && width == s.width && height == s.height
                && layout == s.layout && channelOrder == s.channelOrder && resize == s.resize
                && interpolation == s.interpolation && padValue == s.padValue
                && Double.compare(scale, s.scale) == 0 && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, width, height, layout, channelOrder, resize, interpolation, padValue, scale)
                * 31 * 31 + Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "InputSpec[name=" + name + ", " + width + "x" + height + " " + layout + " " + channelOrder
                + ", resize=" + resize + " " + interpolation + " pad " + padValue + ", scale=" + scale
                + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
