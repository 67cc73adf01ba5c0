package dev.inlierq.cli;

import dev.inlierq.api.Method;
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

    @Option(names = "--search-alpha", negatable = true,
            description = "Equalisation: choose each activation's strength (none, 0.25, 0.5, 0.75; depthwise 1) "
                    + "for the least estimated output error of the layers reading it at the run's bits, instead of "
                    + "--alpha. Default: on for the default 4-bit recipe (no --method), else off.")
    Boolean searchAlpha;

    /**
     * Sets the strength, the search when given (else the default recipe's when {@code defaultRecipe} is not null,
     * else off), and equalisation on or off when given (else the method's default).
     */
    void apply(QuantizationConfig.Builder b, Method.DefaultRecipe defaultRecipe) {
        b.alpha(alpha);
        b.searchAlpha(searchAlpha != null ? searchAlpha : defaultRecipe != null && defaultRecipe.searchAlpha());
        if (equalize != null) {
            b.equalize(equalize);
        }
    }
}
