package dev.inlierq.calib;

import dev.inlierq.detect.Preprocessor;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Attr;
import dev.inlierq.graph.Attributes;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.plan.Planner;
import dev.inlierq.quant.WeightGrid;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Activation equalisation: moves range from outlier channels of an activation into the weights of the layers
 * that read it, so that one per-tensor activation scale fits all channels (the remedy for the hard-swish
 * outlier channels of PicoDet and the SiLU stem of YOLOX-Nano, see docs/anchors.md).
 *
 * <p>For an activation x with per-channel range r_c = max |x_c| over the calibration images, read only by
 * Conv/Gemm layers as their input, a per-channel factor s_c is chosen and the graph is rewritten exactly:
 * <pre>  x' = x / s   (folded into the convolution that produces x, or a Mul by 1/s in float)
 *   W'[:, c, ...] = W[:, c, ...] * s_c   (each reading layer's weight, input channel c)</pre>
 * so that W' x' = W x. When x is a convolution's output, or that output through a Relu/LeakyRelu (which
 * commute with a positive scale), 1/s goes into that convolution's output channels (weights and bias), as
 * in cross-layer equalisation ({@link #foldTarget}); otherwise (SiLU, hard-swish, the graph input) a Mul
 * is inserted, which ONNX Runtime runs in float ({@link Mode#MULS}). For fused files ({@link Mode#FOLDED}) no Mul
 * is inserted: a hard-swish takes the factor through a rescaled gate ({@link HardSwishFold}), and what cannot take
 * it is not equalised. The quantizer then sees x', whose channels have comparable ranges. Following SmoothQuant (Xiao et al., ICML 2023), s_c = r_c^alpha / w_c^(1 - alpha) with w_c = max |W[:, c]| over
 * the reading layers, alpha = 0.5 by default; for depthwise layers (one input channel per output channel)
 * the per-output-channel weight quantizer absorbs any scaling, so s_c = r_c (alpha = 1) equalises fully.
 * Factors are normalised by their geometric mean and bounded to [1e-2, 1e2] times it.
 */
public final class Equalization {
    /** Attribute marking the inserted Mul nodes (the planner leaves their input unquantized). */
    public static final String MARK = Planner.EQUALIZATION_ATTR;
    /** Name suffix of the per-channel Mul nodes equalisation inserts (kept in the written file). */
    public static final String MUL_SUFFIX = "__Equalize";
    /** Name suffix of the gate convolutions written when folding through a hard-swish ({@link HardSwishFold}). */
    public static final String GATE_SUFFIX = "__gate";

    /** Where the 1/s of an activation may go. */
    public enum Mode {
        /**
         * Into the producing convolution where it commutes (Relu), else an inserted Mul that runs in float: for
         * files whose layers take quantized inputs only ({@code --placement inputs}).
         */
        MULS,
        /**
         * Only where it leaves integer kernels: the producing convolution through a Relu, or through a hard-swish
         * with its gate rescaled by a 1x1 depthwise convolution ({@link HardSwishFold}); other activations are
         * not equalised. For fused files ({@code --placement all}), where a float Mul would break the chain.
         */
        FOLDED
    }

    private Equalization() {
    }

    /**
     * Activations that can be equalised, with the layers that take s on their input channels: rank-4 values read
     * only as the input of weighted layers. With {@link Mode#FOLDED} a value may also be read through ops that
     * commute with a per-channel scale and whose output only weighted layers read: a GlobalAveragePool, or a Mul
     * by a per-channel [N, C, 1, 1] tensor (the squeeze-excitation pattern: the pooled value's layers take s, so
     * the excitation is unchanged, and the product's layers take s too).
     */
    static Map<String, List<Node>> candidates(Graph g, Mode mode) {
        Map<String, List<Node>> out = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            for (String v : n.outputs()) {
                List<Node> readers = g.consumers(v);
                long[] shape = g.shape(v);
                if (readers.isEmpty() || shape == null || shape.length != 4 || g.isGraphOutput(v)) {
                    continue;
                }
                List<Node> layers = new ArrayList<>();
                boolean ok = true;
                for (Node r : readers) {
                    if (readsAsLayerInput(r, v, g)) {
                        layers.add(r);
                        continue;
                    }
                    List<Node> behind = mode == Mode.FOLDED ? layersBehind(r, v, shape, g) : null;
                    ok &= behind != null;
                    if (behind != null) {
                        layers.addAll(behind);
                    }
                }
                if (ok) {
                    out.put(v, layers);
                }
            }
        }
        return out;
    }

    private static boolean readsAsLayerInput(Node r, String v, Graph g) {
        return r.op() == OpType.Conv && Planner.isWeighted(r, g) && r.input(0).equals(v) && !r.input(1).equals(v);
    }

    /**
     * The weighted layers behind r when r commutes with a per-channel scale of v (a GlobalAveragePool, or a Mul
     * of v by a [N, C, 1, 1] tensor) and only such layers read its output; else null.
     */
    private static List<Node> layersBehind(Node r, String v, long[] shape, Graph g) {
        boolean pool = r.op() == OpType.GlobalAveragePool;
        boolean channelMul = false;
        if (r.op() == OpType.Mul && r.inputs().size() == 2 && !r.input(0).equals(r.input(1))) {
            long[] other = g.shape(r.input(r.input(0).equals(v) ? 1 : 0));
            channelMul = other != null && other.length == 4 && other[1] == shape[1] && other[2] == 1 && other[3] == 1;
        }
        String y = r.output();
        List<Node> readers = g.consumers(y);
        if (!(pool || channelMul) || readers.isEmpty() || g.isGraphOutput(y)
                || !readers.stream().allMatch(c -> readsAsLayerInput(c, y, g))) {
            return null;
        }
        return readers;
    }

    /**
     * Measures per-channel ranges on the calibration images and rewrites the graph.
     *
     * @return the rewritten graph and the number of equalised activations
     */
    public static Result apply(GraphExecutor floatEngine, Graph g, Preprocessor pre, List<Path> images, int batch,
            double alpha) {
        return apply(floatEngine, g, pre, images, batch, alpha, Mode.MULS);
    }

    /** {@link #apply(GraphExecutor, Graph, Preprocessor, List, int, double)} with the given {@link Mode}. */
    public static Result apply(GraphExecutor floatEngine, Graph g, Preprocessor pre, List<Path> images, int batch,
            double alpha, Mode mode) {
        return apply(floatEngine, g, pre, images, batch, alpha, mode, new EqualizationSearch.Bits(0, 0));
    }

    /**
     * As {@link #apply(GraphExecutor, Graph, Preprocessor, List, int, double, Mode)}; with {@code weightBits} and
     * {@code activationBits} positive, each activation's strength is searched ({@link EqualizationSearch}) instead
     * of {@code alpha}, and an activation may stay as it is; the weight error is estimated on the run's weight grid
     * ({@code --weight-grid}: affine at the bits where it makes layers affine).
     */
    public static Result apply(GraphExecutor floatEngine, Graph g, Preprocessor pre, List<Path> images, int batch,
            double alpha, Mode mode, int weightBits, int activationBits, WeightGrid grid) {
        return apply(floatEngine, g, pre, images, batch, alpha, mode,
                new EqualizationSearch.Bits(weightBits, activationBits, grid));
    }

    private static Result apply(GraphExecutor floatEngine, Graph g, Preprocessor pre, List<Path> images, int batch,
            double alpha, Mode mode, EqualizationSearch.Bits bits) {
        Map<String, List<Node>> cands = candidates(g, mode);
        Map<String, double[]> meanSquare = new HashMap<>();
        Map<String, double[]> range = measureRanges(floatEngine, pre, images, batch, cands.keySet(), meanSquare);
        Rewrite rw = new Rewrite(g, mode);
        EqualizationSearch.Bits search = bits.weights() > 0 && bits.activations() > 0 ? bits : null;
        int equalized = rw.chooseFactors(cands, range, alpha, meanSquare, search);
        List<Node> nodes = rw.rewriteNodes();
        Graph out = g.withNodes(nodes, rw.inits, rw.shapes);
        // drop weights no longer read
        Set<String> used = new HashSet<>();
        out.nodes().forEach(n -> used.addAll(n.inputs()));
        Map<String, ConstTensor> kept = new LinkedHashMap<>();
        out.initializers().forEach((k, v) -> {
            if (used.contains(k)) {
                kept.put(k, v);
            }
        });
        return new Result(out.withNodes(out.nodes(), kept, out.shapes()), equalized, equalized - rw.mulAfter.size());
    }

    /**
     * Per-channel max |x| of each named activation over the calibration images; {@code meanSquare} receives the
     * per-channel mean of x^2.
     */
    private static Map<String, double[]> measureRanges(GraphExecutor floatEngine, Preprocessor pre, List<Path> images,
            int batch, Set<String> names, Map<String, double[]> meanSquare) {
        Map<String, double[]> range = new HashMap<>();
        Map<String, long[]> counts = new HashMap<>();
        Calibrator.observe(floatEngine, pre, images, batch, names, (name, t) -> {
            long[] s = t.shape();
            int c = (int) s[1];
            int hw = (int) (s[2] * s[3]);
            double[] r = range.computeIfAbsent(name, k -> new double[c]);
            double[] sq = meanSquare.computeIfAbsent(name, k -> new double[c]);
            long[] n = counts.computeIfAbsent(name, k -> new long[1]);
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                int ch = (i / hw) % c;
                double a = Math.abs(d[i]);
                sq[ch] += a * a;
                if (a > r[ch]) {
                    r[ch] = a;
                }
            }
            n[0] += d.length / c;
        }, done -> { });
        meanSquare.forEach((name, sq) -> {
            for (int ch = 0; ch < sq.length; ch++) {
                sq[ch] /= Math.max(1, counts.get(name)[0]);
            }
        });
        return range;
    }

    /** The graph rewrite under construction: new initializers, the inserted Muls and the per-layer factors. */
    private static final class Rewrite {
        final Graph g;
        final Mode mode;
        final Map<String, ConstTensor> inits;
        final Map<String, long[]> shapes;
        final Map<String, String> rename = new HashMap<>();
        final Map<String, Node> mulAfter = new HashMap<>();
        // nodes replaced by name (a hard-swish's Add by its gate convolution)
        final Map<String, Node> replace = new HashMap<>();
        // nodes removed by name (a hard-swish's division, folded into its gate)
        final Set<String> removed = new HashSet<>();
        // per convolution: factors on its input channels (it reads an equalised value) and on its output
        // channels (the 1/s of the value it produces, folded in)
        final Map<String, double[]> inFactors = new HashMap<>();
        final Map<String, double[]> outDivisors = new HashMap<>();

        Rewrite(Graph g, Mode mode) {
            this.g = g;
            this.mode = mode;
            inits = new LinkedHashMap<>(g.initializers());
            shapes = new HashMap<>(g.shapes());
        }

        /**
         * Chooses the factors of every measured candidate (at {@code alpha}, or searched when {@code search} is
         * given), and where its 1/s goes (the producing convolution, or an inserted Mul). Returns the number of
         * equalised activations.
         */
        int chooseFactors(Map<String, List<Node>> cands, Map<String, double[]> range, double alpha,
                Map<String, double[]> meanSquare, EqualizationSearch.Bits search) {
            int equalized = 0;
            for (var e : cands.entrySet()) {
                String x = e.getKey();
                double[] r = range.get(x);
                if (r == null) {
                    continue;
                }
                double[] s = search == null ? factors(r, e.getValue(), g, alpha)
                        : EqualizationSearch.choose(r, meanSquare.get(x), e.getValue(), g, search);
                if (s == null || !placeDivisor(x, s)) {
                    continue;
                }
                equalized++;
                for (Node layer : e.getValue()) {
                    inFactors.put(layer.name(), s);
                }
            }
            return equalized;
        }

        /** Puts x's 1/s where the mode allows; false when it has nowhere to go (x is then not equalised). */
        private boolean placeDivisor(String x, double[] s) {
            Node producer = foldTarget(g, x);
            if (producer != null) {
                outDivisors.put(producer.name(), s);
                return true;
            }
            if (mode == Mode.MULS) {
                insertMul(x, s);
                return true;
            }
            HardSwishFold hs = HardSwishFold.match(g, x);
            if (hs == null) {
                return false;
            }
            outDivisors.put(hs.conv().name(), s);
            replace.putAll(hs.rewrite(g, s, inits, shapes));
            if (hs.dropped() != null) {
                removed.add(hs.dropped().name());
            }
            return true;
        }

        /** x' = x * (1/s) by an inserted Mul; the reading layers are renamed to x' by {@link #rewriteNodes}. */
        private void insertMul(String x, double[] s) {
            float[] inv = new float[s.length];
            for (int c = 0; c < s.length; c++) {
                inv[c] = (float) (1.0 / s[c]);
            }
            String invName = x + "__eq_inv_scale";
            String eq = x + "__equalized";
            inits.put(invName, ConstTensor.ofFloats(new long[] {1, s.length, 1, 1}, inv));
            shapes.put(invName, new long[] {1, s.length, 1, 1});
            shapes.put(eq, g.shape(x));
            mulAfter.put(x, new Node(x + MUL_SUFFIX, OpType.Mul, List.of(x, invName), List.of(eq),
                    new Attributes(Map.of(MARK, new Attr.Int(1)))));
            rename.put(x, eq);
        }

        /** The nodes with rescaled weights and biases, renamed inputs and the inserted Muls. */
        List<Node> rewriteNodes() {
            List<Node> nodes = new ArrayList<>();
            for (Node original : g.nodes()) {
                if (removed.contains(original.name())) {
                    continue;
                }
                Node n = replace.getOrDefault(original.name(), original);
                List<String> ins = new ArrayList<>(n.inputs());
                double[] in = inFactors.get(n.name());
                double[] out = outDivisors.get(n.name());
                if (in != null || out != null) {
                    rescale(n, ins, in, out);
                }
                if (!ins.isEmpty() && rename.containsKey(ins.get(0)) && n.op() == OpType.Conv) {
                    ins.set(0, rename.get(n.input(0)));
                }
                nodes.add(n.withInputs(ins));
                for (String o : n.outputs()) {
                    Node m = mulAfter.get(o);
                    if (m != null) {
                        nodes.add(m);
                    }
                }
            }
            for (var in : g.inputs()) {
                Node m = mulAfter.get(in.name());
                if (m != null) {
                    nodes.add(0, m);
                }
            }
            return nodes;
        }

        /** A rescaled copy of n's weight (and, with output divisors, of its bias), set in {@code ins}. */
        private void rescale(Node n, List<String> ins, double[] in, double[] out) {
            String w = n.input(1);
            String newW = w + "__eq_" + n.name();
            ConstTensor wt = g.constant(w);
            inits.put(newW, ConstTensor.ofFloats(wt.shape(), rescaledWeight(wt, n, in, out)));
            shapes.put(newW, wt.shape());
            ins.set(1, newW);
            if (out != null && ins.size() > 2 && !ins.get(2).isEmpty()) {
                float[] bias = g.constant(ins.get(2)).floats().clone();
                for (int o = 0; o < bias.length; o++) {
                    bias[o] = (float) (bias[o] / out[o]);
                }
                String newB = ins.get(2) + "__eq_" + n.name();
                inits.put(newB, ConstTensor.ofFloats(new long[] {bias.length}, bias));
                shapes.put(newB, new long[] {bias.length});
                ins.set(2, newB);
            }
        }
    }

    /**
     * @param equalized activations equalised
     * @param folded    of those, the ones whose 1/s went into the producing convolution (no Mul inserted)
     */
    public record Result(Graph graph, int equalized, int folded) {
    }

    /**
     * The convolution that can take x's 1/s on its output channels, exactly: x is its output, or the
     * output of a Relu/LeakyRelu that alone reads it (both commute with a positive per-channel scale,
     * relu(y / s) = relu(y) / s). This is the cross-layer equalisation of Nagel et al., "Data-Free
     * Quantization Through Weight Equalization and Bias Correction" (ICCV 2019); it leaves no Mul in the
     * graph, so the quantized layers still fuse. Null when x comes from anything else (SiLU, hard-swish,
     * a Concat, the graph input).
     */
    static Node foldTarget(Graph g, String x) {
        Node p = g.producer(x);
        if (p != null && (p.op() == OpType.Relu || p.op() == OpType.LeakyRelu)) {
            String y = p.input(0);
            if (g.consumers(y).size() != 1 || g.isGraphOutput(y)) {
                return null;
            }
            p = g.producer(y);
        }
        if (p == null || p.op() != OpType.Conv || !g.isConstant(p.input(1)) || p.outputs().size() != 1
                || (p.inputs().size() > 2 && !p.input(2).isEmpty() && !g.isConstant(p.input(2)))) {
            return null;
        }
        return p;
    }

    /** W'[o, c, ...] = W[o, c, ...] * in[c] / out[o] (either may be null = all ones). */
    static float[] rescaledWeight(ConstTensor wt, Node layer, double[] in, double[] out) {
        float[] wv = wt.floats().clone();
        long[] ws = wt.shape();
        int groups = (int) layer.attrs().getInt("group", 1);
        int cinPerGroup = (int) ws[1];
        int cout = (int) ws[0];
        int k = (int) (wv.length / (ws[0] * ws[1]));
        int coutPerGroup = cout / groups;
        for (int o = 0; o < cout; o++) {
            int gidx = o / coutPerGroup;
            double div = out == null ? 1 : out[o];
            for (int ci = 0; ci < cinPerGroup; ci++) {
                int c = gidx * cinPerGroup + ci;
                double f = (in == null ? 1 : in[c]) / div;
                for (int j = 0; j < k; j++) {
                    int idx = (o * cinPerGroup + ci) * k + j;
                    wv[idx] = (float) (wv[idx] * f);
                }
            }
        }
        return wv;
    }

    /** s_c per the class comment, or null when the activation has no usable range. */
    static double[] factors(double[] r, List<Node> readers, Graph g, double alpha) {
        int c = r.length;
        double[] w = new double[c];
        boolean depthwise = true;
        for (Node layer : readers) {
            ConstTensor wt = g.constant(layer.input(1));
            long[] ws = wt.shape();
            int groups = (int) layer.attrs().getInt("group", 1);
            depthwise &= groups == c && ws[1] == 1;
            int cinPerGroup = (int) ws[1];
            int cout = (int) ws[0];
            int k = (int) (wt.size() / (ws[0] * ws[1]));
            int coutPerGroup = cout / groups;
            float[] wv = wt.floats();
            for (int o = 0; o < cout; o++) {
                int gidx = o / coutPerGroup;
                for (int ci = 0; ci < cinPerGroup; ci++) {
                    int ch = gidx * cinPerGroup + ci;
                    for (int j = 0; j < k; j++) {
                        w[ch] = Math.max(w[ch], Math.abs(wv[(o * cinPerGroup + ci) * k + j]));
                    }
                }
            }
        }
        double a = depthwise ? 1.0 : alpha;
        double[] s = new double[c];
        double logSum = 0;
        int n = 0;
        for (int i = 0; i < c; i++) {
            if (r[i] <= 0 || w[i] <= 0) {
                s[i] = Double.NaN;
                continue;
            }
            s[i] = Math.pow(r[i], a) / Math.pow(w[i], 1 - a);
            logSum += Math.log(s[i]);
            n++;
        }
        if (n == 0) {
            return null;
        }
        double gm = Math.exp(logSum / n);
        for (int i = 0; i < c; i++) {
            s[i] = Double.isNaN(s[i]) ? 1.0 : Math.max(1e-2, Math.min(1e2, s[i] / gm));
        }
        return s;
    }
}
