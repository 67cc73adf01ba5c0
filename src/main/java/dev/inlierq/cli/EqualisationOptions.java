package dev.inlierq.cli;

import dev.inlierq.api.QuantizationConfig;
import picocli.CommandLine.Option;

/** SmoothQuant-style equalisation in {@code quantize}, mixed into {@link QuantizeCommand}. */
@Stage.Of(Stage.EQUALISATION)
final class EqualisationOptions {
    @Option(names = "--equalize", negatable = true,
            description = "Equalise activation channels into the next layers' weights (SmoothQuant-style); "
                    + "--no-equalize turns it off. Default: on for gptq and the reconstruction methods, off for the "
                    + "classic calibrators.")
    Boolean equalize;

    @Option(names = "--alpha", defaultValue = "0.5",
            description = "Equalisation strength for dense layers (0..1; depthwise layers always 1). Default: ${DEFAULT-VALUE}.")
    double alpha;

    /** Sets the strength, and equalisation on or off when given (else the method's default). */
    void apply(QuantizationConfig.Builder b) {
        b.alpha(alpha);
        if (equalize != null) {
            b.equalize(equalize);
        }
    }
}
