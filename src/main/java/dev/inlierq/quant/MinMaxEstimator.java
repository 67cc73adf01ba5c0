package dev.inlierq.quant;

/**
 * The observed extremes: {@code [min x, max x]} (ONNX Runtime's {@code MinMax} calibration). Needs only a
 * {@link RunningMinMax}; on a magnitude histogram, {@code [-max|x|, max|x|]}. Exact. Source: Jacob et al.,
 * "Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only Inference" (CVPR 2018).
 */
public record MinMaxEstimator() implements RangeEstimator {

    @Override
    public Range estimate(ChannelState state, QuantSpec spec) {
        if (state.isEmpty()) {
            return Range.ZERO;
        }
        if (state instanceof Histogram h && h.isMagnitude()) {
            return Range.symmetric((float) h.max());
        }
        return new Range((float) state.min(), (float) state.max());
    }

    @Override
    public Range estimate(float[] values, QuantSpec spec) {
        RunningMinMax r = new RunningMinMax();
        r.add(values);
        return estimate(r, spec);
    }

    @Override
    public boolean needsHistogram() {
        return false;
    }
}
