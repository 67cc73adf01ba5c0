package dev.inlierq.api;

import dev.inlierq.calib.CalibrationSelection;
import dev.inlierq.plan.Placement;
import dev.inlierq.quant.RangeEstimation;
import dev.inlierq.recon.EarlyStopSettings;
import dev.inlierq.recon.Reconstruction;
import dev.inlierq.recon.ReconstructionOptions;
import dev.inlierq.recon.Units;
import dev.inlierq.rounding.GptqRounding;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Quantization methods, each a recipe: classic calibrators (how activation ranges are estimated), GPTQ
 * (closed-form second-order rounding of the weights, MSE ranges, see {@link GptqRounding}) and the reconstruction
 * methods (AdaRound, BRECQ, QDrop, InlierQ: learned rounding and step sizes, see {@link Reconstruction}). Each
 * constant says what it does (range estimation, weight scales, rounding, reconstruction unit, drop probability,
 * loss) and which placement and equalisation it uses unless told otherwise; {@link QuantizationConfig} resolves
 * its defaults from here.
 *
 * <p>Placement and equalisation defaults, measured (README): quantizers on layer inputs only and equalisation for
 * GPTQ and the reconstruction methods (the reconstruction papers' setting; GPTQ on YOLOX-Nano W4A8 22.43 AP on
 * layer inputs with equalisation against 14.35 on every activation without, PicoDet-XS 12.33 against 0.22,
 * FastestDet 11.70 against 13.05). At W4A4, BRECQ on YOLOX-Nano goes from 0.01 to 2.1 AP with equalisation, QDrop
 * on PicoDet-XS from 0.02 to 0.5; FastestDet (ReLU) loses 1-3 AP, hence {@code --no-equalize}. Equalising before
 * learned rounding is also AIMET's recommended order (CLE, then AdaRound).
 */
public enum Method {
    /** Observed extremes. */
    MINMAX(recipe().ranges(p -> RangeEstimation.MIN_MAX)),
    /** A percentile of the pooled values (the configured percentile). */
    PERCENTILE(recipe().percentileRanges()),
    /** TensorRT's KL-divergence threshold. */
    ENTROPY(recipe().ranges(p -> RangeEstimation.ENTROPY)),
    /** Least squared error, for activation ranges and weight scales. */
    MSE(recipe().mse()),
    /**
     * MSE ranges and scales, GPTQ's rounding of the weights (with bias correction); at 4-bit weights each
     * channel's scale searched for GPTQ's output error ({@link dev.inlierq.rounding.GptqScales}) and each layer
     * rounded on the inputs of the network quantized up to it towards the float outputs, as {@link #GPTAQ} does
     * ({@link dev.inlierq.rounding.GptqInputs#ASYMMETRIC}).
     */
    GPTQ(recipe().mse().gptq().layerInputs().equalized()),
    /**
     * GPTQ with asymmetric calibration (GPTAQ, Li et al., ICML 2025): GPTQ's rounding of the whole network first,
     * then each layer rounded again, in order, on the quantized network's inputs towards the float outputs; run by
     * the reconstruction pass with no learning step ({@code --start gptaq --iters 0}, recon.SequentialGptq).
     */
    GPTAQ(recipe().reconstruction(Units.Kind.LAYER).startingAt(ReconstructionOptions.Start.GPTAQ, 0)),
    /** AdaRound: layer by layer with plain MSE. */
    ADAROUND(recipe().reconstruction(Units.Kind.LAYER)),
    /** BRECQ: block by block with the Fisher-weighted loss. */
    BRECQ(recipe().reconstruction(Units.Kind.BLOCK).fisherLoss()),
    /** QDrop: block by block with plain MSE and drop probability 0.5. */
    QDROP(recipe().reconstruction(Units.Kind.BLOCK).dropProb(0.5f)),
    /** InlierQ: as BRECQ, with its inlier-centric loss and inlier-only ranges. */
    INLIERQ(recipe().reconstruction(Units.Kind.BLOCK).fisherLoss().inlierCentric());

