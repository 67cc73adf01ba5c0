package dev.inlierq.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a channel shuffle that ends in Gathers (ShuffleNetV2's "split after shuffle", as FastestDet exports it:
 * {@code Reshape [C/2, 2, HW] -> Transpose (1, 0, 2) -> Reshape [2, 1, C/2, H, W] -> Gather 0 / Gather 1}) into
 * one strided {@code Slice} along the channel axis per Gather ({@code x[:, 0::2]} and {@code x[:, 1::2]}).
 *
 * <p>The result is the same tensor, but ONNX Runtime's layout optimiser can carry its NHWC layout through a Slice
 * (it adjusts the axis), not through a Reshape: on a fused int8 FastestDet the shuffles cost 42 of its 46
 * layout Transposes (docs/experiments.md, stop 26). A chain qualifies when it starts at a 4-D tensor of batch 1,
 * its Reshapes and Transposes each feed only the next, it ends in Gathers with constant scalar indices, and each
 * Gather's output is exactly a strided channel slice of the input. That last condition is checked by running the
 * chain on the input's element indices with the constant folder, so no particular reshape target is assumed.
 * Models with an opset below 10 (Slice without steps) are left as they are.
 */
final class ChannelShuffles {
    private ChannelShuffles() {
    }

    /** A qualifying chain: its input, its Reshape/Transpose nodes, and the Gathers that end it. */
    private record Chain(String input, List<Node> body, List<Node> gathers) {
    }

    static Graph apply(Graph g) {
        if (g.opset() < 10) {
            return g;
        }
        Map<String, Node> slices = new HashMap<>();
        Map<String, ConstTensor> inits = new LinkedHashMap<>(g.initializers());
        Map<String, long[]> shapes = new HashMap<>(g.shapes());
        Set<String> seen = new HashSet<>();
        for (Node n : g.nodes()) {
            if (n.op() != OpType.Reshape || seen.contains(n.name())) {
                continue;
            }
            Chain c = chain(g, n);
            if (c == null) {
                continue;
            }
            c.body().forEach(b -> seen.add(b.name()));
            Map<String, long[]> strided = strided(g, c);
            if (strided == null) {
                continue;
            }
            for (Node gather : c.gathers()) {
                long[] sl = strided.get(gather.name());
                String base = gather.name() + "_slice";
                String[] names = {base + "_starts", base + "_ends", base + "_axes", base + "_steps"};
                long[][] values = {{sl[0]}, {sl[0] + sl[1] * (sl[2] - 1) + 1}, {1}, {sl[1]}};
                for (int i = 0; i < 4; i++) {
                    inits.put(names[i], ConstTensor.vector(values[i]));
                    shapes.put(names[i], new long[] {1});
                }
                slices.put(gather.name(), new Node(base, OpType.Slice, List.of(c.input(), names[0], names[1],
                        names[2], names[3]), List.of(gather.output()), Attributes.EMPTY));
            }
        }
        if (slices.isEmpty()) {
            return g;
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            nodes.add(slices.getOrDefault(n.name(), n));
        }
        return g.withNodes(nodes, inits, shapes); // the chains' nodes are dead now: the preparer removes them
    }

    /** The chain starting at {@code first}, or null when it does not qualify. */
    private static Chain chain(Graph g, Node first) {
        long[] x = g.shape(first.input(0));
        if (x == null || x.length != 4 || x[0] != 1 || g.isConstant(first.input(0))) {
            return null;
        }
        List<Node> body = new ArrayList<>();
        Node n = first;
        while (n.op() == OpType.Reshape || n.op() == OpType.Transpose) {
            boolean constantTarget = n.op() != OpType.Reshape || n.inputs().size() > 1 && g.isConstant(n.input(1));
            if (!constantTarget || g.isGraphOutput(n.output())) {
                return null;
            }
            body.add(n);
            List<Node> next = g.consumers(n.output());
            if (next.isEmpty()) {
                return null;
            }
            if (next.stream().allMatch(c -> c.op() == OpType.Gather)) {
                for (Node gather : next) {
                    ConstTensor idx = g.isConstant(gather.input(1)) ? g.constant(gather.input(1)) : null;
                    if (idx == null || idx.rank() != 0) {
                        return null;
                    }
                }
                return body.size() >= 2 ? new Chain(first.input(0), body, next) : null;
            }
            if (next.size() != 1) {
                return null;
            }
            n = next.get(0);
        }
        return null;
    }

    /**
     * Runs the chain on the input's element indices; for each Gather, {@code {start, step, count}} when its output
     * is the channels {@code start, start + step, ...} of the input (same height and width), else null for all.
     */
    private static Map<String, long[]> strided(Graph g, Chain c) {
        long[] x = g.shape(c.input());
        int total = (int) (x[1] * x[2] * x[3]);
        long[] ids = new long[total];
        for (int i = 0; i < total; i++) {
            ids[i] = i;
        }
        ConstTensor v = ConstTensor.ofLongs(x, ids);
        long[] inShape = x;
        for (Node n : c.body()) {
            v = fold(g, n, v, inShape);
            if (v == null) {
                return null;
            }
            inShape = v.shape();
        }
        Map<String, long[]> out = new HashMap<>();
        long hw = x[2] * x[3];
        for (Node gather : c.gathers()) {
            ConstTensor r = fold(g, gather, v, inShape);
            if (r == null || r.rank() != 4 || r.shape()[0] != 1 || r.shape()[2] != x[2] || r.shape()[3] != x[3]) {
                return null;
            }
            long count = r.shape()[1];
            long[] got = r.longs();
            long start = got[0] / hw;
            long step = count > 1 ? got[(int) hw] / hw - start : 1;
            if (step < 1) {
                return null;
            }
            for (int i = 0; i < got.length; i++) {
                long ch = i / hw;
                if (got[i] != (start + step * ch) * hw + i % hw) {
                    return null;
                }
            }
            out.put(gather.name(), new long[] {start, step, count});
        }
        return out;
    }

    /** Folds node {@code n} with {@code data} as its first input and the graph's constants as the others. */
    private static ConstTensor fold(Graph g, Node n, ConstTensor data, long[] inShape) {
        ConstTensor[] in = new ConstTensor[n.inputs().size()];
        in[0] = data;
        for (int i = 1; i < in.length; i++) {
            in[i] = g.constant(n.input(i));
        }
        return ConstantFolder.fold(n, in, inShape, g.shape(n.output()), g);
    }
}
