package dev.inlierq.cli;

import dev.inlierq.api.Method;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.calib.CalibrationSelection;
import dev.inlierq.calib.DenseSelection;
import dev.inlierq.detect.Detection;
import picocli.CommandLine.Option;

/** Which calibration images {@code quantize} reads and how it sets ranges from them; mixed into {@link QuantizeCommand}. */
@Stage.Of(Stage.CALIBRATION)
final class CalibrationOptions {
    @Option(names = "--num-calib", defaultValue = "64", description = "Calibration images, chosen by --seed. Default: ${DEFAULT-VALUE}.")
    int numCalib;

    @Option(names = "--calib-select", paramLabel = "random|dense", converter = SelectionConverter.class,
            description = SELECT_HELP + " Default: dense for --method gptq with --w-bits " + Method.LOW_BITS
                    + " or fewer, else random.")
    CalibrationSelection selection;

    @Option(names = "--batch", defaultValue = "8", description = "Calibration batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--percentile", defaultValue = "99.99", description = "Percentile for --method percentile. Default: ${DEFAULT-VALUE}.")
    double percentile;

    /** Sets the settings on {@code b}. */
    void apply(QuantizationConfig.Builder b) {
        b.calibImages(numCalib).percentile(percentile).batch(batch);
        if (selection != null) {
            b.calibSelection(selection);
        }
    }

    /** The help of {@code --calib-select}, for quantize and analyze. */
    static final String SELECT_HELP = "How the --num-calib images are chosen from --calib: random (drawn by --seed) "
            + "or dense (the images on which the float model finds the most detections scoring "
            + Detection.CONFIDENT_SCORE + " or more, of up to " + DenseSelection.POOL_FACTOR
            + " times as many drawn by --seed: the whole folder when it holds no more; one float pass over them; "
            + "labels are never read).";

    /** {@code --calib-select}: random or dense. */
    static final class SelectionConverter extends Cli.LowerCaseEnum<CalibrationSelection> {
        SelectionConverter() {
            super(CalibrationSelection.class, "calibration selection");
        }
    }
}
