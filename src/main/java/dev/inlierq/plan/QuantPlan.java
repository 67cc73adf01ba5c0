package dev.inlierq.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which tensors get which quantizer: the output of {@link Planner}, consumed by calibration, simulation and
 * the QDQ writer alike (so the three agree).
 *
 * @param points        every quantized tensor, in graph order
 * @param layers        the weighted layers that are quantized, in graph order
 * @param firstLayers   the first quantized layers (no quantized layer before them)
 * @param lastLayers    the last quantized layers (their outputs go to float decoding)
 * @param floatNodes    nodes left in float: the decoding tail and excluded layers
 * @param layerWeights  the weight tensor of every quantized layer, by layer name; a weight shared by several
 *                      layers (a head shared across levels) has one point, so several layers map to it
 */
public record QuantPlan(List<QuantPoint> points, List<String> layers, Set<String> firstLayers,
        Set<String> lastLayers, Set<String> floatNodes, Map<String, String> layerWeights) {

    public QuantPlan {
        points = List.copyOf(points);
        layers = List.copyOf(layers);
        firstLayers = Set.copyOf(firstLayers);
        lastLayers = Set.copyOf(lastLayers);
        floatNodes = Set.copyOf(floatNodes);
        layerWeights = Map.copyOf(layerWeights);
    }

    /** The weight point a layer reads (shared with other layers when they read the same tensor), or null. */
    public QuantPoint weightOf(String layer) {
        String w = layerWeights.get(layer);
        return w == null ? null : point(w);
    }

    /** The layers that read a weight tensor, in graph order. */
    public List<String> layersReading(String weight) {
        return layers.stream().filter(l -> weight.equals(layerWeights.get(l))).toList();
    }

    public List<QuantPoint> activations() {
        return points.stream().filter(p -> p.role() == Role.ACTIVATION).toList();
    }

    public List<QuantPoint> weights() {
        return points.stream().filter(p -> p.role() == Role.WEIGHT).toList();
    }

    public QuantPoint point(String tensor) {
        for (QuantPoint p : points) {
            if (p.tensor().equals(tensor)) {
                return p;
            }
        }
        return null;
    }

    /** Activation points by sharing group (a point without a group is its own group). */
    public Map<String, List<QuantPoint>> activationGroups() {
        Map<String, List<QuantPoint>> m = new LinkedHashMap<>();
        for (QuantPoint p : activations()) {
            m.computeIfAbsent(p.group() == null ? p.tensor() : p.group(), k -> new ArrayList<>()).add(p);
        }
        return m;
    }

    /**
     * The bits of every quantized layer, in graph order: {@code layer:wNaM} with the weight bits N and the bits
     * M of the layer's data input ({@code f} when that input stays float), comma-separated. Written into the
     * file's metadata, so what was shipped can be read back from the file.
     */
    public String layerBits(dev.inlierq.graph.Graph g) {
        Map<String, String> inputOf = new LinkedHashMap<>();
        for (dev.inlierq.graph.Node n : g.nodes()) {
            if (layers.contains(n.name()) && !n.inputs().isEmpty()) {
                inputOf.put(n.name(), n.inputs().get(0));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String layer : layers) {
            QuantPoint w = weightOf(layer);
            QuantPoint in = inputOf.containsKey(layer) ? point(inputOf.get(layer)) : null;
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(layer).append(":w").append(w == null ? "f" : Integer.toString(w.bits())).append('a')
                    .append(in == null ? "f" : Integer.toString(in.bits()));
        }
        return sb.toString();
    }

    /** The plan as a text table: tensor, role, bits, granularity, shared group, layer, reason. */
    public String table() {
        int w = 12;
        for (QuantPoint p : points) {
            w = Math.max(w, p.tensor().length());
        }
        w = Math.min(w, 48);
        StringBuilder sb = new StringBuilder();
        String fmt = "%-" + w + "s  %-10s %4s  %-12s %-20s %s%n";
        sb.append(String.format(fmt, "tensor", "role", "bits", "granularity", "shared with", "why"));
        for (QuantPoint p : points) {
            String gran = p.perChannel() ? "channel ax" + p.channelAxis() : "tensor";
            String group = p.group() == null || p.group().equals(p.tensor()) ? "" : p.group();
            sb.append(String.format(fmt, clip(p.tensor(), w), p.role().name().toLowerCase(java.util.Locale.ROOT),
                    p.bits(), gran, clip(group, 20), p.reason()));
        }
        sb.append(String.format("%d quantized layers (%d first, %d last at the edges), %d activation quantizers, "
                + "%d nodes kept in float%n", layers.size(), firstLayers.size(), lastLayers.size(),
                activations().size(), floatNodes.size()));
        return sb.toString();
    }

    private static String clip(String s, int w) {
        return s.length() <= w ? s : "..." + s.substring(s.length() - w + 3);
    }
}
