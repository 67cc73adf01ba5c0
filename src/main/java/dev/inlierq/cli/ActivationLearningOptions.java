package dev.inlierq.cli;

import dev.inlierq.recon.Decay;
import dev.inlierq.recon.ReconstructionOptions;
import picocli.CommandLine.Option;

/**
 * How reconstruction learns the activation encodings (issue 12, "4-bit activations that hold"): learned zero
 * points (LSQ+) and the schedule of the step-size and zero-point rates. Mixed into {@link ReconstructionCliOptions}.
 */
@Stage.Of(Stage.RECONSTRUCTION)
final class ActivationLearningOptions {
    @Option(names = "--lr-zero-point", description = "Reconstruction: Adam learning rate of the zero points of "
            + "asymmetric activations (LSQ+), in grid steps; 0 keeps the calibrated ones. Default: "
            + ReconstructionOptions.DEFAULT_LR_ZERO_POINT + ".")
    Float lrZeroPoint;

    @Option(names = "--lr-weight-scale", description = "Reconstruction: Adam learning rate of the log of weight "
            + "step sizes, learned with the rounding (a relative rate; 0 keeps the calibrated scales). Default: "
            + ReconstructionOptions.DEFAULT_LR_WEIGHT_SCALE + ".")
    Float lrWeightScale;

    @Option(names = "--activation-decay", converter = DecayConverter.class,
            description = "Reconstruction: schedule of the step-size and zero-point learning rates: constant or "
            + "cosine (annealed to 0 over each unit's steps). Default: constant.")
    Decay decay;

    /** Sets the settings given on the command line. */
    void apply(ReconstructionOptions.Builder b) {
        if (lrZeroPoint != null) {
            b.lrZeroPoint(lrZeroPoint);
        }
        if (lrWeightScale != null) {
            b.lrWeightScale(lrWeightScale);
        }
        if (decay != null) {
            b.activationDecay(decay);
        }
    }

    static final class DecayConverter extends Cli.LowerCaseEnum<Decay> {
        DecayConverter() {
            super(Decay.class, "decay");
        }
    }
}
