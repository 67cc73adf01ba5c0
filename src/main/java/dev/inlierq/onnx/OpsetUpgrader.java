package dev.inlierq.onnx;

import ai.onnx.proto.OnnxMl;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a graph written at an older opset so that it means the same at a newer one (13 or later), as
 * needed to add per-channel DequantizeLinear (opset 13) or INT4 tensors (opset 21): attributes that became
 * inputs (Split {@code split}, Squeeze/Unsqueeze {@code axes}, ReduceSum {@code axes} at 13, ReduceMean /
 * ReduceMax {@code axes} at 18), Split-18's {@code num_outputs} (required when no sizes are given),
 * Softmax's pre-13 "flatten to 2-D" semantics (made explicit with Reshape nodes when the axis is not the
 * last), and Upsample (removed after opset 9) as Resize.
 *
 * <p>The other operators of the supported set keep their meaning from opset 11 to 21 (later versions add
 * types, or optional attributes and inputs whose defaults are the old behaviour: Pad-18 {@code axes},
 * Resize-18 {@code antialias}/{@code axes}, AveragePool-19 {@code dilations}, Reshape-14 {@code allowzero}).
 * Not rewritten: Resize's {@code tf_half_pixel_for_nn} coordinate mode, which later versions no longer list
 * (none of the models here uses it).
 */
final class OpsetUpgrader {
    private OpsetUpgrader() {
    }

    static void upgrade(OnnxMl.GraphProto.Builder gb, Graph g, int from, int to) {
        if (from >= to) {
            return;
        }
        List<OnnxMl.NodeProto> nodes = new ArrayList<>(gb.getNodeList());
        gb.clearNode();
        for (OnnxMl.NodeProto n : nodes) {
            String op = n.getOpType();
            OnnxMl.NodeProto.Builder b = n.toBuilder();
            boolean axesToInput = switch (op) {
                case "Squeeze", "Unsqueeze", "ReduceSum" -> from < 13 && to >= 13;
                case "ReduceMean", "ReduceMax" -> from < 18 && to >= 18;
                default -> false;
            };
            if (axesToInput) {
                moveIntsAttrToInput(gb, b, "axes", n.getName() + "__axes", 1);
            } else if (op.equals("Split")) {
                upgradeSplit(gb, n, b, from, to);
            } else if (op.equals("Softmax") && from < 13 && to >= 13) {
                if (upgradeSoftmax(gb, g, n, b)) {
                    continue;
                }
            } else if (op.equals("Upsample")) {
                b = upsampleToResize(gb, n);
            }
            gb.addNode(b);
        }
    }

    /** Split: {@code split} to an input at 13, {@code num_outputs} at 18 when no sizes are given. */
    private static void upgradeSplit(OnnxMl.GraphProto.Builder gb, OnnxMl.NodeProto n, OnnxMl.NodeProto.Builder b,
            int from, int to) {
        if (from < 13 && to >= 13) {
            moveIntsAttrToInput(gb, b, "split", n.getName() + "__split", 1);
        }
        boolean sizesGiven = b.getInputCount() > 1 && !b.getInput(1).isEmpty();
        if (from < 18 && to >= 18 && !sizesGiven) {
            // Split-18 needs either the sizes or num_outputs; before, no sizes meant equal parts, one per
            // output (which had to divide the axis evenly, so the two agree)
            setIntAttr(b, "num_outputs", b.getOutputCount());
        }
    }

