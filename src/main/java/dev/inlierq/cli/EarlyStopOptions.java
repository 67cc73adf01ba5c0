package dev.inlierq.cli;

import dev.inlierq.api.Method;
import dev.inlierq.recon.EarlyStopSettings;
import dev.inlierq.recon.ReconstructionOptions;
import picocli.CommandLine.Option;

/**
 * Early stopping of reconstruction on held-out calibration images (issue 12, "a budget that means convergence";
 * see {@code recon.EarlyStopping}), mixed into {@link ReconstructionCliOptions}.
 */
@Stage.Of(Stage.RECONSTRUCTION)
final class EarlyStopOptions {
    @Option(names = "--holdout", description = "Reconstruction: calibration images (chosen by --seed) that no step "
            + "samples; each unit is checked on them as deployed, stops when its loss there stops improving and "
            + "keeps its best checked state. 0 = off, every unit runs --iters steps. Default: "
            + EarlyStopSettings.DEFAULT_HOLDOUT + "; with no --method above 4-bit weights "
            + Method.DEFAULT_8BIT_HOLDOUT + " from " + Method.DEFAULT_8BIT_HOLDOUT_FROM + " calibration images.")
    Integer holdout;

    @Option(names = "--patience", description = "Reconstruction with --holdout: checks (every max(10, iters/20) "
            + "steps) without improvement before a unit stops. Default: " + EarlyStopSettings.DEFAULT_PATIENCE
            + ".")
    Integer patience;

    /** Sets the settings given on the command line. */
    void apply(ReconstructionOptions.Builder b) {
        EarlyStopSettings e = b.build().earlyStop();
        if (holdout != null) {
            e = e.withHoldout(holdout).withHoldoutFrom(0); // as asked, whatever the number of images
        }
        if (patience != null) {
            e = e.withPatience(patience);
        }
        b.earlyStop(e);
    }
}
