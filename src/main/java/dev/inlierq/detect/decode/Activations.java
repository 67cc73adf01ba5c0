package dev.inlierq.detect.decode;

/** Scalar activations shared by the heads and the heatmap reference implementation. */
final class Activations {
    private Activations() {
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /** {@code x} when the graph already produced a probability, else its sigmoid. */
    static double probability(boolean decoded, double x) {
        return decoded ? x : sigmoid(x);
    }

    /** The activation a heatmap term applies to a family's probability channels. */
    static HeatmapRecipe.Activation of(boolean decoded, HeatmapRecipe.Activation raw) {
        return decoded ? HeatmapRecipe.Activation.NONE : raw;
    }

    /** An element-wise activation; SOFTMAX needs the whole channel range and is handled by the caller. */
    static double apply(HeatmapRecipe.Activation a, double x) {
        return switch (a) {
            case NONE -> x;
            case SIGMOID -> sigmoid(x);
            case SOFTMAX -> throw new IllegalArgumentException("SOFTMAX needs the whole channel range");
        };
    }
}
