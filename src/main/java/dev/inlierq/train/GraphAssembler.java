package dev.inlierq.train;

import dev.inlierq.graph.Attr;
import dev.inlierq.graph.Attributes;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.DType;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Appends layers to a graph under construction: convolutions with bias (weights drawn from a seeded stream),
 * optionally followed by a training-mode {@code BatchNormalization}, SiLU as {@code Sigmoid} and {@code Mul} (as
 * exported nets spell it), {@code Add} and a nearest {@code Resize} by 2. Values and nodes get sequential names;
 * initializers keep their creation order. A BN takes its names from its convolution's (node {@code convN.bn},
 * parameters {@code convN.bn.gamma}, {@code .beta}, running statistics {@code .mean}, {@code .var}) and draws
 * nothing from the stream, so the same layers without BN get the same names and weights.
 */
final class GraphAssembler {
    /** Default-domain opset of the graphs built here. */
    static final int OPSET = 13;
    /** Opset of a graph with training-mode BatchNormalization (its {@code training_mode} attribute: 14+). */
    static final int TRAINING_OPSET = 15;
    /** BN epsilon (PyTorch's and ONNX's default). */
    static final float BN_EPS = 1e-5f;
    /** Weight of the old running statistics per step (ONNX's default; PyTorch's momentum 0.1). */
    static final float BN_MOMENTUM = 0.9f;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, ConstTensor> inits = new LinkedHashMap<>();
    private final SplittableRandom rng;
    private final boolean batchNorm;
    private int counter;

    /**
     * @param batchNorm whether {@link #convNorm} adds a training-mode BN after its convolution (else it is a
     *                  plain convolution with bias, as deployed)
     */
    GraphAssembler(long seed, boolean batchNorm) {
        this.rng = new SplittableRandom(seed);
        this.batchNorm = batchNorm;
    }

    /**
     * How a convolution's parameters start: weights normal with standard deviation {@code scale} times
     * {@code sqrt(2 / fan_in)} when {@code kaiming} (He et al., "Delving deep into rectifiers", ICCV 2015, eq. 10),
     * else {@code scale}; biases zero, or {@code bias} (one value for every channel, or one per channel).
     */
    record Init(boolean kaiming, double scale, float[] bias) {
        static Init kaiming(double gain) {
            return new Init(true, gain, null);
        }

        static Init normal(double std, float... bias) {
            return new Init(false, std, bias.clone());
        }
    }

    /**
     * A convolution with bias and "same" padding (odd kernels), its parameters drawn as {@code init} says.
     *
     * @param name the output value's name, or null for a generated one
     */
    String conv(String x, int inC, int outC, int k, int stride, int groups, Init init, String name) {
        return conv(x, inC, outC, k, stride, groups, init, name, true);
    }

    /**
     * A convolution (bias zero) followed, when this assembler normalises, by a training-mode BN with scale
     * {@code gamma} and shift 0, running mean 0 and variance 1; the convolution then has no bias (the BN removes
     * any constant).
     */
    String convNorm(String x, int inC, int outC, int k, int stride, int groups, Init init, float gamma) {
        String conv = conv(x, inC, outC, k, stride, groups, init, null, !batchNorm);
        if (!batchNorm) {
            return conv;
        }
        String id = conv + ".bn";
        float[] scale = new float[outC];
        java.util.Arrays.fill(scale, gamma);
        float[] ones = new float[outC];
        java.util.Arrays.fill(ones, 1f);
        long[] c = {outC};
        inits.put(id + ".gamma", ConstTensor.ofFloats(c, scale));
        inits.put(id + ".beta", ConstTensor.ofFloats(c, new float[outC]));
        inits.put(id + ".mean", ConstTensor.ofFloats(c, new float[outC]));
        inits.put(id + ".var", ConstTensor.ofFloats(c, ones));
        Map<String, Attr> attrs = new LinkedHashMap<>();
        attrs.put("epsilon", new Attr.Float(BN_EPS));
        attrs.put("momentum", new Attr.Float(BN_MOMENTUM));
        attrs.put("training_mode", new Attr.Int(1));
        nodes.add(new Node(id, OpType.BatchNormalization,
                List.of(conv, id + ".gamma", id + ".beta", id + ".mean", id + ".var"),
                List.of(id, id + ".running_mean", id + ".running_var"), new Attributes(attrs)));
        return id;
    }

