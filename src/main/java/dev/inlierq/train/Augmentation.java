package dev.inlierq.train;

/**
 * What {@link Augmenter} does to a training image: horizontal and vertical flips (each with probability 1/2; the
 * synthetic shapes are drawn at any rotation, so a flipped scene is a scene the generator could draw), a colour
 * jitter (brightness shift up to {@code brightness} grey levels, contrast factor within {@code 1 +- contrast},
 * each channel's gain within {@code 1 +- channelGain}), and a JPEG round trip at quality 0.92 (the encoding of the
 * benchmark's files) with probability {@code jpeg}.
 */
public record Augmentation(boolean flips, double brightness, double contrast, double channelGain, double jpeg) {
    /** The settings of the committed detector. */
    public static final Augmentation DEFAULT = new Augmentation(true, 16, 0.15, 0.06, 0.5);
    /** Images as rendered. */
    public static final Augmentation NONE = new Augmentation(false, 0, 0, 0, 0);

    public Augmentation {
        if (!(brightness >= 0 && brightness <= 128 && contrast >= 0 && contrast < 1 && channelGain >= 0
                && channelGain < 1 && jpeg >= 0 && jpeg <= 1)) {
            throw new IllegalArgumentException("bad augmentation: brightness " + brightness + ", contrast "
                    + contrast + ", channel gain " + channelGain + ", jpeg " + jpeg);
        }
    }
}