    private final DoubleFunction<RangeEstimation> ranges;
    private final boolean percentileRanges;
    private final boolean mseWeightScales;
    private final boolean gptqRounding;
    private final Units.Kind unit;
    private final float dropProb;
    private final boolean fisherLoss;
    private final boolean inlierCentric;
    private final Placement placement;
    private final boolean equalizes;
    private final ReconstructionOptions.Start start;
    private final Integer iterations;

    Method(Recipe r) {
        ranges = r.ranges;
        percentileRanges = r.percentileRanges;
        mseWeightScales = r.mseWeightScales;
        gptqRounding = r.gptqRounding;
        unit = r.unit;
        dropProb = r.dropProb;
        fisherLoss = r.fisherLoss;
        inlierCentric = r.inlierCentric;
        placement = r.layerInputs ? Placement.LAYER_INPUTS : Placement.ALL_ACTIVATIONS;
        equalizes = r.equalizes;
        start = r.start;
        iterations = r.iterations;
    }

    /** The name on the command line ({@code --method}). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The name with its parameter, as written into the model's provenance: the percentile for
     * {@link #PERCENTILE}, nothing for the others.
     */
    public String describe(double percentile) {
        return cliName() + (percentileRanges ? " " + percentile : "");
    }

    /** How activation ranges are estimated ({@code percentile} is used by {@link #PERCENTILE} only). */
    public RangeEstimation rangeEstimation(double percentile) {
        return ranges.apply(percentile);
    }

    /** Whether weight scales minimise the squared error (else they cover the weights' extremes). */
    public boolean mseWeightScales() {
        return mseWeightScales;
    }

    /** Whether the weights are rounded by GPTQ. */
    public boolean gptqRounding() {
        return gptqRounding;
    }

    /** Whether the method learns rounding and step sizes by reconstruction. */
    public boolean reconstructs() {
        return unit != null;
    }

    /** The reconstruction unit ({@code null} when the method does not reconstruct). */
    public Units.Kind unit() {
        return unit;
    }

    /** QDrop's probability of keeping an activation in float while optimising (0: no drop). */
    public float dropProb() {
        return dropProb;
    }

    /** Whether the reconstruction loss is weighted by the diagonal Fisher of the top-K heatmap loss by default. */
    public boolean fisherLoss() {
        return fisherLoss;
    }

    /** Whether the method uses InlierQ's inlier split (inlier-only ranges, inlier-centric objective). */
    public boolean inlierCentric() {
        return inlierCentric;
    }

    /** Where activation quantizers go unless the user says otherwise (see the class comment). */
    public Placement placement() {
        return placement;
    }

    /** Whether equalisation is on unless the user says otherwise (see the class comment). */
    public boolean equalizes() {
        return equalizes;
    }

    /**
     * The reconstruction settings the method's paper uses, with this tool's iteration budget: the method's
     * unit and drop probability, every other setting at its {@link ReconstructionOptions.Builder} default.
     *
     * @throws IllegalStateException when the method does not reconstruct
     */
    public ReconstructionOptions reconstructionDefaults(long seed) {
        if (!reconstructs()) {
            throw new IllegalStateException(this + " does not reconstruct");
        }
        ReconstructionOptions.Builder b = ReconstructionOptions.builder(unit).dropProb(dropProb).seed(seed).start(start);
        return iterations == null ? b.build() : b.iterations(iterations).build();
    }

