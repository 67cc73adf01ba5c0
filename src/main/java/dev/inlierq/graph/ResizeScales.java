package dev.inlierq.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the constant {@code sizes} of a Resize into {@code scales} when only spatial axes are resized. Sizes
 * computed from {@code Shape} of a tensor ({@code Concat(Slice(Shape(x), 0, 2), [H, W])}) fold to
 * constants at the preparer's batch 1, and a batch-1 size would then resize the batch axis of any larger
 * batch (ONNX Runtime refuses a linear Resize whose outer scales are not 1). Scales of 1 on the batch and
 * channel axes keep those axes as they come, at any batch. The scale of a resized axis is
 * {@code (float) size / input}, which is what ONNX Runtime and the engine derive from sizes, nudged up by
 * float32 ulps until the output size {@code floor(input * scale)} (in float32, as ONNX Runtime computes
 * it) is the size again.
 */
final class ResizeScales {
    private ResizeScales() {
    }

    static Graph apply(Graph g) {
        if (g.opset() < 11) {
            return g; // Resize-10 has scales only
        }
        Map<String, ConstTensor> inits = new LinkedHashMap<>(g.initializers());
        Map<String, long[]> shapes = new HashMap<>(g.shapes());
        List<Node> nodes = new ArrayList<>();
        boolean changed = false;
        for (Node n : g.nodes()) {
            float[] scales = n.op() == OpType.Resize ? scalesFor(n, g) : null;
            if (scales == null) {
                nodes.add(n);
                continue;
            }
            String name = n.name() + "__scales";
            for (int k = 2; inits.containsKey(name) || g.producer(name) != null; k++) {
                name = n.name() + "__scales_" + k;
            }
            inits.put(name, ConstTensor.ofFloats(new long[] {scales.length}, scales));
            shapes.put(name, new long[] {scales.length});
            nodes.add(n.withInputs(List.of(n.input(0), n.input(1), name)));
            changed = true;
        }
        return changed ? g.withNodes(nodes, inits, shapes) : g;
    }

    /** The scales equivalent to the node's constant sizes, or null when it has none or they resize N or C. */
    private static float[] scalesFor(Node n, Graph g) {
        if (n.inputs().size() < 4 || n.input(3).isEmpty() || !g.isConstant(n.input(3))
                || n.attrs().getInts("axes", null) != null
                || !"stretch".equals(n.attrs().getString("keep_aspect_ratio_policy", "stretch"))) {
            return null;
        }
        long[] in = g.shape(n.input(0));
        long[] sizes = g.constant(n.input(3)).longs();
        if (in == null || sizes.length != in.length || in.length < 3 || sizes[0] != in[0] || sizes[1] != in[1]) {
            return null;
        }
        float[] s = new float[sizes.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = i < 2 ? 1f : (float) sizes[i] / in[i];
            while ((long) Math.floor((float) in[i] * s[i]) < sizes[i]) {
                s[i] = Math.nextUp(s[i]);
            }
        }
        return s;
    }
}