    /**
     * Softmax before 13 flattens to 2-D at its axis: kept as is (the axis made non-negative) when the axis is
     * the last, else made explicit with Reshape nodes around a last-axis Softmax, added here (returns true).
     */
    private static boolean upgradeSoftmax(OnnxMl.GraphProto.Builder gb, Graph g, OnnxMl.NodeProto n,
            OnnxMl.NodeProto.Builder b) {
        long[] shape = g.shape(n.getInput(0));
        int rank = shape.length;
        long axis = attrInt(n, "axis", 1);
        axis = axis < 0 ? axis + rank : axis;
        if (axis != rank - 1) {
            // flatten to [outer, inner], softmax over the last axis, reshape back
            long outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= shape[i];
            }
            String flat = n.getName() + "__flat";
            String flatShape = n.getName() + "__flat_shape";
            String backShape = n.getName() + "__back_shape";
            gb.addInitializer(OnnxWriter.tensor(flatShape, ConstTensor.vector(outer, -1)));
            gb.addInitializer(OnnxWriter.tensor(backShape, ConstTensor.vector(shape)));
            String sm = n.getName() + "__sm";
            gb.addNode(OnnxMl.NodeProto.newBuilder().setName(n.getName() + "__reshape_in").setOpType("Reshape")
                    .addInput(n.getInput(0)).addInput(flatShape).addOutput(flat));
            gb.addNode(OnnxMl.NodeProto.newBuilder().setName(n.getName()).setOpType("Softmax")
                    .addInput(flat).addOutput(sm).addAttribute(OnnxWriter.attribute("axis",
                            new dev.inlierq.graph.Attr.Int(-1))));
            gb.addNode(OnnxMl.NodeProto.newBuilder().setName(n.getName() + "__reshape_out").setOpType("Reshape")
                    .addInput(sm).addInput(backShape).addOutput(n.getOutput(0)));
            return true;
        }
        setIntAttr(b, "axis", axis);
        return false;
    }

    /** Upsample (scales as input or attribute) as the Resize that means the same. */
    private static OnnxMl.NodeProto.Builder upsampleToResize(OnnxMl.GraphProto.Builder gb, OnnxMl.NodeProto n) {
        String roi = n.getName() + "__roi";
        gb.addInitializer(OnnxWriter.tensor(roi, ConstTensor.ofFloats(new long[] {0}, new float[0])));
        String scales = n.getInputCount() > 1 ? n.getInput(1) : n.getName() + "__scales";
        if (n.getInputCount() < 2) {
            float[] sc = null;
            for (OnnxMl.AttributeProto a : n.getAttributeList()) {
                if (a.getName().equals("scales")) {
                    sc = new float[a.getFloatsCount()];
                    for (int i = 0; i < sc.length; i++) {
                        sc[i] = a.getFloats(i);
                    }
                }
            }
            gb.addInitializer(OnnxWriter.tensor(scales, ConstTensor.ofFloats(new long[] {sc.length}, sc)));
        }
        String mode = "nearest";
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("mode")) {
                mode = a.getS().toStringUtf8();
            }
        }
        return OnnxMl.NodeProto.newBuilder().setName(n.getName()).setOpType("Resize").addInput(n.getInput(0))
                .addInput(roi).addInput(scales).addOutput(n.getOutput(0))
                .addAttribute(OnnxWriter.attribute("mode", new dev.inlierq.graph.Attr.Str(
                        mode.equals("bilinear") ? "linear" : mode)))
                .addAttribute(OnnxWriter.attribute("coordinate_transformation_mode",
                        new dev.inlierq.graph.Attr.Str("asymmetric")))
                .addAttribute(OnnxWriter.attribute("nearest_mode", new dev.inlierq.graph.Attr.Str("floor")));
    }

    private static void moveIntsAttrToInput(OnnxMl.GraphProto.Builder gb, OnnxMl.NodeProto.Builder b, String attr,
            String initName, int inputIndex) {
        for (int i = 0; i < b.getAttributeCount(); i++) {
            OnnxMl.AttributeProto a = b.getAttribute(i);
            if (a.getName().equals(attr)) {
                long[] v = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
                gb.addInitializer(OnnxWriter.tensor(initName, ConstTensor.vector(v)));
                b.removeAttribute(i);
                while (b.getInputCount() < inputIndex) {
                    b.addInput("");
                }
                if (b.getInputCount() == inputIndex) {
                    b.addInput(initName);
                } else {
                    b.setInput(inputIndex, initName);
                }
                return;
            }
        }
    }

    private static long attrInt(OnnxMl.NodeProto n, String name, long dflt) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return dflt;
    }

    private static void setIntAttr(OnnxMl.NodeProto.Builder b, String name, long v) {
        for (int i = 0; i < b.getAttributeCount(); i++) {
            if (b.getAttribute(i).getName().equals(name)) {
                b.setAttribute(i, b.getAttribute(i).toBuilder().setI(v));
                return;
            }
        }
        b.addAttribute(OnnxWriter.attribute(name, new dev.inlierq.graph.Attr.Int(v)));
    }
}
