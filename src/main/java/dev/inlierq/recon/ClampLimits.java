package dev.inlierq.recon;

import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import dev.inlierq.plan.Planner;
import dev.inlierq.quant.Encoding;
import java.util.Collection;

/**
 * What a learned activation encoding must keep so that ONNX Runtime can still drop the clamp in front of it.
 *
 * <p>A quantizer on the output of a clamp at zero (a Relu, or a Clip with lower bound 0: ReLU6, the gate of a
 * hard-swish) makes the clamp redundant when every value it can represent lies inside the clamp's range; ONNX
 * Runtime then removes the clamp and fuses the producer with the quantizer (one QLinearConv instead of a float
 * convolution with its clamp, {@link Planner#absorbedByClamp}). For an encoding with step s and zero point z on
 * the grid [qmin, qmax], the representable range is [s (qmin - z), s (qmax - z)]. Learned step sizes (LSQ) and
 * zero points (LSQ+) may leave that range: a gate clamped to [0, 1] whose step grows from 1/255 to 1.06/255
 * represents 1.06, so the Clip stays and its convolution runs in float. Hence: the zero point of a clamp's
 * quantizer is not learned (it stays at qmin, where the lower bound 0 is), and its step size is capped at the
 * largest s with {@code s (qmax - z) <= upper bound} in float arithmetic.
 */
final class ClampLimits {
    private ClampLimits() {
    }

    /** True when a member of the group is the output of a clamp at zero (its zero point must stay). */
    static boolean clamped(Graph g, Collection<String> members) {
        return members.stream().anyMatch(v -> clampOf(g, v) != null);
    }

    /**
     * The largest step size that keeps the encoding inside the upper bound of every Clip among the group's
     * producers, or null when none bounds it (Relu only, or an encoding already beyond a bound: calibration
     * decided that, and the cap would move it).
     */
    static Float maxScale(Graph g, Collection<String> members, Encoding e) {
        float levels = e.qmax() - e.zeroPoint(0);
        Float cap = null;
        for (String v : members) {
            Node clip = clampOf(g, v);
            if (clip == null || clip.op() != OpType.Clip || levels <= 0) {
                continue;
            }
            float hi = OpParams.clipBounds(clip, g)[1];
            if (!Float.isFinite(hi)) {
                continue;
            }
            float s = hi / levels;
            while (s * levels > hi) {
                s = Math.nextDown(s);
            }
            cap = cap == null ? s : Math.min(cap, s);
        }
        return cap != null && e.scale(0) <= cap ? cap : null;
    }

    private static Node clampOf(Graph g, String v) {
        Node p = g.producer(v);
        return p != null && Planner.isClampAtZero(p, g) ? p : null;
    }
}
