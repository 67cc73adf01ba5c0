package dev.inlierq.train;

import java.util.Arrays;

/**
 * The shape of the detector {@link CenterNetGraph} builds: input side, a stem, four backbone stages (strides 4, 8,
 * 16 and 32, each a strided depthwise-separable convolution followed by {@code depths[i]} residual blocks of
 * {@code widths[i]} channels), a top-down neck of {@code neckWidth} channels to stride 4, and two head trunks of
 * {@code headWidth} channels, with or without batch normalisation after its convolutions, with or without a heading
 * output. Build one with {@link #builder()}.
 *
 * @param inputSize square input side in pixels, a multiple of 32 (64 to 1024)
 * @param numClasses heatmap channels (classes), at least 1
 * @param stemWidth channels of the stride-2 stem convolution
 * @param widths channels of the four stages
 * @param depths residual blocks per stage (0 or more)
 * @param expansion channel expansion inside a residual block (its pointwise layers)
 * @param neckWidth channels of the neck
 * @param headWidth channels of each head trunk
 * @param norm normalisation after every convolution but the output ones (trained only: folded at export)
 * @param yaw whether the box trunk has a fourth output, {@code yaw} [N, 2, S/4, S/4]: each cell's heading as
 *            (sin, cos), CenterPoint's rotation head ({@link CenterNetGraph})
 */
public record Architecture(int inputSize, int numClasses, int stemWidth, int[] widths, int[] depths, int expansion,
        int neckWidth, int headWidth, Norm norm, boolean yaw) {
    /** Output stride of the heads. */
    public static final int STRIDE = 4;

    /** The normalisation layer the network trains with. */
    public enum Norm {
        /** None: Fixup-style initialisation only (the committed detector). */
        NONE,
        /**
         * Batch normalisation (Ioffe and Szegedy, ICML 2015) in training mode, folded into the convolutions with
         * its running statistics when the model is written ({@link CenterNetGraph}).
         */
        BN
    }

    public Architecture {
        checkInputSize(inputSize);
        require(numClasses >= 1, "at least one class");
        require(widths != null && widths.length == 4 && depths != null && depths.length == 4,
                "four stage widths and depths");
        java.util.Objects.requireNonNull(norm, "norm");
        widths = widths.clone();
        depths = depths.clone();
        require(stemWidth >= 1 && neckWidth >= 1 && headWidth >= 1 && expansion >= 1, "widths must be positive");
        for (int i = 0; i < 4; i++) {
            require(widths[i] >= 1 && depths[i] >= 0, "stage " + i + ": width >= 1 and depth >= 0");
        }
    }

    /**
     * Refuses an input side that is not a multiple of 32 (the deepest stride) in 64..1024.
     *
     * @throws IllegalArgumentException saying so
     */
    public static void checkInputSize(int side) {
        require(side >= 64 && side <= 1024 && side % 32 == 0, "input size must be a multiple of 32 in 64..1024, got "
                + side);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public int[] widths() {
        return widths.clone();
    }

    @Override
    public int[] depths() {
        return depths.clone();
    }

    /** Side of the head outputs (input side / {@link #STRIDE}). */
    public int outputSize() {
        return inputSize / STRIDE;
    }

    public Builder toBuilder() {
        return new Builder().inputSize(inputSize).numClasses(numClasses).stemWidth(stemWidth).widths(widths)
                .depths(depths).expansion(expansion).neckWidth(neckWidth).headWidth(headWidth).norm(norm).yaw(yaw);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Architecture a && inputSize == a.inputSize && numClasses == a.numClasses
                && stemWidth == a.stemWidth && Arrays.equals(widths, a.widths) && Arrays.equals(depths, a.depths)
                && expansion == a.expansion && neckWidth == a.neckWidth && headWidth == a.headWidth
                && norm == a.norm && yaw == a.yaw;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {inputSize, numClasses, stemWidth, expansion, neckWidth, headWidth})
                * 961 + Arrays.hashCode(widths) * 31 + Arrays.hashCode(depths) + norm.ordinal() * 29791
                + (yaw ? 923521 : 0);
    }

    @Override
    public String toString() {
        return "Architecture[input " + inputSize + ", " + numClasses + " classes, stem " + stemWidth + ", widths "
                + Arrays.toString(widths) + ", depths " + Arrays.toString(depths) + ", expansion " + expansion
                + ", neck " + neckWidth + ", head " + headWidth + (norm == Norm.NONE ? "" : ", norm bn") + (yaw ? ", yaw" : "")
                + "]";
    }

    /** Typed builder; the defaults are the committed demo detector's shape. */
    public static final class Builder {
        private int inputSize = 320;
        private int numClasses = 8;
        private int stemWidth = 16;
        private int[] widths = {24, 48, 96, 128};
        private int[] depths = {0, 2, 2, 1};
        private int expansion = 2;
        private int neckWidth = 32;
        private int headWidth = 32;
        private Norm norm = Norm.NONE;
        private boolean yaw;

        public Builder inputSize(int v) {
            inputSize = v;
            return this;
        }

        public Builder numClasses(int v) {
            numClasses = v;
            return this;
        }

        public Builder stemWidth(int v) {
            stemWidth = v;
            return this;
        }

        public Builder widths(int... v) {
            widths = v.clone();
            return this;
        }

        public Builder depths(int... v) {
            depths = v.clone();
            return this;
        }

        public Builder expansion(int v) {
            expansion = v;
            return this;
        }

        public Builder neckWidth(int v) {
            neckWidth = v;
            return this;
        }

        public Builder headWidth(int v) {
            headWidth = v;
            return this;
        }

        /** Normalisation (default none: the committed detector, byte for byte). */
        public Builder norm(Norm v) {
            norm = v;
            return this;
        }

        /** A heading output (default none: the committed detector, byte for byte). */
        public Builder yaw(boolean v) {
            yaw = v;
            return this;
        }

        public Architecture build() {
            return new Architecture(inputSize, numClasses, stemWidth, widths, depths, expansion, neckWidth, headWidth,
                    norm, yaw);
        }
    }
}
