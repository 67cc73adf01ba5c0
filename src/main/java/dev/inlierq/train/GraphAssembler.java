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
 * SiLU as {@code Sigmoid} and {@code Mul} (as exported nets spell it), {@code Add} and a nearest {@code Resize} by
 * 2. Values and nodes get sequential names; initializers keep their creation order.
 */
final class GraphAssembler {
    /** Default-domain opset of the graphs built here. */
    static final int OPSET = 13;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, ConstTensor> inits = new LinkedHashMap<>();
    private final SplittableRandom rng;
    private int counter;

    GraphAssembler(long seed) {
        this.rng = new SplittableRandom(seed);
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
        inits.put(bName, ConstTensor.ofFloats(new long[] {outC}, b));
        Map<String, Attr> attrs = new LinkedHashMap<>();
        attrs.put("kernel_shape", new Attr.Ints(new long[] {k, k}));
        attrs.put("strides", new Attr.Ints(new long[] {stride, stride}));
        attrs.put("pads", new Attr.Ints(new long[] {k / 2, k / 2, k / 2, k / 2}));
        attrs.put("group", new Attr.Int(groups));
        String out = name != null ? name : id;
        nodes.add(new Node(id, OpType.Conv, List.of(x, wName, bName), List.of(out), new Attributes(attrs)));
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
        return new Graph(nodes, inits, List.of(new ValueInfo(input, DType.FLOAT, inShape)), outs, shapes, OPSET,
                metadata);
    }
}
