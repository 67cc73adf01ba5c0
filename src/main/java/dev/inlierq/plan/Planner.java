package dev.inlierq.plan;

import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.ValueInfo;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Detection-aware quantizer placement, found from the graph's structure (never from node names):
 * <ul>
 *   <li><b>Weighted layers</b> are Conv, ConvTranspose, Gemm and MatMul with a constant matrix operand;
 *       a MatMul fed by a Softmax is a distribution integral (the DFL expectation of GFL heads) and stays
 *       in float, like all output decoding.</li>
 *   <li><b>The quantized region</b> is every node from which a quantized weighted layer can be reached,
 *       plus those layers. What lies after the last layers (sigmoid/exp/softmax at the outputs, grid
 *       arithmetic, box/score concatenation, any NMS) is the decoding tail and stays in float, so box and
 *       score values never share a quantizer: they only meet in the tail.</li>
 *   <li><b>Weights</b>: signed, symmetric, per output channel; <b>biases</b>: int32 at s_in * s_w.</li>
 *   <li><b>Activations</b>: the inputs of weighted layers, and with {@link Placement#ALL_ACTIVATIONS}
 *       every activation of the region, so ONNX Runtime can keep chains integer, except a value read only
 *       by a Relu or a Clip at zero, whose quantizer is the clamp's ({@link #absorbedByClamp}).</li>
 *   <li><b>Shared encodings</b>: the inputs and output of a Concat share one encoding (one scale for
 *       the whole concatenated tensor); data-movement ops (MaxPool, Reshape, Transpose, Slice, Gather,
 *       nearest Resize, Split, Squeeze, Unsqueeze, Flatten) share their input's encoding so that the
 *       runtime can drop the Q/DQ pair around them.</li>
 *   <li><b>First and last layers</b> (and their inputs) at 8 bit unless turned off.</li>
 * </ul>
 */
public final class Planner {
    /**
     * Internal attribute of the per-channel Mul nodes that activation equalisation inserts in front of
     * layers: the Mul's input is left unquantized (its output is the tensor the layers read).
     */
    public static final String EQUALIZATION_ATTR = "inlierq_equalization";

    private static final Set<OpType> SAME_SCALE_OPS = EnumSet.of(OpType.MaxPool, OpType.Reshape, OpType.Transpose,
            OpType.Slice, OpType.Gather, OpType.Split, OpType.Squeeze, OpType.Unsqueeze, OpType.Flatten,
            OpType.Identity);

    private Planner() {
    }

    /** True for layers whose weights are quantized (before exclusions). */
    public static boolean isWeighted(Node n, Graph g) {
        return switch (n.op()) {
            case Conv, ConvTranspose -> g.isConstant(n.input(1));
            case Gemm -> g.isConstant(n.input(1));
            case MatMul -> {
                ConstTensor w = g.constant(n.input(1));
                Node src = g.producer(n.input(0));
                yield w != null && w.rank() >= 2 && (src == null || src.op() != OpType.Softmax);
            }
            default -> false;
        };
    }

    /** Per-channel axis of a layer's weight: output channels. */
    static int weightAxis(Node n, Graph g) {
        return switch (n.op()) {
            case ConvTranspose -> 1;
            case Gemm -> n.attrs().getInt("transB", 0) != 0 ? 0 : 1;
            case MatMul -> g.constant(n.input(1)).rank() - 1;
            default -> 0;
        };
    }

    public static QuantPlan plan(Graph g, PlanOptions o) {
        List<Node> nodes = g.nodes();
        List<Node> layers = new ArrayList<>();
        Set<String> layerNames = new HashSet<>();
        for (Node n : nodes) {
            if (isWeighted(n, g) && !o.excludes(n.name(), n.op())) {
                layers.add(n);
                layerNames.add(n.name());
            }
        }
        // values from which a quantized layer is reachable (reverse pass)
        Set<String> feeds = new HashSet<>();
        Set<String> region = new HashSet<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            boolean inRegion = layerNames.contains(n.name());
            for (String out : n.outputs()) {
                inRegion |= feeds.contains(out);
            }
            boolean excluded = o.excludes(n.name(), n.op());
            if (inRegion && !excluded) {
                region.add(n.name());
                boolean isLayer = layerNames.contains(n.name());
                // a layer feeds its activation input; other region ops feed all their non-constant inputs
                for (int k = 0; k < n.inputs().size(); k++) {
                    String in = n.input(k);
                    if (in.isEmpty() || g.isConstant(in) || (isLayer && k > 0)) {
                        continue;
                    }
                    feeds.add(in);
                }
            }
        }
        // first / last layers
        Set<String> hasLayerBefore = new HashSet<>();
        Set<String> first = new LinkedHashSet<>();
        for (Node n : nodes) {
            boolean before = false;
            for (String in : n.inputs()) {
                before |= hasLayerBefore.contains(in);
            }
            if (layerNames.contains(n.name()) && !before) {
                first.add(n.name());
            }
            if (before || layerNames.contains(n.name())) {
                hasLayerBefore.addAll(n.outputs());
            }
        }
        Set<String> last = new LinkedHashSet<>();
        for (Node n : layers) {
            if (!feeds.contains(n.output())) {
                last.add(n.name());
            }
        }
        boolean edge8 = o.firstLastAt8Bit();
        // activation tensors
        Map<String, String> reasons = new java.util.LinkedHashMap<>();
        Map<String, Integer> bits = new HashMap<>();
        Map<String, String> layerOf = new HashMap<>();
        Set<String> graphInputs = new HashSet<>();
        for (ValueInfo v : g.inputs()) {
            graphInputs.add(v.name());
        }
        for (Node n : nodes) {
            if (layerNames.contains(n.name())) {
                String in = n.input(0);
                boolean edge = edge8 && (first.contains(n.name()) || last.contains(n.name()));
                int b = edge ? 8 : o.activationBits();
                reasons.putIfAbsent(in, edge ? "input of " + (first.contains(n.name()) ? "first" : "last") + " layer"
                        : "input of a layer");
                bits.merge(in, b, Math::max);
                layerOf.putIfAbsent(in, n.name());
            }
        }
        if (o.placement() == Placement.ALL_ACTIVATIONS) {
            for (ValueInfo v : g.inputs()) {
                if (feeds.contains(v.name())) {
                    reasons.putIfAbsent(v.name(), "graph input");
                    bits.merge(v.name(), edge8 ? 8 : o.activationBits(), Math::max);
                }
            }
            for (Node n : nodes) {
                if (!region.contains(n.name())) {
                    continue;
                }
                for (String out : n.outputs()) {
                    boolean onlyEqualized = !g.consumers(out).isEmpty() && g.consumers(out).stream()
                            .allMatch(c -> c.attrs().getInt(EQUALIZATION_ATTR, 0) != 0);
                    if (feeds.contains(out) && !onlyEqualized && !absorbedByClamp(g, out, region)) {
                        reasons.putIfAbsent(out, "output of " + n.op());
                        bits.merge(out, o.activationBits(), Math::max);
                    }
                }
            }
        }
        // shared encodings (union-find over activation tensors)
        Map<String, String> parent = new HashMap<>();
        for (String t : reasons.keySet()) {
            parent.put(t, t);
        }
        for (Node n : nodes) {
            if (!region.contains(n.name())) {
                continue;
            }
            boolean concat = n.op() == OpType.Concat;
            boolean sameScale = SAME_SCALE_OPS.contains(n.op())
                    || (n.op() == OpType.Resize && "nearest".equals(n.attrs().getString("mode", "nearest")));
            if (!concat && !sameScale) {
                continue;
            }
            String out = n.output();
            if (!parent.containsKey(out)) {
                continue;
            }
            List<String> ins = concat ? n.inputs() : List.of(n.input(0));
            for (String in : ins) {
                if (parent.containsKey(in)) {
                    union(parent, in, out);
                }
            }
            for (String o2 : n.outputs()) {
                if (parent.containsKey(o2)) {
                    union(parent, out, o2);
                }
            }
        }
        Map<String, Integer> groupBits = new HashMap<>();
        Map<String, Integer> groupSize = new HashMap<>();
        for (String t : reasons.keySet()) {
            String r = find(parent, t);
            groupBits.merge(r, bits.get(t), Math::max);
            groupSize.merge(r, 1, Integer::sum);
        }
        // assemble points in graph order: graph inputs, then per node its weight/bias and outputs
        List<QuantPoint> points = new ArrayList<>();
        Set<String> added = new HashSet<>();
        for (ValueInfo v : g.inputs()) {
            addActivation(points, added, v.name(), reasons, parent, groupBits, groupSize, layerOf);
        }
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                addActivation(points, added, in, reasons, parent, groupBits, groupSize, layerOf);
            }
            if (layerNames.contains(n.name())) {
                if (added.add(n.input(1))) {
                    points.add(weightPoint(n, layers, first, last, o, g));
                }
                if (!n.input(2).isEmpty() && n.op() != OpType.MatMul) {
                    points.add(new QuantPoint(n.input(2), Role.BIAS, 32, 0, null, n.name(), "bias (s_in * s_w)"));
                }
            }
            for (String out : n.outputs()) {
                addActivation(points, added, out, reasons, parent, groupBits, groupSize, layerOf);
            }
        }
        Set<String> floatNodes = new LinkedHashSet<>();
        for (Node n : nodes) {
            if (!region.contains(n.name())) {
                floatNodes.add(n.name());
            }
        }
        List<String> layerList = layers.stream().map(Node::name).toList();
        Map<String, String> layerWeights = new HashMap<>();
        layers.forEach(n -> layerWeights.put(n.name(), n.input(1)));
        return new QuantPlan(points, layerList, first, last, floatNodes, layerWeights);
    }

    /**
     * The weight point of {@code n}'s weight tensor. A weight read by several quantized layers (a detection
     * head shared across pyramid levels) is one tensor with one encoding: one point, at the widest width any
     * of its layers asks for (8 bits when one of them is a first or last layer), with the layers named in
     * its reason.
     */
    private static QuantPoint weightPoint(Node n, List<Node> layers, Set<String> first, Set<String> last,
            PlanOptions o, Graph g) {
        List<String> readers = new ArrayList<>();
        int wb = 0;
        String why = "weight";
        for (Node l : layers) {
            if (!l.input(1).equals(n.input(1))) {
                continue;
            }
            readers.add(l.name());
            boolean edge = o.firstLastAt8Bit() && (first.contains(l.name()) || last.contains(l.name()));
            if ((edge ? 8 : o.weightBits()) > wb) {
                wb = edge ? 8 : o.weightBits();
                why = edge ? (first.contains(l.name()) ? "first layer" : "last layer") + " weight" : "weight";
            }
        }
        if (readers.size() > 1) {
            why += ", shared by " + readers.size() + " layers (" + String.join(", ", readers) + ")";
        }
        return new QuantPoint(n.input(1), Role.WEIGHT, wb, weightAxis(n, g), null, n.name(), why);
    }

    /**
     * True when a value's only reader is a clamp at zero inside the region: a Relu, or a Clip with lower
     * bound 0 (ReLU6, the hard-sigmoid inside hard-swish). The quantizer on the clamp's output has zero
     * point 0 and clamps at zero by itself, so ONNX Runtime drops the clamp (ReluQuantFusion,
     * ClipQuantFusion) and fuses the producer with that quantizer (Conv + Relu + Q into one QLinearConv,
     * Add + Clip + Q into one QLinearAdd). A quantizer in front of the clamp as well would leave a
     * DequantizeLinear/QuantizeLinear pair running in float between them.
     */
    static boolean absorbedByClamp(Graph g, String value, Set<String> region) {
        List<Node> readers = g.consumers(value);
        return readers.size() == 1 && !g.isGraphOutput(value) && region.contains(readers.get(0).name())
                && isClampAtZero(readers.get(0), g);
    }

    /**
     * A Relu, or a Clip with constant bounds whose lower bound is 0: an op that a quantizer with zero point
     * 0 on its output makes redundant (ONNX Runtime removes it in front of such a QuantizeLinear).
     */
    public static boolean isClampAtZero(Node n, Graph g) {
        if (n.op() == OpType.Relu) {
            return true;
        }
        if (n.op() != OpType.Clip) {
            return false;
        }
        for (int k = 1; k < n.inputs().size(); k++) {
            if (!n.input(k).isEmpty() && !g.isConstant(n.input(k))) {
                return false;
            }
        }
        float[] bounds = OpParams.clipBounds(n, g);
        return bounds[0] == 0f && bounds[1] > 0f;
    }

    private static void addActivation(List<QuantPoint> points, Set<String> added, String t, Map<String, String> reasons,
            Map<String, String> parent, Map<String, Integer> groupBits, Map<String, Integer> groupSize,
            Map<String, String> layerOf) {
        if (t.isEmpty() || !reasons.containsKey(t) || !added.add(t)) {
            return;
        }
        String root = find(parent, t);
        String group = groupSize.get(root) > 1 ? root : null;
        points.add(new QuantPoint(t, Role.ACTIVATION, groupBits.get(root), -1, group, layerOf.get(t), reasons.get(t)));
    }

    private static String find(Map<String, String> parent, String x) {
        String r = x;
        while (!parent.get(r).equals(r)) {
            r = parent.get(r);
        }
        while (!parent.get(x).equals(r)) {
            String next = parent.get(x);
            parent.put(x, r);
            x = next;
        }
        return r;
    }

    private static void union(Map<String, String> parent, String a, String b) {
        String ra = find(parent, a);
        String rb = find(parent, b);
        if (!ra.equals(rb)) {
            // keep the earlier-named root stable: the first tensor seen stays the group's name
            parent.put(rb, ra);
        }
    }
}