    private String conv(String x, int inC, int outC, int k, int stride, int groups, Init init, String name,
            boolean withBias) {
        String id = "conv" + (counter++);
        int fanIn = inC / groups * k * k;
        double std = init.kaiming() ? init.scale() * Math.sqrt(2.0 / fanIn) : init.scale();
        float[] w = new float[outC * fanIn];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rng.nextGaussian() * std);
        }
        float[] b = new float[outC];
        if (init.bias() != null && init.bias().length > 0) {
            for (int i = 0; i < outC; i++) {
                b[i] = init.bias()[init.bias().length == 1 ? 0 : i];
            }
        }
        String wName = id + ".weight";
        String bName = id + ".bias";
        inits.put(wName, ConstTensor.ofFloats(new long[] {outC, inC / groups, k, k}, w));
        if (withBias) {
            inits.put(bName, ConstTensor.ofFloats(new long[] {outC}, b));
        }
        Map<String, Attr> attrs = new LinkedHashMap<>();
        attrs.put("kernel_shape", new Attr.Ints(new long[] {k, k}));
        attrs.put("strides", new Attr.Ints(new long[] {stride, stride}));
        attrs.put("pads", new Attr.Ints(new long[] {k / 2, k / 2, k / 2, k / 2}));
        attrs.put("group", new Attr.Int(groups));
        String out = name != null ? name : id;
        List<String> ins = withBias ? List.of(x, wName, bName) : List.of(x, wName);
        nodes.add(new Node(id, OpType.Conv, ins, List.of(out), new Attributes(attrs)));
        return out;
    }

    /** {@code x * sigmoid(x)}. */
    String silu(String x) {
        String id = "silu" + (counter++);
        nodes.add(new Node(id + ".sigmoid", OpType.Sigmoid, List.of(x), List.of(id + ".s"), Attributes.EMPTY));
        nodes.add(new Node(id, OpType.Mul, List.of(x, id + ".s"), List.of(id), Attributes.EMPTY));
        return id;
    }

    /** {@code exp(x)}, its output named {@code name}. */
    String exp(String x, String name) {
        nodes.add(new Node(name, OpType.Exp, List.of(x), List.of(name), Attributes.EMPTY));
        return name;
    }

    String add(String a, String b) {
        String id = "add" + (counter++);
        nodes.add(new Node(id, OpType.Add, List.of(a, b), List.of(id), Attributes.EMPTY));
        return id;
    }

    /** Nearest-neighbour upsampling by 2 (Resize, asymmetric coordinates, floor: each pixel repeated). */
    String upsample2(String x) {
        String id = "up" + (counter++);
        String scales = id + ".scales";
        inits.put(scales, ConstTensor.ofFloats(new long[] {4}, new float[] {1, 1, 2, 2}));
        Map<String, Attr> attrs = new LinkedHashMap<>();
        attrs.put("mode", new Attr.Str("nearest"));
        attrs.put("coordinate_transformation_mode", new Attr.Str("asymmetric"));
        attrs.put("nearest_mode", new Attr.Str("floor"));
        nodes.add(new Node(id, OpType.Resize, List.of(x, "", scales), List.of(id), new Attributes(attrs)));
        return id;
    }

    /** The graph: one float input {@code [1, 3, side, side]} and the named outputs. */
    Graph build(String input, int side, List<String> outputs, Map<String, String> metadata) {
        List<ValueInfo> outs = outputs.stream().map(o -> new ValueInfo(o, DType.FLOAT, null)).toList();
        long[] inShape = {1, 3, side, side};
        Map<String, long[]> shapes = new HashMap<>();
        shapes.put(input, inShape);
        return new Graph(nodes, inits, List.of(new ValueInfo(input, DType.FLOAT, inShape)), outs, shapes,
                batchNorm ? TRAINING_OPSET : OPSET, metadata);
    }
}
