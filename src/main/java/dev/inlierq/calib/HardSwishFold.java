package dev.inlierq.calib;

import dev.inlierq.graph.Attr;
import dev.inlierq.graph.Attributes;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import dev.inlierq.plan.Planner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Equalisation through a hard-swish, exactly and with integer kernels only: the per-channel factor of a
 * hard-swish output goes into the convolution in front of it, and the hard-swish's gate gets the factor back
 * from a 1x1 depthwise convolution.
 *
 * <p>Hard-swish (Howard et al., "Searching for MobileNetV3", ICCV 2019) as exported nets spell it is
 * {@code h(z) = z * clip(z + b, 0, u) / d} (b = 3, u = 6, d = 6). It is not positively homogeneous, so
 * cross-layer equalisation cannot pass a scale through it. But its two uses of z can be told apart: with the
 * producing convolution's output channel c divided by s_c, {@code z' = z / s},
 * <pre>  h(z) / s = z' * clip(s z' + b, 0, u) / d</pre>
 * so the linear factor reads z' and only the gate needs {@code s z' + b}, which one 1x1 depthwise convolution
 * (weight s_c, bias b per channel) computes, replacing the {@code Add}. Its output is read only by the
 * {@code Clip} at zero, whose quantizer it shares ({@link Planner#absorbedByClamp}): ONNX Runtime runs it as one
 * QLinearConv with output range [0, u], and its one weight per channel is exact on any per-channel grid. The
 * layers reading h(z) take s on their input channels, as in {@link Equalization}. After the rewrite every tensor
 * of the chain (z', the gate, h(z) / s) has channels of comparable range, which a per-tensor scale (the only
 * kind a fused QLinearConv output has) can hold; before it, one BN-folded outlier channel sets the step of all.
 * The final division by d goes into the gate as well, {@code h(z) / s = z' * clip((s z' + b) / d, 0, u / d)}, so
 * the product is the hard-swish's output and ONNX Runtime runs one QLinearMul per hard-swish instead of two.
 *
 * @param conv      the convolution in front, which takes 1/s on its output channels
 * @param add       the gate's {@code Add(z, b)}, replaced by the gate convolution
 * @param offset    b
 * @param scaleNode the division by d (a Div, or a Mul by 1/d) after the product, or null
 * @param divisor   d (1 without a division)
 */
record HardSwishFold(Node conv, Node add, float offset, Node scaleNode, float divisor) {
    /**
     * The fold for hard-swish output x, or null when x is not such a hard-swish of a foldable convolution
     * output: {@code Mul(z, Clip(Add(z, b), 0, u))}, optionally divided (Div) or multiplied (Mul) by a
     * constant scalar, z read by nothing else, z the output of a convolution {@link Equalization#foldTarget}
     * accepts, b a constant scalar.
     */
    static HardSwishFold match(Graph g, String x) {
        Node last = g.producer(x);
        if (last == null) {
            return null;
        }
        Node mul = last;
        Node scaleNode = null;
        float divisor = 1f;
        Float k = last.op() == OpType.Div || last.op() == OpType.Mul ? scalar(g, last.input(1)) : null;
        if (k != null && k != 0f) {
            mul = g.producer(last.input(0));
            if (mul == null || g.consumers(mul.output()).size() != 1 || g.isGraphOutput(mul.output())) {
                return null;
            }
            scaleNode = last;
            divisor = last.op() == OpType.Div ? k : 1f / k;
        }
        if (mul.op() != OpType.Mul || mul.inputs().size() != 2) {
            return null;
        }
        for (String z : mul.inputs()) {
            Gate gate = Gate.of(g, z);
            boolean exported = gate != null && gate.mul() == mul && gate.affine().op() == OpType.Add;
            Node conv = exported ? Equalization.foldTarget(g, z) : null;
            if (conv != null) {
                Node clip = g.consumers(gate.affine().output()).get(0);
                boolean boundsAsInputs = g.opset() >= 11 && clip.inputs().size() == 3 && !clip.input(2).isEmpty();
                return boundsAsInputs ? new HardSwishFold(conv, gate.affine(), -gate.floor()[0], scaleNode, divisor)
                        : new HardSwishFold(conv, gate.affine(), -gate.floor()[0], null, 1f);
            }
        }
        return null;
    }

    /**
     * The hard-swish that value z is the input of: z is read exactly by an affine gate input, whose output only a
     * {@code Clip} at zero reads, and by the {@code Mul} of z with that Clip's output. The affine part is
     * {@code Add(z, b)} as exported, or after {@link HardSwishFold} the 1x1 depthwise convolution
     * {@code w_c z_c + b_c} (w_c > 0) that replaced it.
     *
     * @param affine the Add or the gate convolution
     * @param mul    the Mul of z and the gate
     * @param floor  where the gate closes: -b (one value), or -b_c / w_c per channel (axis 1); at or below it
     *               the hard-swish is 0 whatever z is
     */
    record Gate(Node affine, Node mul, float[] floor) {
        /** The gate z feeds, or null when z is not (only) a hard-swish's input. */
        static Gate of(Graph g, String z) {
            List<Node> readers = g.consumers(z);
            if (readers.size() != 2 || g.isGraphOutput(z)) {
                return null;
            }
            for (int k = 0; k < 2; k++) {
                Node affine = readers.get(k);
                Node mul = readers.get(1 - k);
                float[] floor = floorOf(g, affine, z);
                Node clip = floor == null ? null : onlyReader(g, affine.output());
                if (clip == null || clip.op() != OpType.Clip || !Planner.isClampAtZero(clip, g)
                        || onlyReader(g, clip.output()) != mul || mul.op() != OpType.Mul || !mul.inputs().contains(z)) {
                    continue;
                }
                return new Gate(affine, mul, floor);
            }
            return null;
        }

