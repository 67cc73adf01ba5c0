package dev.inlierq.rounding;

import java.util.Locale;

/**
 * Where {@code --method gptq} takes each layer's inputs for its Hessian ({@code --gptq-inputs}).
 *
 * <p>GPTQ (Frantar et al., ICLR 2023) minimises {@code sum_p |(W - Q) x_p|^2} for each layer, with
 * {@code H = sum_p x_p x_p^T}. Which inputs {@code x_p} is a choice: those the float network gives the layer
 * ({@link #FLOAT}: every layer at once, one pass) or those it reads once the layers before it are quantized
 * ({@link #QUANTIZED}: layer after layer, as GPTQ's reference code does it, recon.SequentialGptq), which rounds each
 * layer for the inputs the deployed file gives it. {@link #ASYMMETRIC} takes the quantized network's inputs too,
 * and rounds each layer towards the float network's outputs instead of its own: it minimises
 * {@code sum_p |W x_p - Q q_p|^2} over the float inputs {@code x_p} and the quantized ones {@code q_p}, the
 * objective of asymmetric reconstruction (AdaRound's asymmetric form) in GPTQ's closed form (GPTAQ, Li et al.,
 * ICML 2025), so each layer also takes back the error the layers before it left.
 */
public enum GptqInputs {
    /** The float network's inputs, all layers in one pass. */
    FLOAT,
    /**
     * The inputs of the network quantized up to the layer: GPTQ of the whole network first (its grids), then each
     * layer rounded again in order by the reconstruction pass with no learning step ({@code --start sequential
     * --iters 0}). Measured at W4A8 (docs/experiments.md, stop 31).
     */
    QUANTIZED,
    /**
     * The inputs of the network quantized up to the layer, each layer rounded towards the float network's outputs
     * (GPTAQ's target, {@code --start gptaq --iters 0}, the rounding of {@code --method gptaq}; its Hessians
     * weighted by the activation's slopes unless {@code --hessian} says otherwise). Measured at W4A8
     * (docs/experiments.md, stop 35).
     */
    ASYMMETRIC;

    /**
     * {@link #ASYMMETRIC} for weights of 4 bits or fewer, where each layer's rounding error is large enough to
     * change what the next layer reads, else {@link #FLOAT} (the default W8A8 recipe, measured in that form). W4A8,
     * ONNX Runtime AP on the 206 val2017 images, seeds 0-2 (docs/experiments.md, stop 35): YOLOX-Nano 26.21 +- 0.12
     * asymmetric against 25.49 +- 0.34 {@link #QUANTIZED} (float 28.71), FastestDet 14.42 +- 0.11 against 14.99 +-
     * 0.36 (float 16.97): the asymmetric form is within 3 AP of float on both models and every seed, the
     * sequential one is not on YOLOX-Nano.
     */
    public static GptqInputs defaultFor(int weightBits) {
        return weightBits <= 4 ? ASYMMETRIC : FLOAT;
    }

    /**
     * {@code given}, or by default {@link #defaultFor} the weight bits, for {@code --method gptq}; {@code null} for
     * another method, which chooses where GPTQ's inputs come from with its start ({@code --start}).
     *
     * @throws IllegalArgumentException when given for another method
     */
    public static GptqInputs resolve(GptqInputs given, boolean methodIsGptq, int weightBits) {
        if (!methodIsGptq) {
            if (given != null) {
                throw new IllegalArgumentException("--gptq-inputs is --method gptq's; a reconstruction method "
                        + "starts from GPTQ on quantized inputs with --start sequential or gptaq");
            }
            return null;
        }
        return given != null ? given : defaultFor(weightBits);
    }

    /** The name on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
