package dev.inlierq.cli;

import dev.inlierq.api.QuantizationConfig;
import picocli.CommandLine.Option;

/** Which calibration images {@code quantize} reads and how it sets ranges from them; mixed into {@link QuantizeCommand}. */
@Stage.Of(Stage.CALIBRATION)
final class CalibrationOptions {
    @Option(names = "--num-calib", defaultValue = "64", description = "Calibration images, chosen by --seed. Default: ${DEFAULT-VALUE}.")
    int numCalib;

    @Option(names = "--batch", defaultValue = "8", description = "Calibration batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--percentile", defaultValue = "99.99", description = "Percentile for --method percentile. Default: ${DEFAULT-VALUE}.")
    double percentile;

    /** Sets the settings on {@code b}. */
    void apply(QuantizationConfig.Builder b) {
        b.calibImages(numCalib).percentile(percentile).batch(batch);
    }
}
