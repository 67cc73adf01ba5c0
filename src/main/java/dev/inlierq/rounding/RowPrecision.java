package dev.inlierq.rounding;

import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Experiment (inlierq.mixed.rows): per-row weight bits inside a promoted tensor. */
public final class RowPrecision {
    /** Whether the experiment is on. */
    public static final boolean ENABLED = Boolean.getBoolean("inlierq.mixed.rows");
    /** Per weight tensor, GPTQ's per-row errors of the first (scoring) rounding. */
    public static final Map<String, double[]> ROW_ERRORS = new ConcurrentHashMap<>();
    /** Per weight tensor planned at 8 bits, the rows kept at {@link #lowBits}. */
    public static final Map<String, BitSet> LOW_ROWS = new ConcurrentHashMap<>();
    /** Per weight tensor, the summed squared task gradient of each output channel of its layer. */
    public static final Map<String, double[]> FISHER = new ConcurrentHashMap<>();
    /** One line: what the row choice promoted. */
    public static volatile String summary = "";
    /** The bits of the low rows. */
    public static volatile int lowBits = 4;

    private RowPrecision() {
    }

    /** The affine spec of a low row inside a tensor of {@code spec}. */
    public static dev.inlierq.quant.QuantSpec lowSpec(dev.inlierq.quant.QuantSpec spec) {
        return spec.withBits(lowBits).withSymmetry(dev.inlierq.quant.QuantSpec.Symmetry.ASYMMETRIC);
    }

    /** The min-max grid of row {@code r} of {@code w} ({@code d} columns) on {@code spec}. */
    public static dev.inlierq.quant.QuantGrid lowGrid(dev.inlierq.quant.QuantSpec spec, float[] w, int r, int d) {
        float lo = 0;
        float hi = 0;
        for (int j = 0; j < d; j++) {
            lo = Math.min(lo, w[r * d + j]);
            hi = Math.max(hi, w[r * d + j]);
        }
        return dev.inlierq.quant.QuantGrid.fromRange(spec, lo, hi);
    }
}
