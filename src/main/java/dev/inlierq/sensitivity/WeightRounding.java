package dev.inlierq.sensitivity;

import java.util.Locale;

/**
 * How a weight tensor is rounded when it is scored alone ({@link Variant#WEIGHTS}): the codes the deployed model
 * would hold for it, with the rest of the model float.
 */
public enum WeightRounding {
    /** Round to nearest on the plan's grid (per-channel scales): what {@code quantize --start nearest} starts from. */
    NEAREST,
    /**
     * GPTQ's codes (Frantar et al., ICLR 2023, Algorithm 1; {@link dev.inlierq.rounding.GptqRounding}), rounded once
     * for the whole plan at its bits, with the encodings, Hessians (from the float network) and seed of
     * {@code quantize --start gptq}, and the layer's bias as GPTQ's bias correction leaves it. Weights GPTQ does not
     * round (not a 2-D convolution) keep nearest rounding, as in {@code quantize}.
     */
    GPTQ;

    /** The name on the command line and in JSON ({@code nearest}, {@code gptq}). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
