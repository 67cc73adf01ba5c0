package dev.inlierq.recon;

import java.util.Objects;

/**
 * Settings of {@link Reconstruction}, built with {@link #builder(Units.Kind)}: the unit is required, everything
 * else has the default documented on its setter (the papers' hyper-parameters with this tool's budget). A method's
 * recipe starts from {@code builder(...)}; the command line changes one setting with {@link #toBuilder()}.
 *
 * <pre>{@code
 * ReconstructionOptions o = ReconstructionOptions.builder(Units.Kind.BLOCK).iterations(200).seed(3).build();
 * ReconstructionOptions qdrop = o.toBuilder().dropProb(0.5f).build();
 * }</pre>
 */
public final class ReconstructionOptions {
    public static final int DEFAULT_ITERATIONS = 50;
    public static final int DEFAULT_BATCH = 8;
    public static final int DEFAULT_BLOCK_SIZE = 4;
    /** Adam rate of V: AdaRound and BRECQ's 1e-3 (over 20,000 steps) raised tenfold, to flip roundings in a few
     * hundred. */
    public static final float DEFAULT_LR_ROUNDING = 1e-2f;
    /** Adam rate of the log of step sizes, so relative: a step changes a scale by at most about 1%, whatever its
     * size. */
    public static final float DEFAULT_LR_SCALE = 1e-2f;
    /** Side of the output window each step's loss counts, in output pixels; 0: whole feature maps (BRECQ). */
    public static final int DEFAULT_WINDOW = 0;
    /** Adam learning rate of learned zero points (LSQ+), in integer steps of the grid; 0 keeps them. */
    public static final float DEFAULT_LR_ZERO_POINT = 0f;
    /** Adam learning rate of the log of weight step sizes ({@link WeightScales}), relative; 0 keeps them. */
    public static final float DEFAULT_LR_WEIGHT_SCALE = 0f;

    /** The rounding the rounding variables start from. */
    public enum Start {
        /** The float weights: soft start at W, hard start at nearest rounding (AdaRound's). */
        NEAREST,
        /** GPTQ's second-order rounding ({@link StartingRounding}). */
        GPTQ,
        /** GPTQ again per unit, on the quantized network's inputs for the float outputs ({@link SequentialGptq}). */
        GPTAQ,
        /** GPTQ again per unit, on the quantized network's inputs for the layer's own weights ({@link SequentialGptq}). */
        SEQUENTIAL;

        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Whether the start is a GPTQ rounding (of the whole network first, in every form but nearest). */
        public boolean fromGptq() {
            return this != NEAREST;
        }

        /** Whether each unit's layers are rounded again by GPTQ on the quantized network's inputs. */
        public boolean perUnit() {
            return this == GPTAQ || this == SEQUENTIAL;
        }
    }

    private final Units.Kind unit;
    private final Start start;
    private final int blockSize;
    private final int iterations;
    private final int batch;
    private final float lrRounding;
    private final float lrScale;
    private final float lambda;
    private final float betaStart;
    private final float betaEnd;
    private final float warmup;
    private final float dropProb;
    private final long seed;
    private final int window;
    private final int windowBatch;
    private final float lrZeroPoint;
    private final float lrWeightScale;
    private final Decay activationDecay;
    private final EarlyStopSettings earlyStop;
    private final boolean biasCorrection;
    private final boolean hessianSlopes;

    private ReconstructionOptions(Builder b) {
        this.unit = Objects.requireNonNull(b.unit, "unit");
        this.blockSize = b.blockSize;
        this.iterations = b.iterations;
        this.batch = b.batch;
        this.lrRounding = b.lrRounding;
        this.lrScale = b.lrScale;
        this.lambda = b.lambda;
        this.betaStart = b.betaStart;
        this.betaEnd = b.betaEnd;
        this.warmup = b.warmup;
        this.dropProb = b.dropProb;
        this.seed = b.seed;
        this.start = Objects.requireNonNull(b.start, "start");
        this.window = b.window;
        this.windowBatch = b.windowBatch;
        this.lrZeroPoint = b.lrZeroPoint;
        this.lrWeightScale = b.lrWeightScale;
        this.activationDecay = Objects.requireNonNull(b.activationDecay, "activation decay");
        this.earlyStop = Objects.requireNonNull(b.earlyStop, "early stop");
        this.biasCorrection = b.biasCorrection;
        this.hessianSlopes = b.hessianSlopes;
        if (!(lrZeroPoint >= 0 && lrWeightScale >= 0)) {
            throw new IllegalArgumentException("zero-point and weight-scale learning rates must be non-negative");
        }
        if (window < 0 || windowBatch < 0) {
            throw new IllegalArgumentException("window and window batch must be non-negative");
        }
        if (blockSize < 1 || iterations < 0 || batch < 1) {
            throw new IllegalArgumentException("block size and batch must be positive, iterations non-negative");
        }
        if (!(dropProb >= 0 && dropProb < 1) || !(warmup >= 0 && warmup < 1)) {
            throw new IllegalArgumentException("drop probability and warm-up must be in [0, 1)");
        }
        if (!(lrRounding >= 0 && lrScale >= 0 && lambda >= 0 && betaStart > 0 && betaEnd > 0)) {
            throw new IllegalArgumentException("learning rates, lambda and beta must be positive");
        }
    }

