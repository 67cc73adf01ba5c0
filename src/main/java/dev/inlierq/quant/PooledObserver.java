package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;

import java.util.Arrays;
import java.util.List;

/**
 * Keeps one {@link ChannelState} per parameter over all batches: a {@link RunningMinMax} when the estimator
 * needs only extremes, else a {@link Histogram} (of {@code |x|} for symmetric specs, of {@code x} otherwise)
 * with a fixed number of bins. Memory is constant in the number of batches; the ranges do not depend on the
 * batching (the histogram is exactly batch-independent, see {@link Histogram}).
 */
public final class PooledObserver extends BatchCountingObserver {
    private ChannelState[] states;

    PooledObserver(QuantSpec spec, RangeEstimator estimator, int bins) {
        super(spec, estimator, bins);
        if (spec.granularity() instanceof Granularity.PerTensor) {
            states = new ChannelState[] {newState()};
        }
    }

    private ChannelState newState() {
        return estimator.needsHistogram() ? new Histogram(bins, spec.isSymmetric()) : new RunningMinMax();
    }

    @Override
    void record(float[] values, long[] shape) {
        long[] s = shape.length == 0 ? new long[] {values.length} : shape;
        long numel = ParamLayout.numel(s);
        check(numel == values.length, "observe", numel + " values for shape " + Arrays.toString(s), values.length);
        if (spec.granularity() instanceof Granularity.PerChannel pc) {
            observeChannels(values, s, pc.axis());
        } else {
            states[0].add(values);
        }
    }

    private void observeChannels(float[] values, long[] s, int axis) {
        check(axis < s.length, "observe", "a tensor of rank > " + axis + " for per-channel axis " + axis,
                "shape " + Arrays.toString(s));
        int channels = (int) s[axis];
        if (states == null) {
            check(channels >= 1, "observe", "at least one channel on axis " + axis, "shape " + Arrays.toString(s));
            states = new ChannelState[channels];
            for (int c = 0; c < channels; c++) {
                states[c] = newState();
            }
        }
        check(channels == states.length, "observe", states.length + " channels on axis " + axis,
                channels + " (shape " + Arrays.toString(s) + ")");
        int inner = 1;
        for (int i = axis + 1; i < s.length; i++) {
            inner = Math.multiplyExact(inner, (int) s[i]);
        }
        int outer = channels == 0 || inner == 0 ? 0 : values.length / (channels * inner);
        float[] buf = new float[outer * inner];
        for (int c = 0; c < channels; c++) {
            for (int o = 0; o < outer; o++) {
                System.arraycopy(values, (o * channels + c) * inner, buf, o * inner, inner);
            }
            states[c].add(buf);
        }
    }

    @Override
    Range[] rangesOfBatches() {
        Range[] r = new Range[states.length];
        for (int c = 0; c < r.length; c++) {
            r[c] = estimator.estimate(states[c], spec);
        }
        return r;
    }

    /** The per-parameter states (live views; do not modify). */
    public List<ChannelState> states() {
        return states == null ? List.of() : List.of(states);
    }
}
