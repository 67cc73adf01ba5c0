package dev.inlierq.plan;

import dev.inlierq.graph.OpType;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to place quantizers. Build with {@link #builder()}; every argument is checked.
 *
 * @param weightBits       weight bit width (2..8)
 * @param activationBits   activation bit width (2..8; the QDQ writer has no 16-bit (opset 21) output)
 * @param firstLastAt8Bit  keep the first and last weighted layers (weights and inputs) at 8 bit, as the
 *                         BRECQ/QDrop lineage does
 * @param placement        where activation quantizers go
 * @param excludeNodes     node names kept in float
 * @param excludePatterns  node-name patterns kept in float
 * @param excludeOps       op types kept in float
 * @param layerWeightBits  weight bits of particular layers, by layer name, instead of {@code weightBits} (mixed
 *                         precision); the first and last layers stay at 8 bit when {@code firstLastAt8Bit}
 */
public record PlanOptions(int weightBits, int activationBits, boolean firstLastAt8Bit, Placement placement,
        Set<String> excludeNodes, List<Pattern> excludePatterns, Set<OpType> excludeOps,
        Map<String, Integer> layerWeightBits) {

    public PlanOptions {
        if (weightBits < 2 || weightBits > 8) {
            throw new IllegalArgumentException("weight bits: expected 2..8, got " + weightBits);
        }
        if (activationBits < 2 || activationBits > 8) {
            throw new IllegalArgumentException("activation bits: expected 2..8, got " + activationBits);
        }
        excludeNodes = Set.copyOf(excludeNodes);
        excludePatterns = List.copyOf(excludePatterns);
        excludeOps = excludeOps.isEmpty() ? EnumSet.noneOf(OpType.class) : EnumSet.copyOf(excludeOps);
        for (var e : layerWeightBits.entrySet()) {
            if (e.getValue() < 2 || e.getValue() > 8) {
                throw new IllegalArgumentException("weight bits of " + e.getKey() + ": expected 2..8, got "
                        + e.getValue());
            }
        }
        layerWeightBits = Map.copyOf(layerWeightBits);
    }

    /** Options with every layer's weights at {@code weightBits}. */
    public PlanOptions(int weightBits, int activationBits, boolean firstLastAt8Bit, Placement placement,
            Set<String> excludeNodes, List<Pattern> excludePatterns, Set<OpType> excludeOps) {
        this(weightBits, activationBits, firstLastAt8Bit, placement, excludeNodes, excludePatterns, excludeOps,
                Map.of());
    }

    /** These options with the per-layer weight bits {@code bits} (replacing any). */
    public PlanOptions withLayerWeightBits(Map<String, Integer> bits) {
        return new PlanOptions(weightBits, activationBits, firstLastAt8Bit, placement, excludeNodes, excludePatterns,
                excludeOps, bits);
    }

    /** The weight bits asked for {@code layer} (before the first/last rule): its own, else {@code weightBits}. */
    public int weightBits(String layer) {
        return layerWeightBits.getOrDefault(layer, weightBits);
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean excludes(String nodeName, OpType op) {
        if (excludeNodes.contains(nodeName) || excludeOps.contains(op)) {
            return true;
        }
        for (Pattern p : excludePatterns) {
            if (p.matcher(nodeName).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Builder with the defaults W8A8, first/last at 8 bit, quantizers on all activations. */
    public static final class Builder {
        private int weightBits = 8;
        private int activationBits = 8;
        private boolean firstLast = true;
        private Placement placement = Placement.ALL_ACTIVATIONS;
        private Set<String> nodes = Set.of();
        private List<Pattern> patterns = List.of();
        private Set<OpType> ops = Set.of();
        private Map<String, Integer> layerBits = Map.of();

        public Builder weightBits(int bits) {
            this.weightBits = bits;
            return this;
        }

        public Builder activationBits(int bits) {
            this.activationBits = bits;
            return this;
        }

        public Builder firstLastAt8Bit(boolean on) {
            this.firstLast = on;
            return this;
        }

        public Builder placement(Placement p) {
            this.placement = p;
            return this;
        }

        public Builder excludeNodes(Set<String> names) {
            this.nodes = names;
            return this;
        }

        public Builder excludePatterns(List<Pattern> p) {
            this.patterns = p;
            return this;
        }

        public Builder excludeOps(Set<OpType> o) {
            this.ops = o;
            return this;
        }

        /** Weight bits of particular layers, by name (default: none, every layer at {@code weightBits}). */
        public Builder layerWeightBits(Map<String, Integer> bits) {
            this.layerBits = bits;
            return this;
        }

        public PlanOptions build() {
            return new PlanOptions(weightBits, activationBits, firstLast, placement, nodes, patterns, ops, layerBits);
        }
    }
}
