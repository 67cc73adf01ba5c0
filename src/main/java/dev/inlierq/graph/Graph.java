package dev.inlierq.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Immutable graph IR: nodes in topological order, constant initializers, graph inputs and outputs, the
 * statically inferred shape of every value that has one, the default-domain opset, and the model's
 * metadata. Transforms return new graphs.
 */
public final class Graph implements ValueLookup {
    private final List<Node> nodes;
    private final Map<String, ConstTensor> initializers;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final Map<String, long[]> shapes;
    private final int opset;
    private final Map<String, String> metadata;
    private final Map<String, Node> producers = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();

    public Graph(List<Node> nodes, Map<String, ConstTensor> initializers, List<ValueInfo> inputs,
            List<ValueInfo> outputs, Map<String, long[]> shapes, int opset, Map<String, String> metadata) {
        this.nodes = List.copyOf(nodes);
        this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        Map<String, long[]> s = new HashMap<>();
        shapes.forEach((k, v) -> s.put(k, v.clone()));
        this.shapes = Collections.unmodifiableMap(s);
        this.opset = opset;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        for (Node n : this.nodes) {
            for (String o : n.outputs()) {
                producers.put(o, n);
            }
            for (String i : n.inputs()) {
                if (!i.isEmpty()) {
                    consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
                }
            }
        }
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Map<String, ConstTensor> initializers() {
        return initializers;
    }

    public List<ValueInfo> inputs() {
        return inputs;
    }

    public List<ValueInfo> outputs() {
        return outputs;
    }

    @Override
    public int opset() {
        return opset;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Statically known shape of a value, or null. */
    @Override
    public long[] shape(String value) {
        long[] s = shapes.get(value);
        return s == null ? null : s.clone();
    }

    public Map<String, long[]> shapes() {
        return shapes;
    }

    public boolean isConstant(String value) {
        return initializers.containsKey(value);
    }

    @Override
    public ConstTensor constant(String value) {
        return initializers.get(value);
    }

    /** The node producing a value, or null for graph inputs and initializers. */
    public Node producer(String value) {
        return producers.get(value);
    }

    /** The nodes consuming a value (empty if none). */
    public List<Node> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /**
     * The bias of a layer (its third input) when it is a constant that no other node reads, else null: a bias
     * that bias correction may change for this layer alone.
     */
    public String ownBias(Node layer) {
        if (layer.inputs().size() < 3) {
            return null;
        }
        String bias = layer.input(2);
        return isConstant(bias) && consumers(bias).stream().distinct().count() == 1 ? bias : null;
    }

    public boolean isGraphOutput(String value) {
        return outputs.stream().anyMatch(o -> o.name().equals(value));
    }

    /** Number of nodes per op type, in first-seen order. */
    public Map<OpType, Integer> opCounts() {
        Map<OpType, Integer> m = new LinkedHashMap<>();
        for (Node n : nodes) {
            m.merge(n.op(), 1, Integer::sum);
        }
        return m;
    }

    public Graph withNodes(List<Node> newNodes, Map<String, ConstTensor> newInitializers, Map<String, long[]> newShapes) {
        return new Graph(newNodes, newInitializers, inputs, outputs, newShapes, opset, metadata);
    }

    public Graph withInputs(List<ValueInfo> newInputs) {
        return new Graph(nodes, initializers, newInputs, outputs, shapes, opset, metadata);
    }
}
