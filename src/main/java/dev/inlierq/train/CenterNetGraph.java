package dev.inlierq.train;

import dev.inlierq.graph.BatchNormFold;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.ValueInfo;
import dev.inlierq.train.GraphAssembler.Init;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the CenterNet-style detector (Zhou, Wang and Krähenbühl, "Objects as Points", 2019) of an
 * {@link Architecture} as a graph, with weights drawn from a seed:
 * <pre>
 *   images [N,3,S,S] -> stem 3x3/2 conv, SiLU
 *   4 stages: 3x3/2 depthwise + 1x1 pointwise (SiLU after each), then residual blocks
 *             x + pw(SiLU(dw3x3(SiLU(pw(x)))))   (expansion e, linear projection back)   strides 4, 8, 16, 32
 *   neck: 1x1 lateral of stride 32, then for strides 16, 8, 4: upsample by 2 (nearest), add the 1x1 lateral of
 *         that stage, depthwise-separable 3x3 (SiLU)
 *   heads at stride 4: a trunk (dw 3x3, pw, SiLU) for the heatmap, one for size and offset; 1x1 outputs
 *   heatmap [N,C,S/4,S/4] logits, size [N,2,..] = exp(1x1 conv) (w, h in cells), offset [N,2,..] (sub-cell centre)
 *   with {@link Architecture#yaw()}: yaw [N,2,..] = 1x1 conv on the size/offset trunk, (sin, cos) of the heading
 *   with {@link Architecture#box3d()}: dim [N,3,..] = 1x1 conv on that trunk, (ln length, ln width, ln height),
 *     and z [N,1,..] = 1x1 conv, the centre's height in metres
 * </pre>
 * The heading output is CenterPoint's rotation head (Yin, Zhou and Krähenbühl, "Center-based 3D Object Detection
 * and Tracking", CVPR 2021): a linear 1x1 convolution (no activation, as the offset) regressing the sine and cosine
 * of the yaw, bias 0; the {@code centernet} decoder reads {@code atan2(sin, cos)}. Its weights are drawn after
 * every other layer's, so the other weights are the same with or without it, and without it nothing is drawn.
 * The 3D outputs are CenterPoint's {@code dim} and {@code height} regressions: linear 1x1 convolutions, bias 0, the
 * footprint's length and width (input pixels) and the box's height (metres) as logarithms ({@code dim}), the box
 * centre's height above the ground in metres ({@code z}); their weights are drawn after the heading's, dim first.
 * By default there is no normalisation layer: a convolution's weights start Kaiming-normal (He et al., ICCV 2015),
 * and each residual branch's last projection at a tenth of that, so that every block starts near the identity (as
 * in Fixup, Zhang, Dauphin and Ma, ICLR 2019). With {@link Architecture.Norm#BN} every convolution but the
 * output ones is followed, while training, by a training-mode BatchNormalization (batch statistics; Ioffe and
 * Szegedy, ICML 2015) and has no bias; each residual branch's last BN starts with scale 0 instead, so that blocks
 * start as the identity (Goyal et al., "Accurate, Large Minibatch SGD", 2017, sec. 5.1). The model written is
 * {@link #deployed}: the same layers as without BN, each BN folded into its convolution with its running
 * statistics. The heatmap bias starts at -2.19 (a prior of 0.1, CenterNet's
 * choice; Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017, sec. 4.1), the offset bias at half a cell.
 * Sizes are predicted through an exponential (as FCOS does, Tian et al., ICCV 2019), so that a step changes them
 * by a ratio rather than by a number of cells; its bias starts at the log of a typical object side (30 pixels at
 * 320). The output is still the width and height in cells that the {@code centernet} head family reads.
 */
public final class CenterNetGraph {
    /** Input name (also the spec's {@code input.name}). */
    public static final String INPUT = "images";
    public static final String HEATMAP = "heatmap";
    public static final String SIZE = "size";
    public static final String OFFSET = "offset";
    /** The heading output's name (the spec's {@code head.yaw}). */
    public static final String YAW = "yaw";
    /** The 3D size output's name (the spec's {@code head.dim}). */
    public static final String DIM = "dim";
    /** The centre height output's name (the spec's {@code head.z}). */
    public static final String Z = "z";
    /** CenterNet's heatmap bias: log(0.1 / 0.9). */
    static final float HEATMAP_BIAS = -2.19f;
    private static final double RESIDUAL_GAIN = 0.1;
    private static final double HEAD_STD = 0.01;

    private CenterNetGraph() {
    }

    /**
     * The detector's graph as trained, unprepared, weights drawn from {@code seed}: with BN, its training-mode
     * BatchNormalization nodes (opset 15); without, the graph the ONNX file holds.
     */
    public static Graph build(Architecture a, long seed) {
        return build(a, seed, a.norm() == Architecture.Norm.BN);
    }

    private static Graph build(Architecture a, long seed, boolean batchNorm) {
        GraphAssembler g = new GraphAssembler(seed, batchNorm);
        String x = g.silu(g.convNorm(INPUT, 3, a.stemWidth(), 3, 2, 1, Init.kaiming(1), 1f));
        int c = a.stemWidth();
        List<String> features = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int w = a.widths()[i];
            x = g.silu(g.convNorm(x, c, c, 3, 2, c, Init.kaiming(1), 1f));
            x = g.silu(g.convNorm(x, c, w, 1, 1, 1, Init.kaiming(1), 1f));
            c = w;
            for (int d = 0; d < a.depths()[i]; d++) {
                x = block(g, x, c, a);
            }
            features.add(x);
        }
        int n = a.neckWidth();
        String p = g.silu(g.convNorm(features.get(3), a.widths()[3], n, 1, 1, 1, Init.kaiming(1), 1f));
        for (int i = 2; i >= 0; i--) {
            String lateral = g.convNorm(features.get(i), a.widths()[i], n, 1, 1, 1, Init.kaiming(1), 1f);
            p = g.add(g.upsample2(p), lateral);
            p = g.silu(g.convNorm(p, n, n, 3, 1, n, Init.kaiming(1), 1f));
            p = g.silu(g.convNorm(p, n, n, 1, 1, 1, Init.kaiming(1), 1f));
        }
        int h = a.headWidth();
        String cls = trunk(g, p, n, h);
        g.conv(cls, h, a.numClasses(), 1, 1, 1, Init.normal(HEAD_STD, HEATMAP_BIAS), HEATMAP);
        String box = trunk(g, p, n, h);
        float side = 30f * a.inputSize() / 320 / Architecture.STRIDE;
        g.exp(g.conv(box, h, 2, 1, 1, 1, Init.normal(HEAD_STD, (float) Math.log(side)), null), SIZE);
        g.conv(box, h, 2, 1, 1, 1, Init.normal(HEAD_STD, 0.5f), OFFSET);
        if (a.yaw()) {
            g.conv(box, h, 2, 1, 1, 1, Init.normal(HEAD_STD), YAW);
        }
        if (a.box3d()) {
            g.conv(box, h, 3, 1, 1, 1, Init.normal(HEAD_STD), DIM);
            g.conv(box, h, 1, 1, 1, 1, Init.normal(HEAD_STD), Z);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("inlierq.architecture", a.toString());
        meta.put("inlierq.init_seed", Long.toString(seed));
        return g.build(INPUT, a.inputSize(), outputs(a), meta);
    }

    /**
     * The output names of {@code a}'s graph, in order: heatmap, size, offset, yaw when it has one, dim and z when it
     * has the 3D outputs.
     */
    public static List<String> outputs(Architecture a) {
        return switch (a.boxHead()) {
            case HULL -> List.of(HEATMAP, SIZE, OFFSET);
            case YAW -> List.of(HEATMAP, SIZE, OFFSET, YAW);
            case BOX3D -> List.of(HEATMAP, SIZE, OFFSET, YAW, DIM, Z);
        };
    }

    /**
     * {@code x + pw(SiLU(dw(SiLU(pw(x)))))}, the last projection starting small (without BN) or its BN's scale at
     * zero (with).
     */
    private static String block(GraphAssembler g, String x, int c, Architecture a) {
        int e = c * a.expansion();
        boolean bn = a.norm() == Architecture.Norm.BN;
        String y = g.silu(g.convNorm(x, c, e, 1, 1, 1, Init.kaiming(1), 1f));
        y = g.silu(g.convNorm(y, e, e, 3, 1, e, Init.kaiming(1), 1f));
        y = g.convNorm(y, e, c, 1, 1, 1, Init.kaiming(bn ? 1 : RESIDUAL_GAIN), 0f);
        return g.add(x, y);
    }

    private static String trunk(GraphAssembler g, String p, int n, int h) {
        String t = g.silu(g.convNorm(p, n, n, 3, 1, n, Init.kaiming(1), 1f));
        return g.silu(g.convNorm(t, n, h, 1, 1, 1, Init.kaiming(1), 1f));
    }

    /**
     * The model to write for a trained graph of {@link #build}: itself without BN; with BN, the graph of the same
     * layers without BN nodes (as {@code a} without BN builds it, so opset 13, every convolution with a bias),
     * each BN folded into its convolution with its running statistics ({@link BatchNormFold}).
     */
    public static Graph deployed(Graph trained, Architecture a, long seed) {
        if (a.norm() == Architecture.Norm.NONE) {
            return trained;
        }
        Graph deploy = build(a, seed, false);
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (String name : parameters(deploy)) {
            ConstTensor t = trained.initializers().get(name);
            if (t != null) {
                weights.put(name, t.floats());
            }
        }
        for (Node bn : trained.nodes()) {
            if (bn.op() != OpType.BatchNormalization) {
                continue;
            }
            Node conv = trained.producer(bn.input(0));
            float[] w = trained.constant(conv.input(1)).floats();
            float[] bias = new float[(int) trained.constant(conv.input(1)).shape()[0]];
            float[][] p = new float[4][];
            for (int i = 0; i < 4; i++) {
                p[i] = trained.constant(bn.input(i + 1)).floats();
            }
            BatchNormFold.apply(w, bias, p[0], p[1], p[2], p[3], bn.attrs().getFloat("epsilon", 1e-5f));
            weights.put(conv.input(1), w);
            weights.put(conv.name() + ".bias", bias);
        }
        if (!weights.keySet().containsAll(parameters(deploy))) {
            throw new IllegalStateException("the trained graph does not give every deployed weight");
        }
        return withWeights(deploy, weights);
    }

    /** The same graph with an input of {@code [1, 3, side, side]} (itself when that is its input already). */
    public static Graph withInputSide(Graph g, int side) {
        ValueInfo in = g.inputs().get(0);
        long[] shape = {1, 3, side, side};
        if (Arrays.equals(in.shape(), shape)) {
            return g;
        }
        return g.withInputs(List.of(new ValueInfo(in.name(), in.type(), shape)))
                .withNodes(g.nodes(), g.initializers(), Map.of(in.name(), shape));
    }

    /**
     * A written model of {@code a} re-declared with a {@code side x side} input (every layer is convolutional and
     * the up-sampling goes by scales, so the same weights run at any multiple of 32): the model a user runs on
     * inputs stretched to {@code side}. Its {@code inlierq.architecture} metadata names the new side and
     * {@code inlierq.trained_input} the side it was trained at. The same graph when {@code side} is a's own.
     */
    public static Graph atInputSide(Graph deployed, Architecture a, int side) {
        if (side == a.inputSize()) {
            return deployed;
        }
        Graph g = withInputSide(deployed, side);
        Map<String, String> meta = new LinkedHashMap<>(g.metadata());
        meta.put("inlierq.architecture", a.toBuilder().inputSize(side).build().toString());
        meta.put("inlierq.trained_input", Integer.toString(a.inputSize()));
        return new Graph(g.nodes(), g.initializers(), g.inputs(), g.outputs(), g.shapes(), g.opset(), meta);
    }

    /** The same graph with these floating initializers replaced (trained weights), every other one kept. */
    public static Graph withWeights(Graph g, Map<String, float[]> weights) {
        Map<String, ConstTensor> inits = new LinkedHashMap<>(g.initializers());
        for (var e : weights.entrySet()) {
            ConstTensor old = inits.get(e.getKey());
            if (old == null || !old.isFloating()) {
                throw new IllegalArgumentException("no float initializer " + e.getKey());
            }
            inits.put(e.getKey(), ConstTensor.ofFloats(old.shape(), e.getValue()));
        }
        return g.withNodes(g.nodes(), inits, g.shapes());
    }

    /** The names of the trainable initializers (convolution weights and biases, BN scales and shifts), in order. */
    public static List<String> parameters(Graph g) {
        return g.initializers().keySet().stream().filter(k -> k.endsWith(".weight") || k.endsWith(".bias")
                || k.endsWith(".gamma") || k.endsWith(".beta")).toList();
    }

    /**
     * The running statistics of the training-mode BN nodes: each node's running-mean and running-variance output
     * (keys) and the initializer it replaces after a step (values), in node order.
     */
    public static Map<String, String> runningStatistics(Graph g) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            if (BatchNormFold.isTrainingMode(n)) {
                m.put(n.outputs().get(1), n.input(3));
                m.put(n.outputs().get(2), n.input(4));
            }
        }
        return m;
    }
}
