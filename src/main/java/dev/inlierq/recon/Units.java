package dev.inlierq.recon;

import dev.inlierq.graph.DType;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.ValueInfo;
import dev.inlierq.plan.QuantPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits a prepared graph into reconstruction units, found from the graph's structure alone (no node names).
 *
 * <p>The <em>core</em> is every quantized layer and every node upstream of one; what lies after the last
 * layers (output decoding kept in float) is not reconstructed. Walking the core in topological order:
 * <ul>
 *   <li>{@link Kind#LAYER}: one unit per quantized layer, with the nodes up to the next layer (its
 *       activation, shortcut additions, concatenations): AdaRound's granularity;
 *   <li>{@link Kind#BLOCK}: consecutive layer units grouped into blocks of at most {@code maxLayers} layers,
 *       cut where the fewest tensors cross the cut. Inside a residual block the shortcut (and, in a CSP
 *       stage, the parallel branch) is live, so the narrowest cuts fall between residual blocks, CSP stages
 *       and head branches: BRECQ's "block" without a hand-written list per architecture. The cuts minimise
 *       the summed crossing width by dynamic programming (ties to the larger first block).
 * </ul>
 * A unit's inputs are the non-constant values it reads from outside, its outputs the values it produces that
 * something outside reads (a later unit, the float tail, or a graph output). Every unit can run on its own
 * as a {@link #subgraph}.
 */
public final class Units {
    private Units() {
    }

    /** Reconstruction granularity. */
    public enum Kind {
        LAYER, BLOCK;

        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One reconstruction unit.
     *
     * @param name    a readable name: its first and last quantized layer
     * @param nodes   its nodes, in topological order
     * @param inputs  non-constant values read from outside
     * @param outputs values read outside the unit
     * @param layers  the quantized layers it contains
     */
    public record Unit(int index, String name, List<Node> nodes, List<String> inputs, List<String> outputs,
            List<String> layers) {
        public Unit {
            nodes = List.copyOf(nodes);
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            layers = List.copyOf(layers);
        }

        /** Values produced by the unit's nodes. */
        public Set<String> produced() {
            Set<String> s = new HashSet<>();
            for (Node n : nodes) {
                s.addAll(n.outputs());
            }
            return s;
        }
    }

    /** The units of a prepared graph under a plan, in topological order. */
    public static List<Unit> find(Graph g, QuantPlan plan, Kind kind, int maxLayers) {
        if (maxLayers < 1) {
            throw new IllegalArgumentException("block size must be at least 1, got " + maxLayers);
        }
        List<Node> core = core(g, plan);
        Set<String> layers = new HashSet<>(plan.layers());
        // layer units: [start, end) ranges of the core list, each holding exactly one quantized layer
        List<int[]> ranges = new ArrayList<>();
        int start = 0;
        boolean seenLayer = false;
        for (int i = 0; i < core.size(); i++) {
            if (layers.contains(core.get(i).name())) {
                if (seenLayer) {
                    ranges.add(new int[] {start, i});
                    start = i;
                }
                seenLayer = true;
            }
        }
        if (!seenLayer) {
            return List.of();
        }
        ranges.add(new int[] {start, core.size()});
        if (kind == Kind.BLOCK) {
            ranges = blocks(g, core, ranges, maxLayers);
        }
        List<Unit> units = new ArrayList<>();
        for (int[] r : ranges) {
            units.add(unit(g, units.size(), core.subList(r[0], r[1]), layers));
        }
        return units;
    }

    /** Quantized layers and every node upstream of one, in graph order. */
    static List<Node> core(Graph g, QuantPlan plan) {
        Set<String> needed = new HashSet<>();
        Set<String> inCore = new HashSet<>(plan.layers());
        List<Node> nodes = g.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            boolean feeds = false;
            for (String o : n.outputs()) {
                feeds |= needed.contains(o);
            }
            if (feeds || inCore.contains(n.name())) {
                inCore.add(n.name());
                for (String in : n.inputs()) {
                    if (!in.isEmpty() && !g.isConstant(in)) {
                        needed.add(in);
                    }
                }
            }
        }
        List<Node> core = new ArrayList<>();
        for (Node n : nodes) {
            if (inCore.contains(n.name())) {
                core.add(n);
            }
        }
        return core;
    }

    /** Groups consecutive layer ranges into blocks of at most maxLayers, minimising the summed cut width. */
    private static List<int[]> blocks(Graph g, List<Node> core, List<int[]> layerRanges, int maxLayers) {
        int n = layerRanges.size();
        int[] width = new int[n + 1]; // width[j]: values crossing the cut before layer range j
        for (int j = 1; j < n; j++) {
            width[j] = crossing(g, core, layerRanges.get(j)[0]);
        }
        long[] best = new long[n + 1];
        int[] from = new int[n + 1];
        java.util.Arrays.fill(best, Long.MAX_VALUE);
        best[0] = 0;
        for (int j = 1; j <= n; j++) {
            long cut = j == n ? 0 : width[j];
            for (int i = Math.max(0, j - maxLayers); i < j; i++) {
                if (best[i] != Long.MAX_VALUE && best[i] + cut < best[j]) {
                    best[j] = best[i] + cut;
                    from[j] = i;
                }
            }
        }
        List<int[]> out = new ArrayList<>();
        for (int j = n; j > 0; j = from[j]) {
            out.add(0, new int[] {layerRanges.get(from[j])[0], layerRanges.get(j - 1)[1]});
        }
        return out;
    }

    /** Number of non-constant values produced before core position {@code at} and read at or after it. */
    static int crossing(Graph g, List<Node> core, int at) {
        Set<String> before = new HashSet<>();
        for (ValueInfo in : g.inputs()) {
            before.add(in.name());
        }
        for (int i = 0; i < at; i++) {
            before.addAll(core.get(i).outputs());
        }
        Set<String> after = new HashSet<>();
        Set<String> all = new HashSet<>();
        for (int i = 0; i < core.size(); i++) {
            all.add(core.get(i).name());
            if (i >= at) {
                after.add(core.get(i).name());
            }
        }
        int w = 0;
        for (String v : before) {
            boolean read = g.isGraphOutput(v);
            for (Node c : g.consumers(v)) {
                // read by a later core node, or by the float tail (which runs after the whole core)
                read |= after.contains(c.name()) || !all.contains(c.name());
            }
            w += read ? 1 : 0;
        }
        return w;
    }

    private static Unit unit(Graph g, int index, List<Node> nodes, Set<String> layers) {
        Set<String> names = new HashSet<>();
        Set<String> produced = new LinkedHashSet<>();
        for (Node n : nodes) {
            names.add(n.name());
            produced.addAll(n.outputs());
        }
        Set<String> inputs = new LinkedHashSet<>();
        List<String> unitLayers = new ArrayList<>();
        for (Node n : nodes) {
            if (layers.contains(n.name())) {
                unitLayers.add(n.name());
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !g.isConstant(in) && !produced.contains(in)) {
                    inputs.add(in);
                }
            }
        }
        List<String> outputs = new ArrayList<>();
        for (String v : produced) {
            boolean outside = g.isGraphOutput(v);
            for (Node c : g.consumers(v)) {
                outside |= !names.contains(c.name());
            }
            if (outside) {
                outputs.add(v);
            }
        }
        String name = unitLayers.get(0) + (unitLayers.size() > 1 ? " .. " + unitLayers.get(unitLayers.size() - 1) : "");
        return new Unit(index, name, nodes, new ArrayList<>(inputs), outputs, unitLayers);
    }

    /**
     * The unit as a graph of its own: its inputs become graph inputs, its outputs graph outputs, and it keeps
     * the constants its nodes read (and the parent's shapes and batch metadata), so an executor can run it.
     */
    public static Graph subgraph(Graph g, Unit u) {
        Map<String, dev.inlierq.graph.ConstTensor> inits = new LinkedHashMap<>();
        for (Node n : u.nodes()) {
            for (String in : n.inputs()) {
                if (!in.isEmpty() && g.isConstant(in)) {
                    inits.put(in, g.constant(in));
                }
            }
        }
        List<ValueInfo> ins = new ArrayList<>();
        for (String v : u.inputs()) {
            ins.add(new ValueInfo(v, DType.FLOAT, g.shape(v)));
        }
        List<ValueInfo> outs = new ArrayList<>();
        for (String v : u.outputs()) {
            outs.add(new ValueInfo(v, DType.FLOAT, g.shape(v)));
        }
        Map<String, String> meta = new HashMap<>();
        meta.put(GraphPreparer.BATCHABLE_KEY, Boolean.toString(GraphPreparer.isBatchable(g)));
        return new Graph(u.nodes(), inits, ins, outs, g.shapes(), g.opset(), meta);
    }
}
