package dev.inlierq.calib;

import java.util.Locale;

/** How the calibration images are chosen from their folder ({@code quantize --calib-select}). */
public enum CalibrationSelection {
    /** Drawn by the seed ({@link CalibrationSet#choose}). */
    RANDOM,
    /** The images on which the float model finds the most confident detections ({@link DenseSelection}). */
    DENSE;

    /** The command-line spelling. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
