package dev.inlierq.rounding;

import java.util.Locale;

/**
 * The per-channel weight scales GPTQ rounds onto ({@code --gptq-scales}).
 *
 * <p>A 4-bit grid has 16 levels, so where the last one sits (the clipping factor of the channel's range) decides
 * most of the error. The least squared error of the weights themselves ({@link #MSE}) ignores two things GPTQ's
 * objective has: the inputs (a weight on a large, correlated input costs more than one on a rare input) and the
 * error compensation (GPTQ spreads a clipped weight's error over the columns not yet rounded, so clipping costs
 * less than it does under nearest rounding). {@link #SEARCHED} chooses each channel's scale for the output error
 * GPTQ actually leaves: the row is rounded by GPTQ on every candidate grid, and the one of least loss
 * {@code sum_i (u_i - q_i)^2 / [H^-1]_ii} (Frantar and Alistarh, "Optimal Brain Compression", NeurIPS 2022, eq. 3,
 * summed over the row's columns) is kept. Clipping-range search by grid is the white paper's MSE range setting
 * (Nagel et al., 2021, section 3.3) with GPTQ's output error in place of the weight error.
 */
public enum GptqScales {
    /** The calibrated scales: least squared error of each channel's weights ({@code MseEstimator}). */
    MSE,
    /**
     * Each channel's scale searched for GPTQ's output error: the calibrated grid and the grids of the channel's
     * range {@code [min(w, 0), max(w, 0)]} shrunk by {@code a = k / 50}, {@code k = 15..54} (0.30 to 1.08).
     * Measured at W4A8 with {@code --method gptq} (ONNX Runtime AP; docs/experiments.md, stop 24): seed 0, YOLOX-Nano
     * 22.98 with {@link #MSE} and 24.61 searched, PicoDet-XS 16.63 and 19.53, FastestDet 12.37 and 13.51; the
     * default 4-bit recipe over seeds 0-2 gains +0.29, -0.03 and +0.99 AP.
     */
    SEARCHED;

    /**
     * {@link #SEARCHED} for weights of 4 bits or fewer, where the clipping decides most of the error, else
     * {@link #MSE}: at 8 bits the 256-level grid leaves little to search, and the search costs 41 GPTQ passes.
     */
    public static GptqScales defaultFor(int weightBits) {
        return weightBits <= 4 ? SEARCHED : MSE;
    }

    /** The name on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