    /**
     * The reconstruction settings {@code --method} gives at these bits: {@link #reconstructionDefaults(long)}, and
     * when the weights or the activations have 4 bits or fewer, the 4-bit budget of issue 12 in place of the
     * 50 steps from nearest rounding on whole maps: GPTQ's rounding as the start, {@value #DEFAULT_4BIT_ITERATIONS}
     * steps per unit on {@value #DEFAULT_4BIT_WINDOW}-pixel windows at a rounding rate of
     * {@value #DEFAULT_4BIT_LR_ROUNDING}, whatever the unit, loss or drop probability, and InlierQ's drop
     * probability and block length at 4-bit activations ({@link #dropProb(int)}, {@link #blockSize(int, int)}).
     * Measured at W4A8 on YOLOX-Nano (seed 0, docs/results.md): BRECQ 13.86 AP at 50 steps, 23.98 at this budget;
     * QDrop 11.29 and 23.98; InlierQ 11.71 and 23.23. {@link #GPTAQ}, which learns nothing, keeps its own settings.
     *
     * @throws IllegalStateException when the method does not reconstruct
     */
    public ReconstructionOptions reconstructionDefaults(long seed, int weightBits, int activationBits) {
        ReconstructionOptions paper = reconstructionDefaults(seed);
        if (iterations != null || weightBits > LOW_BITS && activationBits > LOW_BITS) {
            return paper;
        }
        return paper.toBuilder().start(ReconstructionOptions.Start.GPTQ).iterations(DEFAULT_4BIT_ITERATIONS)
                .window(DEFAULT_4BIT_WINDOW).lrRounding(DEFAULT_4BIT_LR_ROUNDING).dropProb(dropProb(activationBits))
                .blockSize(blockSize(weightBits, activationBits)).build();
    }

    /**
     * The layers per reconstruction block the method takes at these bits:
     * {@link ReconstructionOptions#DEFAULT_BLOCK_SIZE}, except InlierQ with weights above {@value #LOW_BITS} bits and
     * activations of {@value #LOW_BITS} bits or fewer, which takes {@value #DEFAULT_WIDE_WEIGHT_INLIERQ_BLOCK}: the
     * learned step sizes of the 4-bit activations then see the errors of twice as many layers after them. ONNX
     * Runtime AP on the 206 val2017 images, W8A4, seeds 0-2 with blocks of 4 and of 8 (docs/experiments.md, stops
     * 42-43): YOLOX-Nano 13.00 +- 0.52 and 14.67 +- 0.41, PicoDet-XS 7.61 +- 0.49 and 8.36 +- 0.84, FastestDet
     * 11.06 +- 0.53 and 10.97 +- 0.45. With 4-bit weights the longer blocks lose (YOLOX-Nano W4A4, seeds 0-2:
     * 12.13 +- 0.79 with 4, 10.72 +- 1.41 with 8).
     */
    public int blockSize(int weightBits, int activationBits) {
        return inlierCentric && weightBits > LOW_BITS && activationBits <= LOW_BITS ? DEFAULT_WIDE_WEIGHT_INLIERQ_BLOCK
                : ReconstructionOptions.DEFAULT_BLOCK_SIZE;
    }

    /**
     * The drop probability the method takes at these activation bits: {@link #dropProb()}, except InlierQ at
     * {@value #LOW_BITS}-bit activations or fewer, which keeps activations in float with probability
     * {@value #DEFAULT_LOW_ACTIVATION_INLIERQ_DROP} as QDrop does.
     */
    public float dropProb(int activationBits) {
        return inlierCentric && activationBits <= LOW_BITS ? DEFAULT_LOW_ACTIVATION_INLIERQ_DROP : dropProb;
    }

    /**
     * The weight of the task loss's box term ({@link dev.inlierq.loss.BoxTerm}, {@code --box-weight}) the method
     * takes at these bits: {@value #DEFAULT_INLIERQ_BOX_WEIGHT} for InlierQ with weights of {@value #LOW_BITS} bits
     * or fewer and activations above, where the boxes carry much of the lost AP; else 0. ONNX Runtime AP on the
     * 206 val2017 images, W4A8, seeds 0-2 without and with it on a Zen 4 EPYC (docs/experiments.md, stops 45-46):
     * YOLOX-Nano 25.46 +- 0.02 and 26.20 +- 1.09, FastestDet 14.39 +- 0.20 and 15.54 +- 0.84, PicoDet-XS
     * 22.79 +- 0.48 and 22.48 +- 1.11 (its W4A8 loss is in the scores). With 4-bit activations it lost (YOLOX-Nano
     * seed 0: W8A4 14.96 to 14.24, W4A4 12.94 to 12.45).
     */
    public double boxWeight(int weightBits, int activationBits) {
        return inlierCentric && weightBits <= LOW_BITS && activationBits > LOW_BITS ? DEFAULT_INLIERQ_BOX_WEIGHT : 0;
    }

