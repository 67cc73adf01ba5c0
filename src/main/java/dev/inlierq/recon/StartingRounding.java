package dev.inlierq.recon;

import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.quant.Encoding;
import dev.inlierq.rounding.GptqRounding;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where learned rounding starts when it does not start from the float weights: from another method's rounding,
 * GPTQ's ({@code --start gptq}, issue 12: "the starting rounding of AdaRound/BRECQ/QDrop/InlierQ").
 *
 * <p>AdaRound writes a weight's code as {@code floor(W / s) + h(V)}: it chooses between the two grid points
 * around {@code W / s} and starts from {@code h = frac(W / s)}, the float weight itself, whose hard rounding is
 * the nearest one. GPTQ's code {@code k} (in steps, {@code Q = s k}) may lie further from {@code W / s}: the error
 * compensation moves weights by more than a step. So the rounding is taken around an anchor {@code A} instead
 * of {@code W}: {@code floor(A / s) = b} with {@code k} one of {@code b, b + 1} (b = floor(W / s) when GPTQ
 * stayed within one step, so the choices are AdaRound's own), and {@code frac(A / s) = u}, the starting value
 * of {@code h}, on GPTQ's side of 1/2 (so the hard rounding at the start is GPTQ's):
 * <ul>
 *   <li>{@code u = U / s - b} from GPTQ's compensated weight {@code U} before rounding
 *       ({@link dev.inlierq.rounding.Gptq.Result#updated()}), kept within [0.01, 0.99] and on the side of
 *       {@code k}. The soft start is then GPTQ's second-order solution before its last rounding.
 * </ul>
 * The reconstruction's targets stay the float network's outputs; only the rounding variables start elsewhere.
 */
public final class StartingRounding {
    /** Smallest distance of the starting {@code h} from 0, 1 and the threshold 1/2. */
    static final float MARGIN = 0.01f;

    private StartingRounding() {
    }

    /**
     * A start: the anchors of the weights whose rounding starts elsewhere, and constants the quantized network
     * uses in place of the float graph's (the start's corrected biases), both by tensor name.
     */
    public record Start(Map<String, float[]> anchors, Map<String, float[]> constants) {
        /** AdaRound's own start: every rounding around its float weight, no constant replaced. */
        public static final Start NEAREST = new Start(Map.of(), Map.of());

        public Start {
            anchors = Map.copyOf(anchors);
            constants = Map.copyOf(constants);
        }
    }

    /**
     * The anchors of every weight in {@code rounded} (tensor name to its rounded values, on the grid of
     * {@code enc}), with the compensated weights {@code updated} of the same tensors.
     *
     * @param g the graph with the float weights
     */
    public static Map<String, float[]> anchors(Graph g, QuantPlan plan, Map<String, Encoding> enc,
            Map<String, float[]> rounded, Map<String, float[]> updated) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (QuantPoint p : plan.weights()) {
            float[] q = rounded.get(p.tensor());
            if (q == null || out.containsKey(p.tensor())) {
                continue;
            }
            ConstTensor w = g.constant(p.tensor());
            out.put(p.tensor(), anchor(w.floats(), q, updated.get(p.tensor()), w.shape(), enc.get(p.tensor())));
        }
        return out;
    }

    /**
     * The start at GPTQ's rounding and its corrected biases, from {@code r}'s rounded weights (read from its graph)
     * and compensated weights.
     *
     * @param g the graph with the float weights
     */
    public static Start fromGptq(Graph g, QuantPlan plan, Map<String, Encoding> enc, GptqRounding.Result r) {
        Map<String, float[]> rounded = new LinkedHashMap<>();
        for (String t : r.updated().keySet()) {
            rounded.put(t, r.graph().constant(t).floats());
        }
        return new Start(anchors(g, plan, enc, rounded, r.updated()), r.biases());
    }

    /**
     * Experiment switch {@code -Dinlierq.start.soft=D} (D in [0.01, 0.49]): the soft start at distance D from GPTQ's
     * code ({@code u = 1 - D} or {@code D}) instead of at its compensated weight; NaN (the default) when not set.
     */
    static float softDistance() {
        String v = System.getProperty("inlierq.start.soft");
        if (v == null) {
            return Float.NaN;
        }
        float d = Float.parseFloat(v);
        if (!(d >= MARGIN && d <= 0.5f - MARGIN)) {
            throw new IllegalArgumentException("inlierq.start.soft must lie in [0.01, 0.49], got " + v);
        }
        return d;
    }

    /** The anchor of one tensor, each element on the grid of its channel. */
    static float[] anchor(float[] w, float[] q, float[] updated, long[] shape, Encoding e) {
        return anchor(w, q, updated, shape, e, softDistance());
    }

    /** {@link #anchor(float[], float[], float[], long[], Encoding)} with the soft start at {@code soft} (NaN: U). */
    static float[] anchor(float[] w, float[] q, float[] updated, long[] shape, Encoding e, float soft) {
        float[] a = new float[w.length];
        int[] channel = e.parameterIndices(w.length, shape);
        for (int i = 0; i < w.length; i++) {
            double s = e.scale(channel[i]);
            long f = (long) Math.floor(w[i] / s);
            long k = Math.round(q[i] / s);
            long b = k == f || k == f + 1 ? f : k > f + 1 ? k - 1 : k;
            double u = Float.isNaN(soft) ? updated[i] / s - b : k == b + 1 ? 1 - soft : soft;
            u = k == b + 1 ? Math.max(u, 0.5 + MARGIN) : Math.min(u, 0.5 - MARGIN);
            u = Math.min(1 - MARGIN, Math.max(MARGIN, u));
            a[i] = (float) (s * (b + u));
        }
        return a;
    }
}
