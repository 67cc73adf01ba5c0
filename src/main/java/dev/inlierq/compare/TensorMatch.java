package dev.inlierq.compare;

import ai.onnx.proto.OnnxMl;
import dev.inlierq.calib.Equalization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Pairs the tensors of a float model with those of its QDQ model by name, following the names
 * {@code dev.inlierq.onnx.QdqWriter} gives: a quantized activation {@code t} keeps its name for the value
 * before quantization, and its DequantizeLinear output, which the next nodes read, is {@code t_dequantized}.
 * A float tensor is paired with, in this order: the quantized model's graph output of the same name (what
 * deployment returns), the dequantized copy {@code t_dequantized} (so the error includes quantizing {@code t}),
 * or the tensor of the same name (a value the quantized model computes in float). The float graph input is
 * paired with its dequantized copy when the input is quantized.
 *
 * <p>Activation equalisation ({@code dev.inlierq.calib.Equalization}) may fold a per-channel 1/s into the
 * convolution that produces a tensor, so the quantized model computes x / s where the float model computes x.
 * Such tensors ({@link #rescaled}: read by convolutions only, and computed by a convolution whose weight
 * equalisation rewrote, its name holding {@value #EQUALIZED_WEIGHT_MARK}, directly or through a Relu/LeakyRelu)
 * are marked {@code rescaled}: they are compared after a per-channel gain ({@link ErrorStats}). So are the
 * tensors of a hard-swish folded through its gate ({@code HardSwishFold}): the gate convolution's output and its
 * clamp (the float gate divided by d) and whatever a Mul, Div or GlobalAveragePool computes from a rescaled tensor
 * (the hard-swish product, a squeeze-excitation's pooled vector and gated output).
 */
public final class TensorMatch {
    /** What equalisation puts in the name of a weight it rescaled ({@code w + "__eq_" + layer}). */
    public static final String EQUALIZED_WEIGHT_MARK = "__eq_";
    /** The suffix of a DequantizeLinear output in a QDQ model written by this tool. */
    public static final String DEQUANTIZED_SUFFIX = "_dequantized";

    private TensorMatch() {
    }

    /** Where the quantized side of a pair comes from. */
    public enum Kind {
        /** The graph input against its dequantized copy. */
        INPUT,
        /** An activation against its dequantized copy: its own quantization included. */
        QUANTIZED,
        /** A tensor the quantized model computes in float (from quantized inputs). */
        UNQUANTIZED,
        /** A model output. */
        OUTPUT;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One compared tensor.
     *
     * @param floatTensor     the float model's tensor
     * @param quantizedTensor the quantized model's tensor compared with it
     * @param rescaled        equalisation rescaled it per channel (compared after a per-channel gain)
     */
    public record Pair(String floatTensor, String quantizedTensor, Kind kind, boolean rescaled) {
    }

    /** Every pair, the graph input's first, then in the float model's node order. */
    public static List<Pair> pairs(OnnxMl.ModelProto floatModel, OnnxMl.ModelProto quantizedModel) {
        Nodes nodes = Nodes.of(quantizedModel.getGraph());
        Map<String, OnnxMl.NodeProto> producer = nodes.producer();
        Set<String> qOutputs = new HashSet<>();
        quantizedModel.getGraph().getOutputList().forEach(v -> qOutputs.add(v.getName()));
        List<Pair> pairs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (OnnxMl.ValueInfoProto in : floatModel.getGraph().getInputList()) {
            String dq = in.getName() + DEQUANTIZED_SUFFIX;
            if (isDequantize(producer.get(dq))) {
                pairs.add(new Pair(in.getName(), dq, Kind.INPUT, false));
            }
        }
        for (OnnxMl.NodeProto n : floatModel.getGraph().getNodeList()) {
            for (String t : n.getOutputList()) {
                if (t.isEmpty() || !seen.add(t)) {
                    continue;
                }
                boolean rescaled = rescaled(t, nodes);
                String dq = t + DEQUANTIZED_SUFFIX;
                if (qOutputs.contains(t)) {
                    pairs.add(new Pair(t, t, Kind.OUTPUT, rescaled));
                } else if (isDequantize(producer.get(dq))) {
                    pairs.add(new Pair(t, dq, Kind.QUANTIZED, rescaled));
                } else if (producer.containsKey(t)) {
                    pairs.add(new Pair(t, t, Kind.UNQUANTIZED, rescaled));
                }
            }
        }
        return pairs;
    }

    private static boolean isDequantize(OnnxMl.NodeProto n) {
        return n != null && n.getOpType().equals("DequantizeLinear");
    }

    /** The quantized model's nodes by the tensors they produce and read. */
    record Nodes(Map<String, OnnxMl.NodeProto> producer, Map<String, List<OnnxMl.NodeProto>> readers) {
        static Nodes of(OnnxMl.GraphProto g) {
            Map<String, OnnxMl.NodeProto> producer = new HashMap<>();
            Map<String, List<OnnxMl.NodeProto>> readers = new HashMap<>();
            for (OnnxMl.NodeProto n : g.getNodeList()) {
                n.getOutputList().forEach(o -> producer.put(o, n));
                n.getInputList().forEach(i -> readers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
            }
            return new Nodes(producer, readers);
        }

        /** The nodes reading t, looking through the Q/DQ pairs and grid clamps the QDQ writer inserts after it. */
        List<OnnxMl.NodeProto> readersOf(String t) {
            List<OnnxMl.NodeProto> out = new ArrayList<>();
            for (OnnxMl.NodeProto r : readers.getOrDefault(t, List.of())) {
                if (inserted(r)) {
                    out.addAll(readersOf(r.getOutput(0)));
                } else {
                    out.add(r);
                }
            }
            return out;
        }

        /** The tensor t is computed from, looking back through inserted Q/DQ pairs and clamps. */
        String sourceOf(String t) {
            OnnxMl.NodeProto p = producer.get(t);
            return p != null && inserted(p) ? sourceOf(p.getInput(0)) : t;
        }

        private static boolean inserted(OnnxMl.NodeProto n) {
            String op = n.getOpType();
            return op.equals("QuantizeLinear") || op.equals("DequantizeLinear")
                    || (op.equals("Clip") && n.getOutput(0).endsWith("_clipped"));
        }
    }

    /**
     * Whether equalisation folded a per-channel 1/s into the tensor: as {@code Equalization.foldTarget} chooses,
     * t is read by convolutions only and is the output of a convolution whose weight equalisation rewrote, or of a
     * Relu/LeakyRelu that alone reads such a convolution's output (that output is rescaled too).
     */
    static boolean rescaled(String t, Nodes nodes) {
        OnnxMl.NodeProto p = nodes.producer().get(t);
        if (gatedInput(t, nodes) || gateOutput(p, nodes) || carriesRescaled(p, nodes)) {
            return true;
        }
        if (isEqualisedConv(p)) {
            List<OnnxMl.NodeProto> readers = nodes.readersOf(t);
            if (readers.size() == 1 && isRelu(readers.get(0))) {
                return allConv(nodes.readersOf(readers.get(0).getOutput(0)));
            }
            return allConv(readers);
        }
        if (isRelu(p)) {
            String y = nodes.sourceOf(p.getInput(0));
            return isEqualisedConv(nodes.producer().get(y)) && nodes.readersOf(y).size() == 1
                    && allConv(nodes.readersOf(t));
        }
        return false;
    }

    /**
     * The input z' = z / s of a hard-swish whose 1/s went into its convolution (the gate convolution that
     * {@code HardSwishFold} writes reads it): an equalised convolution's output read by a {@code Equalization.GATE_SUFFIX} node.
     */
    private static boolean gatedInput(String t, Nodes nodes) {
        return isEqualisedConv(nodes.producer().get(t))
                && nodes.readersOf(t).stream().anyMatch(r -> r.getName().endsWith(Equalization.GATE_SUFFIX));
    }

    /** The gate convolution's output, or the clamp reading it: the float gate divided by the hard-swish's d. */
    private static boolean gateOutput(OnnxMl.NodeProto p, Nodes nodes) {
        if (p != null && p.getOpType().equals("Clip")) {
            return gateOutput(nodes.producer().get(nodes.sourceOf(p.getInput(0))), nodes);
        }
        return p != null && p.getName().endsWith(Equalization.GATE_SUFFIX);
    }

    /**
     * A Mul, Div or GlobalAveragePool with a rescaled input: per-channel gains pass through each of them (the
     * hard-swish product z' * gate, its division by a constant, a squeeze-excitation's pool and product).
     */
    private static boolean carriesRescaled(OnnxMl.NodeProto p, Nodes nodes) {
        if (p == null || !List.of("Mul", "Div", "GlobalAveragePool").contains(p.getOpType())) {
            return false;
        }
        return p.getInputList().stream().anyMatch(in -> {
            String src = nodes.sourceOf(in);
            return nodes.producer().containsKey(src) && rescaled(src, nodes);
        });
    }

    private static boolean isEqualisedConv(OnnxMl.NodeProto p) {
        return p != null && p.getOpType().equals("Conv") && p.getInputCount() > 1
                && p.getInput(1).contains(EQUALIZED_WEIGHT_MARK);
    }

    private static boolean isRelu(OnnxMl.NodeProto p) {
        return p != null && (p.getOpType().equals("Relu") || p.getOpType().equals("LeakyRelu"));
    }

    private static boolean allConv(List<OnnxMl.NodeProto> readers) {
        return !readers.isEmpty() && readers.stream().allMatch(r -> r.getOpType().equals("Conv"));
    }
}
