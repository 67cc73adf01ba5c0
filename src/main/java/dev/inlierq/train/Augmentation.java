package dev.inlierq.train;

/**
 * What {@link Augmenter} does to a training image: horizontal and vertical flips (each with probability 1/2; the
 * synthetic shapes are drawn at any rotation, so a flipped scene is a scene the generator could draw), a colour
 * jitter (brightness shift up to {@code brightness} grey levels, contrast factor within {@code 1 +- contrast},
 * each channel's gain within {@code 1 +- channelGain}), and a JPEG round trip at quality 0.92 (the encoding of the
 * benchmark's files) with probability {@code jpeg}; then, when {@code crop} is not 0, a square window of
 * {@code crop} input pixels at a uniformly drawn place of the network input ({@link SampleSource}).
 *
 * <p>The crop is the random-crop augmentation of SSD (Liu et al., "SSD: Single Shot MultiBox Detector", ECCV 2016)
 * without the rescaling: a fully convolutional detector sees the objects at the scale it is evaluated at, on a
 * window of {@code crop^2 / S^2} of the pixels, so a step costs about that fraction of the compute. A box cut by the
 * window is kept, clipped, when at least the generator's minimum visible fraction of it remains (the rule that
 * drops hidden objects from the benchmark's labels), and dropped otherwise.
 */
public record Augmentation(boolean flips, double brightness, double contrast, double channelGain, double jpeg,
        int crop) {
    /** The settings of the committed detector. */
    public static final Augmentation DEFAULT = new Augmentation(true, 16, 0.15, 0.06, 0.5, 0);
    /** Flips alone: for maps whose channels are measurements (LiDAR bird's-eye views), not colours. */
    public static final Augmentation FLIPS = new Augmentation(true, 0, 0, 0, 0, 0);
    /** Images as rendered. */
    public static final Augmentation NONE = new Augmentation(false, 0, 0, 0, 0, 0);

    public Augmentation {
        if (!(brightness >= 0 && brightness <= 128 && contrast >= 0 && contrast < 1 && channelGain >= 0
                && channelGain < 1 && jpeg >= 0 && jpeg <= 1 && crop >= 0 && crop % 32 == 0)) {
            throw new IllegalArgumentException("bad augmentation: brightness " + brightness + ", contrast "
                    + contrast + ", channel gain " + channelGain + ", jpeg " + jpeg + ", crop " + crop
                    + " (0 or a multiple of 32)");
        }
    }

    /** The same with training windows of {@code side} input pixels (0: the whole input). */
    public Augmentation withCrop(int side) {
        return new Augmentation(flips, brightness, contrast, channelGain, jpeg, side);
    }

    /** The side of the training inputs for a network of input side {@code inputSide}. */
    public int trainingSide(int inputSide) {
        if (crop > inputSide) {
            throw new IllegalArgumentException("the crop (" + crop + ") is larger than the input (" + inputSide + ")");
        }
        return crop == 0 ? inputSide : crop;
    }
}
