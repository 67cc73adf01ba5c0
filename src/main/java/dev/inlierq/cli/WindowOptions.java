package dev.inlierq.cli;

import dev.inlierq.recon.ReconstructionOptions;
import picocli.CommandLine.Option;

/**
 * The spatial-window options of {@code quantize} (issue 12, "cheaper steps"; see {@code recon.Windows}), mixed
 * into {@link ReconstructionCliOptions}.
 */
@Stage.Of(Stage.RECONSTRUCTION)
final class WindowOptions {
    @Option(names = "--window", description = "Reconstruction: each step runs a unit on crops and counts its loss on "
            + "a random N x N window of the unit's output per image (inside the crop's exact interior); 0 = whole "
            + "feature maps. Units without a crop under half their map keep whole maps (--json says why). Default: "
            + ReconstructionOptions.DEFAULT_WINDOW + ".")
    Integer window;

    @Option(names = "--window-batch", description = "Reconstruction with --window: images per step, one window each. "
            + "Default: --recon-batch.")
    Integer windowBatch;

    /** Sets the settings given on the command line. */
    void apply(ReconstructionOptions.Builder b) {
        if (window != null) {
            b.window(window);
        }
        if (windowBatch != null) {
            b.windowBatch(windowBatch);
        }
    }
}
