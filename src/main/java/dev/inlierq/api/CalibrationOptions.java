package dev.inlierq.api;

import dev.inlierq.calib.CalibrationSelection;
import java.util.Objects;

/**
 * Calibration settings of a {@link QuantizationConfig}: how many images of the folder and how they are chosen
 * ({@code selection}, by {@code seed}), how many per engine batch, the seed of every random choice (image choice,
 * GPTQ, reconstruction defaults) and the percentile of {@link Method#PERCENTILE}.
 */
public record CalibrationOptions(int images, CalibrationSelection selection, int batch, long seed,
        double percentile) {
    public CalibrationOptions {
        if (images < 1 || batch < 1) {
            throw new IllegalArgumentException("counts must be positive");
        }
        Objects.requireNonNull(selection, "selection");
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
        }
    }
}
