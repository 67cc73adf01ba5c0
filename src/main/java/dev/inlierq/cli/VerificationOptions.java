package dev.inlierq.cli;

import dev.inlierq.api.QuantizationConfig;
import picocli.CommandLine.Option;

/**
 * How {@code quantize} checks the file it writes (simulation against ONNX Runtime, per-tensor statistics); mixed
 * into {@link QuantizeCommand}.
 */
@Stage.Of(Stage.VERIFICATION)
final class VerificationOptions {
    @Option(names = "--check-images", defaultValue = "4",
            description = "Calibration images on which simulation and ONNX Runtime are compared. Default: ${DEFAULT-VALUE}.")
    int checkImages;

    @Option(names = "--stats-images", defaultValue = "8",
            description = "Calibration images for per-tensor clipping rate and SQNR. Default: ${DEFAULT-VALUE}.")
    int statsImages;

    /** Sets the settings on {@code b}. */
    void apply(QuantizationConfig.Builder b) {
        b.checkImages(checkImages).statsImages(statsImages);
    }
}
