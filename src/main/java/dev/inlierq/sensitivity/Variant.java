package dev.inlierq.sensitivity;

import java.util.Locale;

/** What is quantized of one layer while the rest of the model stays float. */
public enum Variant {
    /**
     * The layer's weights only (per output channel, the method's scales, rounded as
     * {@link SensitivityOptions#rounding()} says).
     */
    WEIGHTS,
    /** The layer's input activation only (the calibrated range the quantize command would use). */
    ACTIVATIONS;

    /** The name on the command line and in JSON ({@code weights}, {@code activations}). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
