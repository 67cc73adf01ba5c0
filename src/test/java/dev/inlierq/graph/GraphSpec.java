package dev.inlierq.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-built {@link Graph} as the ONNX reader would give it: float inputs with declared shapes (known to the
 * shape map, as the reader records them), initializers, nodes in order, outputs, one opset.
 */
final class GraphSpec {
    private final int opset;
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final Map<String, ConstTensor> inits = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();

    private GraphSpec(int opset) {
        this.opset = opset;
    }

    static GraphSpec opset(int opset) {
        return new GraphSpec(opset);
    }

    GraphSpec input(String name, long... shape) {
        inputs.add(new ValueInfo(name, DType.FLOAT, shape));
        return this;
    }

    /** An input declared without a shape. */
    GraphSpec unshapedInput(String name) {
        inputs.add(new ValueInfo(name, DType.FLOAT, null));
        return this;
    }

    GraphSpec init(String name, ConstTensor t) {
        inits.put(name, t);
        return this;
    }

    GraphSpec floats(String name, long[] shape, float... values) {
        return init(name, ConstTensor.ofFloats(shape, values));
    }

    GraphSpec longs(String name, long... values) {
        return init(name, ConstTensor.vector(values));
    }

    GraphSpec scalarLong(String name, long value) {
        return init(name, ConstTensor.ofLongs(new long[0], new long[] {value}));
    }

    GraphSpec node(Nodes.Spec n) {
        nodes.add(n.build());
        return this;
    }

    GraphSpec output(String... names) {
        for (String n : names) {
            outputs.add(new ValueInfo(n, DType.FLOAT, null));
        }
        return this;
    }

    Graph build() {
        Map<String, long[]> shapes = new HashMap<>();
        for (ValueInfo v : inputs) {
            if (v.shape() == null) {
                continue;
            }
            shapes.put(v.name(), v.shape());
        }
        return new Graph(nodes, inits, inputs, outputs, shapes, opset, Map.of());
    }

    Graph prepare() {
        return GraphPreparer.prepare(build());
    }

    /** The ops of a graph's nodes, in order, e.g. "[Conv, Relu]". */
    static String ops(Graph g) {
        return g.nodes().stream().map(Node::op).toList().toString();
    }
}
