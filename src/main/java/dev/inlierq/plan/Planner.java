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
        markRegion(g, o, layerNames, feeds, region);
        // first / last layers
        Set<String> first = firstLayers(nodes, layerNames);
        Set<String> last = new LinkedHashSet<>();
        for (Node n : layers) {
            if (!feeds.contains(n.output())) {
                last.add(n.name());
            }
        }
        // activation tensors
        Activations acts = new Activations();
        addLayerInputs(nodes, o, layerNames, first, last, acts);
        if (o.placement() == Placement.ALL_ACTIVATIONS) {
            addRegionActivations(g, o, feeds, region, acts);
        }
        // shared encodings (union-find over activation tensors)
        shareEncodings(nodes, region, acts);
        List<QuantPoint> points = assemblePoints(g, o, layers, layerNames, first, last, acts);
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
     * The activation tensors to quantize (in the order found) with their reason, width and reading layer,
     * and their shared-encoding groups (union-find parents, and per root the widest width and the size).
     */
    private static final class Activations {
        final Map<String, String> reasons = new java.util.LinkedHashMap<>();
        final Map<String, Integer> bits = new HashMap<>();
        final Map<String, String> layerOf = new HashMap<>();
        final Map<String, String> parent = new HashMap<>();
        final Map<String, Integer> groupBits = new HashMap<>();
        final Map<String, Integer> groupSize = new HashMap<>();
    }

    /**
     * Reverse pass: {@code region} gets every non-excluded node from which a quantized layer is reachable
     * (and the layers), {@code feeds} the values they read on the way (a layer only its activation input).
     */
    private static void markRegion(Graph g, PlanOptions o, Set<String> layerNames, Set<String> feeds,
            Set<String> region) {
        List<Node> nodes = g.nodes();
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
    }

    /** The layers with no quantized layer before them, in graph order. */
    private static Set<String> firstLayers(List<Node> nodes, Set<String> layerNames) {
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
        return first;
    }

    /** The activation input of every layer (8 bits for first and last layers when asked). */
    private static void addLayerInputs(List<Node> nodes, PlanOptions o, Set<String> layerNames, Set<String> first,
            Set<String> last, Activations acts) {
        boolean edge8 = o.firstLastAt8Bit();
        for (Node n : nodes) {
            if (layerNames.contains(n.name())) {
                String in = n.input(0);
                boolean edge = edge8 && (first.contains(n.name()) || last.contains(n.name()));
                int b = edge ? 8 : o.activationBits();
                acts.reasons.putIfAbsent(in, edge ? "input of " + (first.contains(n.name()) ? "first" : "last")
                        + " layer" : "input of a layer");
                acts.bits.merge(in, b, Math::max);
                acts.layerOf.putIfAbsent(in, n.name());
            }
        }
    }

    /**
     * {@link Placement#ALL_ACTIVATIONS}: the graph inputs that feed the region, and every region output that
     * feeds it, except values read only by equalisation Muls or absorbed by a clamp.
     */
    private static void addRegionActivations(Graph g, PlanOptions o, Set<String> feeds, Set<String> region,
            Activations acts) {
        boolean edge8 = o.firstLastAt8Bit();
        for (ValueInfo v : g.inputs()) {
            if (feeds.contains(v.name())) {
                acts.reasons.putIfAbsent(v.name(), "graph input");
                acts.bits.merge(v.name(), edge8 ? 8 : o.activationBits(), Math::max);
            }
        }
        for (Node n : g.nodes()) {
            if (!region.contains(n.name())) {
                continue;
            }
            for (String out : n.outputs()) {
                boolean onlyEqualized = !g.consumers(out).isEmpty() && g.consumers(out).stream()
                        .allMatch(c -> c.attrs().getInt(EQUALIZATION_ATTR, 0) != 0);
                if (feeds.contains(out) && !onlyEqualized && !absorbedByClamp(g, out, region)) {
                    acts.reasons.putIfAbsent(out, "output of " + n.op());
                    acts.bits.merge(out, o.activationBits(), Math::max);
                }
            }
        }
    }

    /**
     * Groups the activations whose encodings are shared (a Concat's inputs and outputs, a data-movement
     * op's input and outputs), then gives each group the widest width of its members.
     */
    private static void shareEncodings(List<Node> nodes, Set<String> region, Activations acts) {
        Map<String, String> parent = acts.parent;
        for (String t : acts.reasons.keySet()) {
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
        for (String t : acts.reasons.keySet()) {
            String r = find(parent, t);
            acts.groupBits.merge(r, acts.bits.get(t), Math::max);
            acts.groupSize.merge(r, 1, Integer::sum);
        }
    }

    /** The points in graph order: graph inputs, then per node its weight/bias and outputs. */
    private static List<QuantPoint> assemblePoints(Graph g, PlanOptions o, List<Node> layers, Set<String> layerNames,
            Set<String> first, Set<String> last, Activations acts) {
        List<QuantPoint> points = new ArrayList<>();
        Set<String> added = new HashSet<>();
        for (ValueInfo v : g.inputs()) {
            addActivation(points, added, v.name(), acts);
        }
        for (Node n : g.nodes()) {
            for (String in : n.inputs()) {
                addActivation(points, added, in, acts);
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
                addActivation(points, added, out, acts);
            }
        }
        return points;
    }

    /**
     * The weight point of {@code n}'s weight tensor. A weight read by several quantized layers (a detection
     * head shared across pyramid levels) is one tensor with one encoding: one point, at the widest width any
     * of its layers asks for ({@link PlanOptions#weightBits(String)}; 8 bits when one of them is a first or last
     * layer), with the layers named in its reason.
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
            int bits = edge ? 8 : o.weightBits(l.name());
            if (bits > wb) {
                wb = bits;
                why = edge ? (first.contains(l.name()) ? "first layer" : "last layer") + " weight"
                        : o.layerWeightBits().containsKey(l.name()) ? "weight (per-layer bits)" : "weight";
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

    private static void addActivation(List<QuantPoint> points, Set<String> added, String t, Activations acts) {
        if (t.isEmpty() || !acts.reasons.containsKey(t) || !added.add(t)) {
            return;
        }
        String root = find(acts.parent, t);
        String group = acts.groupSize.get(root) > 1 ? root : null;
        points.add(new QuantPoint(t, Role.ACTIVATION, acts.groupBits.get(root), -1, group, acts.layerOf.get(t),
                acts.reasons.get(t)));
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