        /** -b of {@code Add(z, b)}, -b_c / w_c of a 1x1 depthwise convolution of z, else null. */
        private static float[] floorOf(Graph g, Node affine, String z) {
            if (affine.op() == OpType.Add && affine.inputs().size() == 2) {
                Float b = scalar(g, affine.input(affine.input(0).equals(z) ? 1 : 0));
                return b == null ? null : new float[] {-b};
            }
            if (affine.op() != OpType.Conv || affine.inputs().size() != 3 || !affine.input(0).equals(z)
                    || !g.isConstant(affine.input(1)) || !g.isConstant(affine.input(2))) {
                return null;
            }
            ConstTensor w = g.constant(affine.input(1));
            long[] ws = w.shape();
            int c = (int) ws[0];
            boolean pointwise = ws.length == 4 && ws[1] == 1 && ws[2] == 1 && ws[3] == 1
                    && affine.attrs().getInt("group", 1) == c && allEqual(affine, "strides", 1)
                    && allEqual(affine, "pads", 0);
            if (!pointwise) {
                return null;
            }
            float[] wv = w.floats();
            float[] bv = g.constant(affine.input(2)).floats();
            float[] floor = new float[c];
            for (int i = 0; i < c; i++) {
                if (!(wv[i] > 0)) {
                    return null;
                }
                floor[i] = -bv[i] / wv[i];
            }
            return floor;
        }

        private static boolean allEqual(Node n, String attr, long v) {
            if (!n.attrs().has(attr)) {
                return true;
            }
            for (long x : n.attrs().getInts(attr, new long[0])) {
                if (x != v) {
                    return false;
                }
            }
            return true;
        }

        private static Node onlyReader(Graph g, String v) {
            List<Node> r = g.consumers(v);
            return r.size() == 1 && !g.isGraphOutput(v) ? r.get(0) : null;
        }
    }

    /** The value of a constant with one element, or null. */
    private static Float scalar(Graph g, String name) {
        if (name.isEmpty() || !g.isConstant(name)) {
            return null;
        }
        ConstTensor c = g.constant(name);
        return c.isFloating() && c.size() == 1 ? c.floats()[0] : null;
    }

    /**
     * The nodes that replace the hard-swish's Add, Clip and final division: the 1x1 depthwise convolution
     * {@code (s z' + b) / d}, the Clip at {@code [0, u / d]} and the product {@code z' * gate} written under the
     * division's output name (the division is dropped, see {@link #dropped}). Without a division (d = 1) the
     * Clip and the product stay as they are. Their constants are put into {@code inits} and {@code shapes}.
     *
     * @return the new nodes by the name of the node each replaces
     */
    Map<String, Node> rewrite(Graph g, double[] s, Map<String, ConstTensor> inits, Map<String, long[]> shapes) {
        Map<String, Node> out = new LinkedHashMap<>();
        out.put(add.name(), gate(g, s, inits, shapes));
        if (scaleNode == null) {
            return out;
        }
        Node clip = g.consumers(add.output()).get(0);
        Node mul = g.producer(scaleNode.input(0));
        float upper = OpParams.clipBounds(clip, g)[1] / divisor;
        String upperName = clip.name() + Equalization.GATE_SUFFIX + "_max";
        inits.put(upperName, ConstTensor.scalar(upper));
        shapes.put(upperName, new long[0]);
        out.put(clip.name(), clip.withInputs(List.of(clip.input(0), clip.input(1), upperName)));
        out.put(mul.name(), new Node(mul.name(), mul.op(), mul.inputs(), scaleNode.outputs(), mul.attrs()));
        return out;
    }

    /** The division by d that {@link #rewrite} folds into the gate, to be removed; null when there is none. */
    Node dropped() {
        return scaleNode;
    }

    /**
     * The 1x1 depthwise convolution {@code (s z' + b) / d} that replaces the Add; its weight and bias are put into
     * {@code inits} and {@code shapes}.
     */
    private Node gate(Graph g, double[] s, Map<String, ConstTensor> inits, Map<String, long[]> shapes) {
        int c = s.length;
        float[] w = new float[c];
        float[] bias = new float[c];
        for (int i = 0; i < c; i++) {
            w[i] = (float) (s[i] / divisor);
            bias[i] = offset / divisor;
        }
        String z = g.isConstant(add.input(1)) ? add.input(0) : add.input(1);
        String wName = add.name() + Equalization.GATE_SUFFIX + "_weight";
        String bName = add.name() + Equalization.GATE_SUFFIX + "_bias";
        inits.put(wName, ConstTensor.ofFloats(new long[] {c, 1, 1, 1}, w));
        shapes.put(wName, new long[] {c, 1, 1, 1});
        inits.put(bName, ConstTensor.ofFloats(new long[] {c}, bias));
        shapes.put(bName, new long[] {c});
        Attributes attrs = new Attributes(Map.of("group", new Attr.Int(c),
                "kernel_shape", new Attr.Ints(new long[] {1, 1})));
        return new Node(add.name() + Equalization.GATE_SUFFIX, OpType.Conv, List.of(z, wName, bName), add.outputs(), attrs);
    }
}