    /** The defaults for reconstruction unit by unit of the given kind. */
    public static Builder builder(Units.Kind unit) {
        return new Builder(unit);
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        Builder b = new Builder(unit);
        b.blockSize = blockSize;
        b.iterations = iterations;
        b.batch = batch;
        b.lrRounding = lrRounding;
        b.lrScale = lrScale;
        b.lambda = lambda;
        b.betaStart = betaStart;
        b.betaEnd = betaEnd;
        b.warmup = warmup;
        b.dropProb = dropProb;
        b.seed = seed;
        b.start = start;
        b.window = window;
        b.windowBatch = windowBatch;
        b.lrZeroPoint = lrZeroPoint;
        b.lrWeightScale = lrWeightScale;
        b.activationDecay = activationDecay;
        b.earlyStop = earlyStop;
        b.biasCorrection = biasCorrection;
        b.hessianSlopes = hessianSlopes;
        return b;
    }

    /** Reconstruction granularity. */
    public Units.Kind unit() {
        return unit;
    }

    /** At most this many quantized layers per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Optimisation steps per unit. */
    public int iterations() {
        return iterations;
    }

    /** Calibration samples per step. */
    public int batch() {
        return batch;
    }

    /** Adam learning rate of AdaRound's V (0 = keep the starting rounding). */
    public float lrRounding() {
        return lrRounding;
    }

    /** Adam learning rate of the log of activation step sizes, a relative rate (0 = keep the initial scales). */
    public float lrScale() {
        return lrScale;
    }

    /** Weight of the rounding regulariser. */
    public float lambda() {
        return lambda;
    }

    /** Regulariser exponent at the end of warm-up. */
    public float betaStart() {
        return betaStart;
    }

    /** Regulariser exponent at the last iteration. */
    public float betaEnd() {
        return betaEnd;
    }

    /** Fraction of iterations without regulariser. */
    public float warmup() {
        return warmup;
    }

    /** QDrop's probability of using the float value (0 = BRECQ/AdaRound). */
    public float dropProb() {
        return dropProb;
    }

    /** Where the rounding variables start. */
    public Start start() {
        return start;
    }

    /** Adam learning rate of learned zero points of asymmetric activations (LSQ+); 0: calibrated ones kept. */
    public float lrZeroPoint() {
        return lrZeroPoint;
    }

    /** Adam learning rate of the log of weight step sizes, relative (0: calibrated weight scales kept). */
    public float lrWeightScale() {
        return lrWeightScale;
    }

    /** The schedule of the step-size and zero-point learning rates. */
    public Decay activationDecay() {
        return activationDecay;
    }

    /** Sequential empirical bias correction after each unit ({@link OutputBias}). */
    public boolean biasCorrection() {
        return biasCorrection;
    }

    /** Whether the per-unit GPTQ Hessians ({@link Start#perUnit()}) weigh positions by activation slopes (rounding.ActivationSlopes). */
    public boolean hessianSlopes() {
        return hessianSlopes;
    }

    /** Early stopping on held-out calibration images ({@link EarlyStopSettings}); {@link EarlyStop#OFF} by default. */
    public EarlyStopSettings earlyStop() {
        return earlyStop;
    }

    /** Seeds batch sampling and drop masks. */
    public long seed() {
        return seed;
    }

    /**
     * Spatial windows ({@link Windows}): the side, in pixels of the unit's output, of the window each sampled
     * image contributes to a step's loss; the unit runs on the crop of its inputs that window needs (its
     * receptive-field halo). 0: whole feature maps.
     */
    public int window() {
        return window;
    }

    /**
     * With {@link #window()}: calibration images per step, one window each (at most the number of calibration
     * images). Defaults to {@link #batch()}.
     */
    public int windowBatch() {
        return windowBatch == 0 ? batch : windowBatch;
    }

    /** The settings as {@code key=value} pairs, for provenance and reports. */
    public String describe() {
        String s = String.format(java.util.Locale.ROOT,
                "unit=%s block_size=%d iterations=%d batch=%d lr_rounding=%g lr_scale=%g lambda=%g beta=%g..%g "
                + "warmup=%g drop_prob=%g start=%s", unit.cliName(), blockSize, iterations, batch, lrRounding, lrScale,
                lambda, betaStart, betaEnd, warmup, dropProb, start.cliName());
        s += lrZeroPoint > 0 ? String.format(java.util.Locale.ROOT, " lr_zero_point=%g", lrZeroPoint) : "";
        s += lrWeightScale > 0 ? String.format(java.util.Locale.ROOT, " lr_weight_scale=%g", lrWeightScale) : "";
        s += activationDecay != Decay.CONSTANT ? " activation_decay=" + activationDecay.cliName() : "";
        s += biasCorrection ? " bias_correction=true" : "";
        s += hessianSlopes ? " hessian=slopes" : "";
        s += earlyStop.describe(iterations);
        return window == 0 ? s : s + " window=" + window + " window_batch=" + windowBatch();
    }