    /**
     * The reconstruction settings a run takes unless told otherwise: {@code given}'s at these bits
     * ({@link #reconstructionDefaults(long, int, int)}), or the default recipe's for the weight bits when no method
     * was given ({@code null}; {@link #defaultRecipe(int, long)}; above 4-bit weights with activations of
     * {@value #LOW_BITS} bits or fewer, its method's {@link #reconstructionDefaults(long, int, int)}, which start
     * from GPTQ's rounding too).
     */
    public static ReconstructionOptions reconstructionFor(Method given, int weightBits, int activationBits,
            long seed) {
        if (given != null) {
            return given.reconstructionDefaults(seed, weightBits, activationBits);
        }
        DefaultRecipe recipe = defaultRecipe(weightBits, seed);
        return weightBits > LOW_BITS && activationBits <= LOW_BITS
                ? recipe.method().reconstructionDefaults(seed, weightBits, activationBits) : recipe.reconstruction();
    }

    /**
     * The recipe used when no method is given, for weights of {@code weightBits}: the most accurate measured
     * within the time a user waits for (docs/results.md).
     * <ul>
     *   <li>above 4 bits, InlierQ started from GPTQ's rounding with early stopping on
     *       {@value #DEFAULT_8BIT_HOLDOUT} held-out images, from {@value #DEFAULT_8BIT_HOLDOUT_FROM} calibration images
     *       ({@code --method inlierq --start gptq --holdout 4}: GPTQ
     *       with equalisation on layer inputs, then up to {@value ReconstructionOptions#DEFAULT_ITERATIONS} steps per
     *       block of InlierQ's learned rounding and step sizes). W8A8 on a Zen 4 EPYC, seeds 0-2
     *       (docs/experiments.md, stop 53): COCO AP on the 206 val2017 images YOLOX-Nano 28.53 +- 0.24, PicoDet-XS
     *       25.24 +- 0.25, FastestDet 16.74 +- 0.17 (float 28.71 / 25.26 / 16.97; GPTQ alone 28.49, 25.11, 16.91),
     *       and centre-distance mAP of the two LiDAR BEV detectors (docs/lidar.md) 77.47 +- 1.68 and 75.99 +- 0.29
     *       against GPTQ's 75.25 and 75.47 (float 79.93 and 76.58), in 1-3 minutes each (68-180 s, 3.5-7.3 GB peak;
     *       GPTQ alone, {@code --method gptq}: 17-60 s, under 2 GB);
     *   <li>at 4 bits or fewer, AdaRound started from GPTQ's rounding ({@code --start gptq}) with
     *       {@value #DEFAULT_4BIT_ITERATIONS} steps per layer on {@value #DEFAULT_4BIT_WINDOW}-pixel windows at a
     *       rounding rate of {@value #DEFAULT_4BIT_LR_ROUNDING}, GPTQ's scales searched for its error, each
     *       activation's equalisation strength searched on the run's weight grid ({@code --search-alpha}) and
     *       affine 4-bit weight grids. W4A8, means over seeds 0-2 on a 2-core EPYC with AVX2 (docs/experiments.md,
     *       stop 28): the search moves FastestDet from 15.09 to 15.68 AP, PicoDet-XS from 23.31 to 23.18 and
     *       YOLOX-Nano from 26.32 to 26.05 (both within their seed spread), in 5-14 minutes each.
     * </ul>
     */
    public static DefaultRecipe defaultRecipe(int weightBits, long seed) {
        if (weightBits > LOW_BITS) {
            return new DefaultRecipe(INLIERQ, INLIERQ.reconstructionDefaults(seed).toBuilder()
                    .start(ReconstructionOptions.Start.GPTQ)
                    .earlyStop(EarlyStopSettings.holding(DEFAULT_8BIT_HOLDOUT).withHoldoutFrom(DEFAULT_8BIT_HOLDOUT_FROM))
                    .build(), false);
        }
        return new DefaultRecipe(ADAROUND, ADAROUND.reconstructionDefaults(seed, weightBits, 8), true);
    }

