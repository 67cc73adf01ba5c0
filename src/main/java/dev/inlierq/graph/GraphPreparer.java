package dev.inlierq.graph;

import dev.inlierq.error.InvalidModelException;
import dev.inlierq.error.UnsupportedModelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prepares a graph as read for execution and quantization, in one forward pass plus clean-ups:
 * <ol>
 *   <li>fixes the input shape (dynamic dimensions from the caller, batch 1);</li>
 *   <li>infers every static shape and folds constant sub-graphs (Constant nodes, shape arithmetic such
 *       as Shape, Gather, Unsqueeze, Cast, Concat on constants);</li>
 *   <li>folds inference-mode BatchNormalization into the preceding Conv ({@link BatchNormFold}:
 *       W' = W * gamma / sqrt(var + eps), b' = (b - mean) * gamma / sqrt(var + eps) + beta); a training-mode
 *       one (batch statistics) stays a node;</li>
 *   <li>removes Identity nodes and dead nodes and initializers;</li>
 *   <li>gives every layer reading a bias initializer that another node reads too (a head shared across
 *       levels) its own copy: a quantized bias is coded at its layer's input scale, so one float bias
 *       becomes one int32 bias per layer;</li>
 *   <li>turns constant Resize sizes that resize only spatial axes into scales ({@link ResizeScales}), so
 *       sizes folded from {@code Shape} at batch 1 do not fix the batch;</li>
 *   <li>tracks where the batch lives in every tensor so that Reshape targets folded at batch 1 (and
 *       exports that hard-code batch 1) run at any batch size: each Reshape records, as attribute
 *       {@value #BATCH_AXIS_ATTR}, the output axis whose size scales with the batch.</li>
 * </ol>
 */
public final class GraphPreparer {
    /** Internal attribute on Reshape nodes: the output axis multiplied by the batch size at run time. */
    public static final String BATCH_AXIS_ATTR = "inlierq_batch_axis";
    /** Metadata key set to "true" when every tensor's batch axis could be tracked. */
    public static final String BATCHABLE_KEY = "inlierq.batchable";
    private static final long MAX_FOLD_ELEMENTS = 1 << 22;

    private GraphPreparer() {
    }

    /** Prepares with the graph's declared input shapes (dynamic dimensions become 1). */
    public static Graph prepare(Graph g) {
        return prepare(g, Map.of());
    }

    /**
     * @param inputShapes shapes for inputs whose declared shape is dynamic or missing (batch dimension
     *                    included; it is reset to 1)
     */
    public static Graph prepare(Graph g, Map<String, long[]> inputShapes) {
        Graph fixed = fixInputs(g, inputShapes);
        Graph folded = foldAndInfer(fixed);
        Graph bnFolded = foldBatchNorm(folded);
        Graph clean = ResizeScales.apply(unshareBiases(removeDead(removeIdentities(bnFolded))));
        return trackBatch(clean);
    }

    private static Graph fixInputs(Graph g, Map<String, long[]> given) {
        List<ValueInfo> ins = new ArrayList<>();
        for (ValueInfo v : g.inputs()) {
            long[] s = given.containsKey(v.name()) ? given.get(v.name()).clone() : v.shape();
            if (s == null) {
                throw new UnsupportedModelException("unsupported: input '" + v.name() + "' has no declared shape: give one");
            }
            for (int i = 0; i < s.length; i++) {
                if (i == 0) {
                    s[i] = 1;
                } else if (s[i] <= 0) {
                    throw new UnsupportedModelException("unsupported: input '" + v.name() + "' has a dynamic dimension " + i
                            + ": give its size");
                }
            }
            ins.add(new ValueInfo(v.name(), v.type(), s));
        }
        Map<String, long[]> shapes = new HashMap<>(g.shapes());
        for (ValueInfo v : ins) {
            shapes.put(v.name(), v.shape());
        }
        return new Graph(g.nodes(), g.initializers(), ins, g.outputs(), shapes, g.opset(), g.metadata());
    }

    private static Graph foldAndInfer(Graph g) {
        MapValueLookup st = MapValueLookup.of(g);
        List<Node> kept = new ArrayList<>();
        for (Node n : g.nodes()) {
            boolean allConst = true;
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !st.consts.containsKey(in)) {
                    allConst = false;
                }
            }
            long[][] outShapes;
            try {
                outShapes = n.op() == OpType.Constant ? null : ShapeInference.infer(n, st);
            } catch (InvalidModelException e) {
                throw new InvalidModelException(n + ": " + e.getMessage(), e);
            }
            boolean shapeOfKnown = n.op() == OpType.Shape && st.shape(n.input(0)) != null;
            boolean foldable = ConstantFolder.isFoldable(n.op()) && n.outputs().size() == 1
                    && (allConst || shapeOfKnown)
                    && (outShapes == null || Shapes.numel(outShapes[0]) <= MAX_FOLD_ELEMENTS);
            if (foldable) {
                ConstTensor[] in = new ConstTensor[n.inputs().size()];
                for (int i = 0; i < in.length; i++) {
                    in[i] = n.input(i).isEmpty() ? null : st.consts.get(n.input(i));
                }
                ConstTensor out = ConstantFolder.fold(n, in, st.shape(n.input(0)), outShapes == null ? null : outShapes[0], st);
                st.putConstant(n.output(), out);
                continue;
            }
            if (outShapes != null) {
                for (int i = 0; i < outShapes.length && i < n.outputs().size(); i++) {
                    st.shapes.put(n.outputs().get(i), outShapes[i]);
                }
            }
            kept.add(n);
        }
        return g.withNodes(kept, st.consts, st.shapes);
    }

    private static Graph foldBatchNorm(Graph g) {
        Map<String, ConstTensor> inits = new LinkedHashMap<>(g.initializers());
        Map<String, Node> replaced = new HashMap<>();
        Set<Node> dropped = new HashSet<>();
        for (Node bn : g.nodes()) {
            if (bn.op() != OpType.BatchNormalization || bn.outputs().size() != 1 || BatchNormFold.isTrainingMode(bn)) {
                continue;
            }
            Node conv = g.producer(bn.input(0));
            if (conv == null || conv.op() != OpType.Conv || g.consumers(conv.output()).size() != 1
                    || g.isGraphOutput(conv.output()) || !g.isConstant(conv.input(1))
                    || (!conv.input(2).isEmpty() && !g.isConstant(conv.input(2)))) {
                continue;
            }
            boolean constParams = true;
            for (int i = 1; i <= 4; i++) {
                constParams &= g.isConstant(bn.input(i));
            }
            if (!constParams) {
                continue;
            }
            float eps = bn.attrs().getFloat("epsilon", 1e-5f);
            float[] gamma = g.constant(bn.input(1)).floats();
            float[] beta = g.constant(bn.input(2)).floats();
            float[] mean = g.constant(bn.input(3)).floats();
            float[] var = g.constant(bn.input(4)).floats();
            ConstTensor w = g.constant(conv.input(1));
            float[] wv = w.floats();
            int oc = (int) w.shape()[0];
            float[] bias = conv.input(2).isEmpty() ? new float[oc] : g.constant(conv.input(2)).floats();
            BatchNormFold.apply(wv, bias, gamma, beta, mean, var, eps);
            String wName = conv.name() + "__bn_weight";
            String bName = conv.name() + "__bn_bias";
            inits.put(wName, ConstTensor.ofFloats(w.shape(), wv));
            inits.put(bName, ConstTensor.ofFloats(new long[] {oc}, bias));
            Node fused = new Node(conv.name(), OpType.Conv, List.of(conv.input(0), wName, bName),
                    List.of(bn.output()), conv.attrs());
            replaced.put(conv.name(), fused);
            dropped.add(bn);
        }
        if (replaced.isEmpty()) {
            return g;
        }
        List<Node> nodes = new ArrayList<>();
        Map<String, long[]> shapes = new HashMap<>(g.shapes());
        for (Node n : g.nodes()) {
            if (dropped.contains(n)) {
                continue;
            }
            nodes.add(replaced.getOrDefault(n.name(), n));
        }
        for (var e : inits.entrySet()) {
            shapes.putIfAbsent(e.getKey(), e.getValue().shape());
        }
        return g.withNodes(nodes, inits, shapes);
    }

    private static Graph removeIdentities(Graph g) {
        Map<String, String> alias = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            List<String> ins = new ArrayList<>();
            for (String i : n.inputs()) {
                ins.add(alias.getOrDefault(i, i));
            }
            Node m = n.withInputs(ins);
            boolean plainIdentity = m.op() == OpType.Identity && !g.isGraphOutput(m.output());
            if (plainIdentity) {
                alias.put(m.output(), m.input(0));
                continue;
            }
            nodes.add(m);
        }
        return g.withNodes(nodes, g.initializers(), g.shapes());
    }

    private static Graph removeDead(Graph g) {
        Set<String> live = new HashSet<>();
        for (ValueInfo o : g.outputs()) {
            live.add(o.name());
        }
        List<Node> rev = new ArrayList<>();
        List<Node> nodes = g.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.outputs().stream().anyMatch(live::contains)) {
                rev.add(n);
                live.addAll(n.inputs());
            }
        }
        List<Node> kept = new ArrayList<>();
        for (int i = rev.size() - 1; i >= 0; i--) {
            kept.add(rev.get(i));
        }
        Map<String, ConstTensor> inits = new LinkedHashMap<>();
        for (var e : g.initializers().entrySet()) {
            if (live.contains(e.getKey())) {
                inits.put(e.getKey(), e.getValue());
            }
        }
        Map<String, long[]> shapes = new HashMap<>();
        for (var e : g.shapes().entrySet()) {
            if (live.contains(e.getKey())) {
                shapes.put(e.getKey(), e.getValue());
            }
        }
        return g.withNodes(kept, inits, shapes);
    }

    /**
     * Batch-axis tracking. The batch of an input sits on axis 0; every op moves it predictably
     * (Transpose permutes it, Gather and Squeeze shift it, Reshape places it on the output axis whose
     * row-major prefix equals the input's prefix before the batch axis). Where that fails, the graph is
     * marked not batchable and the engine runs one sample at a time.
     */
    private static Graph trackBatch(Graph g) {
        Map<String, Integer> axis = new HashMap<>();
        for (ValueInfo in : g.inputs()) {
            axis.put(in.name(), 0);
        }
        boolean batchable = true;
        Map<String, ConstTensor> inits = new LinkedHashMap<>(g.initializers());
        Map<String, long[]> shapes = new HashMap<>(g.shapes());
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            Integer ax = null;
            int src = -1;
            for (int i = 0; i < n.inputs().size(); i++) {
                Integer a = axis.get(n.input(i));
                if (a != null) {
                    ax = a;
                    src = i;
                    break;
                }
            }
            Node out = n;
            Integer outAxis = null;
            if (ax != null) {
                long[] inShape = g.shape(n.input(src));
                long[] outShape = g.shape(n.output());
                outAxis = batchAxisOut(n, g, ax, src, inShape, outShape);
                boolean nchw = isNchw(n.op());
                if (outAxis == null || outAxis < 0 || (nchw && ax != 0)) {
                    batchable = false;
                    outAxis = null;
                }
                boolean reshapeLike = n.op() == OpType.Reshape || n.op() == OpType.Flatten
                        || n.op() == OpType.Squeeze || n.op() == OpType.Unsqueeze;
                if (reshapeLike && outAxis != null) {
                    // one Reshape with the batch-1 target and the axis that scales with the batch
                    String target = n.name() + "__target";
                    inits.put(target, ConstTensor.vector(outShape));
                    shapes.put(target, new long[] {outShape.length});
                    out = new Node(n.name(), OpType.Reshape, List.of(n.input(0), target), n.outputs(),
                            new Attributes(java.util.Map.of(BATCH_AXIS_ATTR, new Attr.Int(outAxis))));
                }
            }
            if (outAxis != null) {
                // a BatchNormalization's running statistics (training mode) are per channel: no batch axis
                for (String o : n.op() == OpType.BatchNormalization ? List.of(n.output()) : n.outputs()) {
                    axis.put(o, outAxis);
                }
            }
            nodes.add(out);
        }
        for (ValueInfo o : g.outputs()) {
            if (!Integer.valueOf(0).equals(axis.get(o.name()))) {
                batchable = false;
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(g.metadata());
        meta.put(BATCHABLE_KEY, Boolean.toString(batchable));
        Graph withNodes = g.withNodes(nodes, inits, shapes);
        Graph cleaned = removeDead(withNodes);
        return new Graph(cleaned.nodes(), cleaned.initializers(), cleaned.inputs(), cleaned.outputs(),
                cleaned.shapes(), cleaned.opset(), meta);
    }

    /**
     * The batch axis of {@code n}'s outputs when its input {@code src} carries the batch on axis {@code ax}, or
     * null when the op mixes the batch with other data (or cannot say where it goes).
     */
    private static Integer batchAxisOut(Node n, Graph g, int ax, int src, long[] inShape, long[] outShape) {
        return switch (n.op()) {
            case Transpose -> {
                long[] perm = ShapeInference.perm(n, inShape.length);
                int r = -1;
                for (int i = 0; i < perm.length; i++) {
                    if (perm[i] == ax) {
                        r = i;
                    }
                }
                yield r;
            }
            case Gather -> {
                int ga = Shapes.axis(n.attrs().getInt("axis", 0), inShape.length);
                long[] idx = g.shape(n.input(1));
                yield src != 0 || ga == ax ? null : ga < ax ? ax - 1 + idx.length : ax;
            }
            case Reshape, Flatten, Squeeze, Unsqueeze -> prefixAxis(inShape, ax, outShape);
            case Concat, Split, Slice, Softmax -> {
                int opAxis = n.op() == OpType.Softmax ? OpParams.softmaxAxis(n, inShape.length, g)
                        : n.op() == OpType.Slice ? sliceTouches(n, inShape, g, ax)
                        : Shapes.axis(n.attrs().getInt("axis", 0), inShape.length);
                boolean legacy = n.op() == OpType.Softmax && OpParams.legacySoftmax(g) && ax >= opAxis;
                yield opAxis == ax || legacy ? null : ax;
            }
            case MatMul -> {
                if (src != 0 || ax >= inShape.length - 1) {
                    yield null;
                }
                boolean vectorRhs = g.shape(n.input(1)).length == 1;
                yield vectorRhs ? ax : ax + (outShape.length - inShape.length);
            }
            case Gemm -> src == 0 && n.attrs().getInt("transA", 0) == 0 && ax == 0 ? 0 : null;
            case ReduceMean, ReduceSum, ReduceMax -> reducedBatchAxis(n, g, ax, inShape);
            case Shape -> null;
            default -> ax + (outShape == null ? 0 : outShape.length - inShape.length);
        };
    }

    /** A reduction keeps the batch axis (shifted by the dropped axes before it) unless it reduces over it. */
    private static Integer reducedBatchAxis(Node n, Graph g, int ax, long[] inShape) {
        long[] axes = OpParams.axes(n, g);
        boolean keep = n.attrs().getInt("keepdims", 1) != 0;
        boolean noop = n.attrs().getInt("noop_with_empty_axes", 0) != 0;
        if ((axes == null || axes.length == 0) && noop) {
            return ax; // identity
        }
        if (axes == null || axes.length == 0 || ShapeInference.contains(axes, ax, inShape.length)) {
            return null;
        }
        int shift = 0;
        for (long a2 : axes) {
            if ((a2 < 0 ? a2 + inShape.length : a2) < ax && !keep) {
                shift++;
            }
        }
        return ax - shift;
    }

    /** Ops whose kernels read their input as N, C, spatial...: the batch must stay on axis 0. */
    private static boolean isNchw(OpType op) {
        return switch (op) {
            case Conv, ConvTranspose, MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, Pad,
                    Resize, Upsample -> true;
            default -> false;
        };
    }

    /** Every Conv, ConvTranspose or Gemm after the first one reading a bias initializer gets its own copy. */
    static Graph unshareBiases(Graph g) {
        Map<String, ConstTensor> inits = new LinkedHashMap<>(g.initializers());
        Map<String, long[]> shapes = new HashMap<>(g.shapes());
        Set<String> seen = new HashSet<>();
        List<Node> nodes = new ArrayList<>();
        boolean changed = false;
        for (Node n : g.nodes()) {
            boolean layer = n.op() == OpType.Conv || n.op() == OpType.ConvTranspose || n.op() == OpType.Gemm;
            String b = n.inputs().size() > 2 ? n.input(2) : "";
            if (!layer || b.isEmpty() || !g.initializers().containsKey(b) || seen.add(b)) {
                nodes.add(n);
                continue;
            }
            String copy = b + "__" + n.name();
            for (int k = 2; inits.containsKey(copy) || g.producer(copy) != null; k++) {
                copy = b + "__" + n.name() + "_" + k;
            }
            inits.put(copy, g.initializers().get(b));
            shapes.put(copy, g.initializers().get(b).shape());
            List<String> ins = new ArrayList<>(n.inputs());
            ins.set(2, copy);
            nodes.add(n.withInputs(ins));
            changed = true;
        }
        return changed ? g.withNodes(nodes, inits, shapes) : g;
    }

    private static int sliceTouches(Node n, long[] inShape, Graph g, int ax) {
        OpParams.SliceSpec s = OpParams.slice(n, inShape, g);
        boolean touched = s.starts()[ax] != 0 || s.ends()[ax] != inShape[ax] || s.steps()[ax] != 1;
        return touched ? ax : -1;
    }

    /** The output axis at which the row-major prefix equals the input's prefix before {@code ax}. */
    static Integer prefixAxis(long[] in, int ax, long[] out) {
        long prefix = 1;
        for (int i = 0; i < ax; i++) {
            prefix *= in[i];
        }
        long p = 1;
        for (int j = 0; j < out.length; j++) {
            if (p == prefix) {
                return j;
            }
            p *= out[j];
        }
        return null;
    }

    /** True when the graph can run any batch size in one pass. */
    public static boolean isBatchable(Graph g) {
        return Boolean.parseBoolean(g.metadata().getOrDefault(BATCHABLE_KEY, "false"));
    }
}
