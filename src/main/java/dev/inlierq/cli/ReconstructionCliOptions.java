package dev.inlierq.cli;

import dev.inlierq.api.Method;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.recon.ReconstructionOptions;
import dev.inlierq.recon.Units;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The reconstruction options of {@code quantize} (units, budget, rates, loss; with the windows, activation learning
 * and early stopping of their own mixins), mixed into {@link QuantizeCommand}; they become the method's
 * {@link ReconstructionOptions} with the values given.
 */
@Stage.Of(Stage.RECONSTRUCTION)
final class ReconstructionCliOptions {
    @Option(names = "--iters", description = "Reconstruction: optimisation steps per unit. Default: "
            + ReconstructionOptions.DEFAULT_ITERATIONS + ".")
    Integer iters;

    @Option(names = "--recon-batch", description = "Reconstruction: calibration images per step. Default: "
            + ReconstructionOptions.DEFAULT_BATCH + ".")
    Integer reconBatch;

    @Mixin
    WindowOptions windows = new WindowOptions();
    @Mixin
    ActivationLearningOptions activationLearning = new ActivationLearningOptions();
    @Mixin
    EarlyStopOptions earlyStop = new EarlyStopOptions();

    @Option(names = "--unit", converter = UnitConverter.class,
            description = "Reconstruction unit: layer or block. Default: layer for adaround, block otherwise.")
    Units.Kind unit;

    @Option(names = "--block-size", description = "Reconstruction: at most this many layers per block. Default: "
            + ReconstructionOptions.DEFAULT_BLOCK_SIZE + "; " + Method.DEFAULT_WIDE_WEIGHT_INLIERQ_BLOCK
            + " for inlierq with weights above 4 bits and activations of 4 bits or fewer.")
    Integer blockSize;

    @Option(names = "--drop-prob", description = "QDrop: probability of keeping an activation in float while optimising. "
            + "Default: 0.5 for qdrop, and for inlierq at 4-bit activations or fewer; 0 otherwise.")
    Float dropProb;

    @Option(names = "--start", description = "Reconstruction: the rounding the learned rounding starts from: nearest "
            + "(the float weights, AdaRound's start), gptq (GPTQ's second-order rounding), gptaq (GPTQ again at "
            + "each unit, on the quantized network's inputs towards the float outputs) or sequential (the same "
            + "towards the layer's own weights). Default: nearest.",
            converter = StartConverter.class)
    ReconstructionOptions.Start start;

    @Option(names = "--lr-round", description = "Reconstruction: Adam learning rate of AdaRound's rounding variables; "
            + "0 keeps the starting rounding (the steps then compute with its codes). Default: "
            + ReconstructionOptions.DEFAULT_LR_ROUNDING + "; " + Method.DEFAULT_4BIT_LR_ROUNDING
            + " with weights or activations of 4 bits or fewer.")
    Float lrRound;

    @Option(names = "--lr-scale", description = "Reconstruction: Adam learning rate of the log of activation step sizes (LSQ), a relative rate. Default: " + ReconstructionOptions.DEFAULT_LR_SCALE + ".")
    Float lrScale;

    @Option(names = "--lambda-round", description = "Reconstruction: weight of AdaRound's rounding regulariser. Default: 0.01.")
    Float lambdaRound;

    @Option(names = "--bias-correction", negatable = true, description = "Reconstruction: after each unit, set "
            + "the biases of its convolutions so that their mean output on the calibration images, fed by the "
            + "quantized network, equals the float network's (sequential empirical bias correction); kept where the "
            + "unit's loss does not rise. Default: off.")
    Boolean biasCorrection;

    @Option(names = "--loss", converter = LossConverter.class, description = "Reconstruction loss: mse or fisher "
            + "(Fisher-weighted with the top-K heatmap loss). Default: fisher for brecq and inlierq, mse otherwise.")
    Loss loss;

    /** {@code --loss}: the reconstruction objective. */
    enum Loss {
        MSE, FISHER
    }

    /** Sets the loss when given (else the method's). */
    void apply(QuantizationConfig.Builder b) {
        if (loss != null) {
            b.fisherLoss(loss == Loss.FISHER);
        }
    }

    /**
     * Reconstruction settings: the defaults of {@code m} at these bits (of the default recipe for {@code wBits}
     * when no method was given) with the options given; {@code null} when {@code m} does not reconstruct. Another
     * {@code --unit} keeps the defaults' budget (start, steps, window, rounding rate) and drop probability. A bad
     * value is a usage error of {@code cl}.
     */
    ReconstructionOptions options(Method m, boolean methodGiven, int wBits, int aBits, long seed, CommandLine cl) {
        if (!m.reconstructs()) {
            return null;
        }
        ReconstructionOptions d = Method.reconstructionFor(methodGiven ? m : null, wBits, aBits, seed);
        Units.Kind kind = unit == null ? d.unit() : unit;
        try {
            ReconstructionOptions.Builder b = kind == d.unit() ? d.toBuilder()
                    : ReconstructionOptions.builder(kind).dropProb(d.dropProb()).seed(seed).start(d.start())
                    .iterations(d.iterations()).window(d.window()).lrRounding(d.lrRounding());
            if (blockSize != null) {
                b.blockSize(blockSize);
            }
            if (iters != null) {
                b.iterations(iters);
            }
            if (reconBatch != null) {
                b.batch(reconBatch);
            }
            if (lrRound != null) {
                b.lrRounding(lrRound);
            }
            if (lrScale != null) {
                b.lrScale(lrScale);
            }
            if (lambdaRound != null) {
                b.lambda(lambdaRound);
            }
            if (dropProb != null) {
                b.dropProb(dropProb);
            }
            if (start != null) {
                b.start(start);
            }
            if (biasCorrection != null) {
                b.biasCorrection(biasCorrection);
            }
            windows.apply(b);
            activationLearning.apply(b);
            earlyStop.apply(b);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /** {@code --unit}: layer or block. */
    static final class UnitConverter extends Cli.LowerCaseEnum<Units.Kind> {
        UnitConverter() {
            super(Units.Kind.class, "unit");
        }
    }

    /** {@code --start}: a lower-case name of {@link ReconstructionOptions.Start}. */
    static final class StartConverter extends Cli.LowerCaseEnum<ReconstructionOptions.Start> {
        StartConverter() {
            super(ReconstructionOptions.Start.class, "start");
        }
    }

    /** {@code --loss}: mse or fisher. */
    static final class LossConverter extends Cli.LowerCaseEnum<Loss> {
        LossConverter() {
            super(Loss.class, "loss");
        }
    }
}