    /**
     * {@link #GPTQ} on the quantized network's inputs ({@link dev.inlierq.rounding.GptqInputs#QUANTIZED}): the
     * reconstruction pass over layer units with no learning step, each unit started from GPTQ again on its
     * quantized inputs towards its own weights ({@link ReconstructionOptions.Start#SEQUENTIAL}).
     */
    static ReconstructionOptions sequentialGptq(long seed) {
        return ReconstructionOptions.builder(Units.Kind.LAYER).start(ReconstructionOptions.Start.SEQUENTIAL)
                .iterations(0).seed(seed).build();
    }

    /**
     * InlierQ's drop probability at 4-bit activations (QDrop's dropping, Wei et al., ICLR 2022: each activation
     * of the unit kept in float with this probability at every step, on top of InlierQ's loss and ranges). ONNX
     * Runtime AP on the 206 val2017 images, seeds 0-2, without and with it (docs/experiments.md, stops 40-41):
     * W8A4 YOLOX-Nano 10.75 +- 0.32 and 13.00 +- 0.52, PicoDet-XS 3.97 +- 0.23 and 7.61 +- 0.49, FastestDet
     * 9.45 +- 0.17 and 11.07 +- 0.53 (QDrop: 11.83, 6.92, 10.75); W4A4 YOLOX-Nano 11.95 +- 0.92 and 12.13 +- 0.79,
     * FastestDet 9.47 +- 0.26 and 10.84 +- 0.84, PicoDet-XS 4.13 (seed 0) and 6.15 +- 0.12.
     */
    public static final float DEFAULT_LOW_ACTIVATION_INLIERQ_DROP = 0.5f;
    /** InlierQ's layers per block with weights above {@value #LOW_BITS} bits and activations at or below. */
    public static final int DEFAULT_WIDE_WEIGHT_INLIERQ_BLOCK = 8;
    /** InlierQ's box-term weight at 4-bit weights and wider activations ({@link #boxWeight(int, int)}). */
    public static final double DEFAULT_INLIERQ_BOX_WEIGHT = 1;
    /**
     * Calibration images the default 8-bit recipe holds out of each unit's steps to keep the state, GPTQ's start
     * included, whose loss on them is lowest ({@link EarlyStopSettings#holdout()}: early stopping; Prechelt,
     * "Early Stopping - But When?", 1998). On the sparse LiDAR BEV maps InlierQ's learned step sizes can overshoot
     * from GPTQ's start (seed 2: 74.09 centre-distance mAP with no step, 67.89 after 50 steps; docs/experiments.md,
     * stops 52-53); the held-out check keeps such a unit at its start.
     */
    public static final int DEFAULT_8BIT_HOLDOUT = 4;
    /** The fewest calibration images at which the default 8-bit recipe holds {@value #DEFAULT_8BIT_HOLDOUT} out. */
    public static final int DEFAULT_8BIT_HOLDOUT_FROM = 16;
    /** The bits at and below which the 4-bit recipe and budget apply. */
    public static final int LOW_BITS = 4;
    /** Steps per unit of the default 4-bit recipe. */
    public static final int DEFAULT_4BIT_ITERATIONS = 200;
    /** Window side (output pixels) of the default 4-bit recipe. */
    public static final int DEFAULT_4BIT_WINDOW = 32;
    /**
     * Adam rate of the rounding variables in the default 4-bit recipe. Adam moves a variable by at most about its
     * rate per step, and the rectified sigmoid needs |V| of about 2.4 to reach 0 or 1 from V = 0: at the methods'
     * default rate of 0.01, 200 steps cannot harden a rounding that starts near 1/2 (AdaRound's paper: 1e-3 over
     * 20,000 steps, a reach of 20). Measured on YOLOX-Nano W4A8 (seed 0): 0.01, 0.1, 0.3 and 1.0 give 24.32, 25.31,
     * 25.86 and 25.08 AP (docs/experiments.md, stop 23).
     */
    public static final float DEFAULT_4BIT_LR_ROUNDING = 0.3f;

