package dev.inlierq.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.detect.decode.HeatmapRecipe;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Experiment (switch {@code -Dinlierq.task.box=FIRST,COUNT,LAMBDA}, off by default): a box-regression term added
 * to the label-free task loss, so that the gradients BRECQ's Fisher weights and InlierQ's saliency read also see
 * the box outputs, which the score heatmap does not reach.
 *
 * <p>For a regression output {@code b} with a Gaussian likelihood the Fisher information is {@code J^T J}
 * ({@code J = db/dx}); one backward pass of {@code eps . b}, {@code eps} a Rademacher vector, has
 * {@code E[(J^T eps)^2] = diag(J^T J)}: the Monte-Carlo (sampled) Fisher of K-FAC (Martens and Grosse, ICML 2015).
 * The term is {@code (LAMBDA / K) sum_{l in top-K} sum_j eps[n, j, l] b[n, FIRST + j, l]} over each image's K
 * locations of highest float score (the heatmap's maximum over classes), so only boxes the detector reports
 * weigh. Its value is zero in expectation; only its gradient matters. Random signs come from a fixed seed, drawn
 * in call order, so a run is deterministic.
 */
final class BoxTerm {
    private static final String PROPERTY = "inlierq.task.box";

    private final HeatmapRecipe recipe;
    private final int first;
    private final int count;
    private final float lambda;
    private final SplittableRandom random = new SplittableRandom(0x5eed);

    private BoxTerm(HeatmapRecipe recipe, int first, int count, float lambda) {
        this.recipe = recipe;
        this.first = first;
        this.count = count;
        this.lambda = lambda;
    }

    /** The term the switch asks for, or null when it is not set. */
    static BoxTerm fromProperty(HeatmapRecipe recipe) {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return null;
        }
        String[] f = v.split(",");
        try {
            if (f.length != 3 || recipe.parts().size() != 1) {
                throw new NumberFormatException();
            }
            return new BoxTerm(recipe, Integer.parseInt(f[0].trim()), Integer.parseInt(f[1].trim()),
                    Float.parseFloat(f[2].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + " takes FIRST,COUNT,LAMBDA (a one-output heatmap), got "
                    + v);
        }
    }

    /** The term for heatmap {@code h [N, C, L]} of {@code outputs}, a scalar. */
    NDArray term(NDArray h, Map<String, NDArray> outputs, int k) {
        long[] s = h.getShape().getShape();
        int n = (int) s[0];
        int l = (int) s[2];
        int kk = Math.min(k, l);
        float[] top;
        try (NDArray mx = h.max(new int[] {1})) {
            top = mx.toFloatArray();
        }
        float[] eps = new float[n * count * l];
        for (int i = 0; i < n; i++) {
            int base = i * l;
            int[] order = IntStream.range(0, l).boxed()
                    .sorted(Comparator.comparingDouble((Integer j) -> -top[base + j]).thenComparingInt(j -> j))
                    .limit(kk).mapToInt(Integer::intValue).toArray();
            for (int loc : order) {
                for (int j = 0; j < count; j++) {
                    eps[(i * count + j) * l + loc] = (random.nextBoolean() ? lambda : -lambda) / kk;
                }
            }
        }
        HeatmapRecipe.Part p = recipe.parts().get(0);
        NDArray out = outputs.get(p.output());
        try (NDArray view = HeatmapBuilder.channelsByLocation(out, p.layout(), p.anchors(), p.sampleRows());
                NDArray b = view.get(new NDIndex().addAllDim().addSliceDim(first, first + count));
                NDArray e = b.getManager().create(eps, new Shape(n, count, l)); NDArray prod = b.mul(e)) {
            return prod.sum();
        }
    }
}
