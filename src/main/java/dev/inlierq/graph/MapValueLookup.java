package dev.inlierq.graph;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link ValueLookup} over two mutable maps, the shapes and the constants known so far, at one opset: what
 * {@link GraphPreparer} fills while it walks a graph. A constant's shape is always known too.
 */
class MapValueLookup implements ValueLookup {
    /** Static shapes by value name. */
    final Map<String, long[]> shapes = new HashMap<>();
    /** Constants by value name, in the order they were put. */
    final Map<String, ConstTensor> consts = new LinkedHashMap<>();
    private final int opset;

    MapValueLookup(int opset) {
        this.opset = opset;
    }

    /** The shapes and initializers of {@code g}, at its opset. */
    static MapValueLookup of(Graph g) {
        MapValueLookup v = new MapValueLookup(g.opset());
        v.shapes.putAll(g.shapes());
        g.initializers().forEach(v::putConstant);
        return v;
    }

    /** Records constant {@code t} of value {@code name}, and its shape. */
    final void putConstant(String name, ConstTensor t) {
        consts.put(name, t);
        shapes.put(name, t.shape());
    }

    @Override
    public final long[] shape(String value) {
        return shapes.get(value);
    }

    @Override
    public final ConstTensor constant(String value) {
        return consts.get(value);
    }

    @Override
    public final int opset() {
        return opset;
    }
}
