package dev.inlierq.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.detect.decode.BoxFormat;
import dev.inlierq.detect.decode.BoxValues;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The box-regression term of the label-free task loss ({@code quantize --box-weight LAMBDA}): with it, the
 * gradients BRECQ's Fisher weights and InlierQ's volume saliency read also see the box outputs, which the score
 * heatmap does not reach. At 4-bit weights and 8-bit activations the boxes carry most of a detector's lost AP
 * (docs/experiments.md, stop 45: YOLOX-Nano's W4A8 file gains 2.5 AP with its box values put back to float, none
 * with its scores).
 *
 * <p>For a regression output {@code b} with a Gaussian likelihood the Fisher information is {@code J^T J}
 * ({@code J = db/dx}); one backward pass of {@code eps . b}, {@code eps} a Rademacher vector, has
 * {@code E[(J^T eps)^2] = diag(J^T J)}: the Monte-Carlo (sampled) Fisher of K-FAC (Martens and Grosse, "Optimizing
 * Neural Networks with Kronecker-factored Approximate Curvature", ICML 2015). The term is
 * <pre>    (LAMBDA / K) sum_n sum_{l in top-K(n)} sum_{j &lt; 4} eps[n, j, l] b[n, j, l] / s[n, l]</pre>
 * over each image's K locations of highest float score (the heatmap's maximum over classes), so only boxes the
 * detector reports weigh. {@code s} is 1 for a head's raw regression values and, for boxes decoded to pixels, the
 * box's own size {@code sqrt(w h)} (held constant, at least one pixel), so that a pixel counts as it moves the
 * IoU. The term's value is zero in expectation; only its gradient matters. The signs come from a fixed seed,
 * drawn in call order, so a run is deterministic.
 */
public final class BoxTerm {
    private final BoxValues values;
    private final float lambda;
    private final SplittableRandom random = new SplittableRandom(0x5eed);

    /**
     * @param values where the box values are
     * @param lambda the term's weight against the score loss, positive
     */
    public BoxTerm(BoxValues values, float lambda) {
        if (!(lambda > 0) || !Float.isFinite(lambda)) {
            throw new IllegalArgumentException("the box term's weight must be positive, got " + lambda);
        }
        this.values = java.util.Objects.requireNonNull(values, "values");
        this.lambda = lambda;
    }

    /** The term for heatmap {@code h [N, C, L]} of {@code outputs}, a scalar. */
    NDArray term(NDArray h, Map<String, NDArray> outputs, int k) {
        long[] s = h.getShape().getShape();
        int n = (int) s[0];
        int l = (int) s[2];
        try (NDArray b = boxValues(outputs, l)) {
            float[] eps = signs(h, n, l, Math.min(k, l), b);
            try (NDArray e = b.getManager().create(eps, new Shape(n, BoxValues.VALUES, l)); NDArray prod = b.mul(e)) {
                return prod.sum();
            }
        }
    }

    /**
     * Per image, how far {@code other}'s box values move from {@code reference}'s at the reference's top-K
     * locations ({@code h}, the reference's heatmap [N, C, L]):
     * <pre>    (LAMBDA / K) sum_{l in top-K(n)} sum_{j &lt; 4} |b'[n, j, l] - b[n, j, l]| / s[n, l]</pre>
     * with {@code s} as in the term (the reference box's size for pixel boxes, else 1): the box counterpart of
     * {@link TopKHeatmapLoss#shift}, for scoring a perturbed model against the float one.
     */
    float[] shift(NDArray h, Map<String, NDArray> reference, Map<String, NDArray> other, int k) {
        long[] s = h.getShape().getShape();
        int n = (int) s[0];
        int l = (int) s[2];
        int kk = Math.min(k, l);
        float[] ref;
        float[] moved;
        try (NDArray a = boxValues(reference, l); NDArray b = boxValues(other, l)) {
            ref = a.toFloatArray();
            moved = b.toFloatArray();
        }
        int[][] top = topLocations(h, n, l, kk);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int loc : top[i]) {
                double size = values.pixels() == null ? 1 : size(ref, i, loc, l);
                for (int j = 0; j < BoxValues.VALUES; j++) {
                    int at = (i * BoxValues.VALUES + j) * l + loc;
                    sum += Math.abs(moved[at] - ref[at]) / size;
                }
            }
            out[i] = (float) (sum * lambda / kk);
        }
        return out;
    }

    /** The box values of {@code outputs} as [N, 4, L], checked against the heatmap's {@code l} locations. */
    private NDArray boxValues(Map<String, NDArray> outputs, int l) {
        NDArray out = outputs.get(values.output());
        if (out == null) {
            throw new IllegalArgumentException("the box term reads output '" + values.output() + "', outputs are "
                    + outputs.keySet());
        }
        try (NDArray view = HeatmapBuilder.channelsByLocation(out, values.layout(), 1, values.sampleRows())) {
            NDArray b = view.get(new NDIndex().addAllDim().addSliceDim(values.firstChannel(),
                    values.firstChannel() + BoxValues.VALUES));
            if (b.getShape().get(1) != BoxValues.VALUES || b.getShape().get(2) != l) {
                Shape got = b.getShape();
                b.close();
                throw new IllegalArgumentException("the box values of output '" + values.output() + "' are "
                        + got + ", the heatmap has " + l + " locations");
            }
            return b;
        }
    }

    /** Each image's {@code kk} locations of highest score (the heatmap's maximum over classes), ties by index. */
    private static int[][] topLocations(NDArray h, int n, int l, int kk) {
        float[] top;
        try (NDArray mx = h.max(new int[] {1})) {
            top = mx.toFloatArray();
        }
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            int base = i * l;
            out[i] = IntStream.range(0, l).boxed()
                    .sorted(Comparator.comparingDouble((Integer j) -> -top[base + j]).thenComparingInt(j -> j))
                    .limit(kk).mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    /** {@code (LAMBDA / K) eps / s} at each image's top-K locations, 0 elsewhere, as [N, 4, L]. */
    private float[] signs(NDArray h, int n, int l, int kk, NDArray b) {
        int[][] top = topLocations(h, n, l, kk);
        float[] box = values.pixels() == null ? null : b.toFloatArray();
        float[] eps = new float[n * BoxValues.VALUES * l];
        for (int i = 0; i < n; i++) {
            for (int loc : top[i]) {
                float scale = lambda / kk / (box == null ? 1f : size(box, i, loc, l));
                for (int j = 0; j < BoxValues.VALUES; j++) {
                    eps[(i * BoxValues.VALUES + j) * l + loc] = random.nextBoolean() ? scale : -scale;
                }
            }
        }
        return eps;
    }

    /** {@code sqrt(w h)} of image {@code i}'s box at {@code loc}, at least 1 (values [N, 4, L] flat). */
    private float size(float[] box, int i, int loc, int l) {
        float[] v = new float[BoxValues.VALUES];
        for (int j = 0; j < v.length; j++) {
            v[j] = box[(i * BoxValues.VALUES + j) * l + loc];
        }
        boolean corners = values.pixels() == BoxFormat.XYXY;
        double w = corners ? v[2] - v[0] : v[2];
        double hh = corners ? v[3] - v[1] : v[3];
        return (float) Math.max(1.0, Math.sqrt(Math.max(0.0, w) * Math.max(0.0, hh)));
    }
}
