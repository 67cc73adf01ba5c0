package dev.inlierq.sensitivity;

import java.util.Locale;

/**
 * The operating point at which a weight tensor's quantization is scored ({@link Variant#WEIGHTS}); its rounding is
 * {@link WeightRounding}'s.
 */
public enum WeightScoring {
    /**
     * Quantized alone, the rest of the model float: the loss change of switching this one quantizer on. Cheap to
     * read and independent of the other layers, but blind to how errors from the other quantized layers combine
     * with this one's.
     */
    ALONE,
    /**
     * Leave-one-out from the quantized model: every planned weight quantized at its plan bits (rounded as
     * {@link WeightRounding} says), and the score is how much the loss change against the float model falls when
     * this one weight (with the biases its rounding changed) is restored to float. This is the first-order gain
     * of promoting it at the point where the others are quantized too, so it sees error accumulation through
     * depth and errors of different layers that add up or cancel (the leave-one-out counterpart of HAWQ-V3's
     * per-layer sensitivity, Yao et al., ICML 2021, which its integer program also treats as additive). The
     * float model is the reference in both cases; a weight restored to float stands in for one promoted to 8 bit.
     */
    MARGINAL;

    /** The name on the command line and in JSON ({@code alone}, {@code marginal}). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
