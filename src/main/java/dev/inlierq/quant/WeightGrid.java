package dev.inlierq.quant;

import java.util.Locale;

/**
 * The shape of each output channel's weight grid ({@code --weight-grid}): symmetric about zero, or affine with a
 * zero point of its own.
 *
 * <p>A symmetric grid spends its levels on {@code [-max|w|, max|w|]}; a channel whose weights lean to one side
 * (after batch-norm folding many do) leaves part of it unused. An affine grid fits {@code [min w, max w]} with a
 * per-channel zero point, which is what GPTQ's reference quantizer uses by default (Frantar et al., "GPTQ:
 * Accurate Post-Training Quantization for Generative Pre-trained Transformers", ICLR 2023; its {@code sym=False}
 * min-max quantizer). On the three shared models at 4 bits, each channel's clipping chosen for least squared
 * error, the affine grid leaves 30-39% less weight error than the symmetric one (YOLOX-Nano 0.62% of the weights'
 * energy against 0.89%, PicoDet-XS 0.84% against 1.37%, FastestDet 0.87% against 1.34%;
 * {@code bench/tools/WeightGridError.java}, docs/methods.md).
 *
 * <p>Deployment: ONNX Runtime's QLinearConv takes one zero point for all channels of a weight, so the writer
 * stores an affine channel's codes re-centred on the container's symmetric zero point: {@code q - z} (int8) or
 * {@code q - z + 127} (narrow uint8), the same real values on the same scales. With at most 6 bits those codes
 * stay within {@code 2^6 - 1 = 63} of the zero point, where the AVX2 kernel's 16-bit pair sums cannot saturate
 * ({@link WeightType}); 7- and 8-bit layers therefore always keep the symmetric grid.
 */
public enum WeightGrid {
    /** Zero point fixed at the middle of the grid, range {@code [-max|w|, max|w|]} (ONNX Runtime's default). */
    SYMMETRIC,
    /** A zero point per output channel, range {@code [min(w, 0), max(w, 0)]}, for layers of 6 bits or fewer. */
    ASYMMETRIC,
    /** {@link #ASYMMETRIC} for layers of 4 bits or fewer, else {@link #SYMMETRIC}. */
    AUTO;

    /** The widest weights an affine grid is used for: re-centred codes stay within 63 of the zero point. */
    public static final int MAX_AFFINE_BITS = 6;

    /** Whether a layer whose weights get {@code bits} bits has an affine grid. */
    public boolean affine(int bits) {
        return switch (this) {
            case SYMMETRIC -> false;
            case ASYMMETRIC -> bits <= MAX_AFFINE_BITS;
            case AUTO -> bits <= 4;
        };
    }

    /** The name on the command line and in the file's metadata. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
