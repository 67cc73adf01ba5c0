package dev.inlierq.train;

import java.util.Arrays;

/**
 * The shape of the detector {@link CenterNetGraph} builds: input side, a stem, four backbone stages (strides 4, 8,
 * 16 and 32, each a strided depthwise-separable convolution followed by {@code depths[i]} residual blocks of
 * {@code widths[i]} channels), a top-down neck of {@code neckWidth} channels to stride 4, and two head trunks of
 * {@code headWidth} channels, with or without batch normalisation after its convolutions, with or without a heading
 * output and CenterPoint's 3D box outputs ({@link BoxHead}). Build one with {@link #builder()}.
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
 * @param boxHead the outputs of the box trunk beyond size and offset ({@link BoxHead})
 */
public record Architecture(int inputSize, int numClasses, int stemWidth, int[] widths, int[] depths, int expansion,
        int neckWidth, int headWidth, Norm norm, BoxHead boxHead) {
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

    /**
     * What the box trunk predicts beyond the axis-aligned box ({@code size}, {@code offset}); each output a 1x1
     * convolution on the trunk, drawn after every other layer ({@link CenterNetGraph}).
     */
    public enum BoxHead {
        /** Nothing more: the committed detectors. */
        HULL,
        /** A heading, {@code yaw} [N, 2, S/4, S/4]: (sin, cos), CenterPoint's rotation head. */
        YAW,
        /**
         * The heading and CenterPoint's 3D box: {@code yaw}, then {@code dim} [N, 3, S/4, S/4] (ln length, ln width
         * in input pixels, ln height in metres) and {@code z} [N, 1, S/4, S/4] (the centre's height in metres).
         */
        BOX3D
    }

    public Architecture {
        checkInputSize(inputSize);
        java.util.Objects.requireNonNull(boxHead, "boxHead");
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

    /** Whether the box trunk has the heading output {@code yaw} ({@link BoxHead#YAW} or {@link BoxHead#BOX3D}). */
    public boolean yaw() {
        return boxHead != BoxHead.HULL;
    }

    /** Whether the box trunk has the 3D outputs {@code dim} and {@code z} ({@link BoxHead#BOX3D}). */
    public boolean box3d() {
        return boxHead == BoxHead.BOX3D;
    }

    /** Side of the head outputs (input side / {@link #STRIDE}). */
    public int outputSize() {
        return inputSize / STRIDE;
    }

    public Builder toBuilder() {
        return new Builder().inputSize(inputSize).numClasses(numClasses).stemWidth(stemWidth).widths(widths)
                .depths(depths).expansion(expansion).neckWidth(neckWidth).headWidth(headWidth).norm(norm).yaw(yaw())
                .box3d(box3d());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Architecture a && inputSize == a.inputSize && numClasses == a.numClasses
                && stemWidth == a.stemWidth && Arrays.equals(widths, a.widths) && Arrays.equals(depths, a.depths)
                && expansion == a.expansion && neckWidth == a.neckWidth && headWidth == a.headWidth
                && norm == a.norm && boxHead == a.boxHead;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {inputSize, numClasses, stemWidth, expansion, neckWidth, headWidth})
                * 961 + Arrays.hashCode(widths) * 31 + Arrays.hashCode(depths) + norm.ordinal() * 29791
                + boxHead.ordinal() * 923521;
    }

    @Override
    public String toString() {
        return "Architecture[input " + inputSize + ", " + numClasses + " classes, stem " + stemWidth + ", widths "
                + Arrays.toString(widths) + ", depths " + Arrays.toString(depths) + ", expansion " + expansion
                + ", neck " + neckWidth + ", head " + headWidth + (norm == Norm.NONE ? "" : ", norm bn")
                + (yaw() ? ", yaw" : "") + (box3d() ? ", box3d" : "") + "]";
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
        private boolean box3d;

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

        /** CenterPoint's 3D box outputs, which bring the heading output too (default none). */
        public Builder box3d(boolean v) {
            box3d = v;
            return this;
        }

        public Architecture build() {
            BoxHead head = box3d ? BoxHead.BOX3D : yaw ? BoxHead.YAW : BoxHead.HULL;
            return new Architecture(inputSize, numClasses, stemWidth, widths, depths, expansion, neckWidth, headWidth,
                    norm, head);
        }
    }
}
