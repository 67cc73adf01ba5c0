package dev.inlierq.quant;

import static dev.inlierq.quant.Checks.check;
import static dev.inlierq.quant.Checks.notNull;

import java.util.Arrays;

/**
 * Encodings of constant tensors (weights) computed directly from the values, one range per parameter of the
 * spec's granularity (per tensor, per channel, or per group in ONNX blocked layout), with no observer: the
 * statistic sees every value of its channel or group exactly ({@link RangeEstimator#estimate(float[],
 * QuantSpec)}).
 */
public final class WeightEncodings {
    private WeightEncodings() {
    }

    /** Ranges by {@code estimator} for each parameter, then {@link Encoding#fromRanges}. */
    public static Encoding compute(float[] w, long[] shape, QuantSpec spec, RangeEstimator estimator) {
        notNull(w, "weights");
        notNull(spec, "spec");
        notNull(estimator, "estimator");
        ParamLayout l = ParamLayout.of(spec.granularity(), shape);
        check(l.numel == w.length, "weights", l.numel + " values for shape " + Arrays.toString(shape), w.length);
        int[] sizes = new int[l.count];
        for (int i = 0; i < w.length; i++) {
            sizes[l.index(i)]++;
        }
        float[][] parts = new float[l.count][];
        for (int p = 0; p < l.count; p++) {
            parts[p] = new float[sizes[p]];
        }
        int[] fill = new int[l.count];
        for (int i = 0; i < w.length; i++) {
            int p = l.index(i);
            parts[p][fill[p]++] = w[i];
        }
        Range[] r = new Range[l.count];
        for (int p = 0; p < l.count; p++) {
            r[p] = estimator.estimate(parts[p], spec);
        }
        return Encoding.fromRanges(spec, r);
    }

    /** Exact min/max per parameter. */
    public static Encoding minMax(float[] w, long[] shape, QuantSpec spec) {
        return compute(w, shape, spec, new MinMaxEstimator());
    }

    /** Least squared error per parameter ({@link MseEstimator#DEFAULT}, exact over the values). */
    public static Encoding mse(float[] w, long[] shape, QuantSpec spec) {
        return compute(w, shape, spec, MseEstimator.DEFAULT);
    }
}