    @Override
    public String toString() {
        return "ReconstructionOptions[" + describe() + " seed=" + seed + "]";
    }

    /** Builder of {@link ReconstructionOptions}; each setter documents its default. */
    public static final class Builder {
        private final Units.Kind unit;
        private int blockSize = DEFAULT_BLOCK_SIZE;
        private int iterations = DEFAULT_ITERATIONS;
        private int batch = DEFAULT_BATCH;
        private float lrRounding = DEFAULT_LR_ROUNDING;
        private float lrScale = DEFAULT_LR_SCALE;
        private float lambda = 0.01f;
        private float betaStart = 20f;
        private float betaEnd = 2f;
        private float warmup = 0.2f;
        private float dropProb;
        private long seed;
        private Start start = Start.NEAREST;
        private int window = DEFAULT_WINDOW;
        private int windowBatch;
        private float lrZeroPoint = DEFAULT_LR_ZERO_POINT;
        private float lrWeightScale = DEFAULT_LR_WEIGHT_SCALE;
        private Decay activationDecay = Decay.CONSTANT;
        private EarlyStopSettings earlyStop = EarlyStopSettings.OFF;
        private boolean biasCorrection;
        private boolean hessianSlopes;

        private Builder(Units.Kind unit) {
            this.unit = Objects.requireNonNull(unit, "unit");
        }

        /** Default {@value ReconstructionOptions#DEFAULT_BLOCK_SIZE}. */
        public Builder blockSize(int n) {
            blockSize = n;
            return this;
        }

        /** Default {@value ReconstructionOptions#DEFAULT_ITERATIONS}. */
        public Builder iterations(int n) {
            iterations = n;
            return this;
        }

        /** Default {@value ReconstructionOptions#DEFAULT_BATCH}. */
        public Builder batch(int n) {
            batch = n;
            return this;
        }

        /** Default {@value ReconstructionOptions#DEFAULT_LR_ROUNDING}. */
        public Builder lrRounding(float lr) {
            lrRounding = lr;
            return this;
        }

        /** Default {@value ReconstructionOptions#DEFAULT_LR_SCALE}. */
        public Builder lrScale(float lr) {
            lrScale = lr;
            return this;
        }

        /** Default 0.01 (AdaRound). */
        public Builder lambda(float l) {
            lambda = l;
            return this;
        }

        /** The regulariser exponent annealed from {@code start} to {@code end}; default 20 to 2 (AdaRound). */
        public Builder beta(float start, float end) {
            betaStart = start;
            betaEnd = end;
            return this;
        }

        /** Default 0.2 (AdaRound). */
        public Builder warmup(float fraction) {
            warmup = fraction;
            return this;
        }

        /** Default 0 (no drop); QDrop uses 0.5. */
        public Builder dropProb(float p) {
            dropProb = p;
            return this;
        }

        /** Default 0. */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** Default {@link Start#NEAREST}. */
        public Builder start(Start s) {
            start = s;
            return this;
        }

        /**
         * Output window side in pixels, 0 = whole maps; default {@value ReconstructionOptions#DEFAULT_WINDOW}.
         * See {@link ReconstructionOptions#window()}.
         */
        public Builder window(int pixels) {
            window = pixels;
            return this;
        }

        /** Images (one window each) per windowed step; default 0, the batch. */
        public Builder windowBatch(int n) {
            windowBatch = n;
            return this;
        }

        /** Default {@value ReconstructionOptions#DEFAULT_LR_ZERO_POINT} (zero points fixed). */
        public Builder lrZeroPoint(float lr) {
            lrZeroPoint = lr;
            return this;
        }

        /** Default {@value ReconstructionOptions#DEFAULT_LR_WEIGHT_SCALE} (weight scales fixed). */
        public Builder lrWeightScale(float lr) {
            lrWeightScale = lr;
            return this;
        }

        /** Default {@link Decay#CONSTANT}. */
        public Builder activationDecay(Decay d) {
            activationDecay = d;
            return this;
        }

        /** Default off; set from the run's {@code --hessian slopes}. See {@link ReconstructionOptions#hessianSlopes()}. */
        public Builder hessianSlopes(boolean on) {
            hessianSlopes = on;
            return this;
        }

        /** Default off. See {@link ReconstructionOptions#biasCorrection()}. */
        public Builder biasCorrection(boolean on) {
            biasCorrection = on;
            return this;
        }

        /** Default {@link EarlyStop#OFF}. */
        public Builder earlyStop(EarlyStopSettings e) {
            earlyStop = e;
            return this;
        }

        public ReconstructionOptions build() {
            return new ReconstructionOptions(this);
        }
    }
}