    /**
     * A default recipe: the method and, for a reconstruction method, its settings (they differ from the
     * method's paper defaults, which {@code --method} alone gives).
     */
    public record DefaultRecipe(Method method, ReconstructionOptions reconstruction, boolean searchAlpha) {
    }

    /**
     * How the calibration images are chosen unless the user says: {@link CalibrationSelection#DENSE} for GPTQ's
     * rounding at {@value #LOW_BITS} bits or fewer, else {@link CalibrationSelection#RANDOM}. Measured (docs/experiments.md, stops
     * 46-49): with the densest 64 images GPTQ's W4A8 files no longer depend on the seed's draw (YOLOX-Nano's three
     * seeds within 0.08 AP, against 1.8 with drawn images), with means within the drawn sets' spread (YOLOX-Nano
     * -0.12, PicoDet-XS +0.66, FastestDet +0.36 AP); the learned methods and 8-bit weights keep the seed's draw.
     */
    public CalibrationSelection calibrationSelection(int weightBits) {
        return this == GPTQ && weightBits <= LOW_BITS ? CalibrationSelection.DENSE : CalibrationSelection.RANDOM;
    }

    /** The method of {@link #defaultRecipe(int, long)}. */
    public static Method defaultFor(int weightBits) {
        return defaultRecipe(weightBits, 0).method();
    }

    private static Recipe recipe() {
        return new Recipe();
    }

    /** What a constant is, written fluently where the constants are declared. */
    private static final class Recipe {
        private DoubleFunction<RangeEstimation> ranges;
        private boolean percentileRanges;
        private boolean mseWeightScales;
        private boolean gptqRounding;
        private Units.Kind unit;
        private float dropProb;
        private boolean fisherLoss;
        private boolean inlierCentric;
        private boolean layerInputs;
        private boolean equalizes;
        private ReconstructionOptions.Start start = ReconstructionOptions.Start.NEAREST;
        private Integer iterations;

        Recipe ranges(DoubleFunction<RangeEstimation> r) {
            ranges = r;
            return this;
        }

        Recipe percentileRanges() {
            percentileRanges = true;
            return ranges(RangeEstimation::percentile);
        }

        /** MSE ranges and MSE weight scales. */
        Recipe mse() {
            mseWeightScales = true;
            return ranges(p -> RangeEstimation.MSE);
        }

        Recipe gptq() {
            gptqRounding = true;
            return this;
        }

        Recipe layerInputs() {
            layerInputs = true;
            return this;
        }

        Recipe equalized() {
            equalizes = true;
            return this;
        }

        /** Reconstruction unit by unit, starting from MSE ranges and scales (as BRECQ and QDrop do). */
        Recipe reconstruction(Units.Kind kind) {
            unit = kind;
            return mse().layerInputs().equalized();
        }

        /** Reconstruction from {@code s} with {@code steps} steps per unit instead of the builder's defaults. */
        Recipe startingAt(ReconstructionOptions.Start s, int steps) {
            start = s;
            iterations = steps;
            return this;
        }

        Recipe dropProb(float p) {
            dropProb = p;
            return this;
        }

        Recipe fisherLoss() {
            fisherLoss = true;
            return this;
        }

        Recipe inlierCentric() {
            inlierCentric = true;
            return this;
        }
    }
}
