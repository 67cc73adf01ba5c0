package dev.inlierq.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.inlierq.graph.Attr;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.DType;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.QuantSpec;
import dev.inlierq.quant.WeightStorage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a quantized model in the QDQ format (QuantizeLinear / DequantizeLinear pairs) that ONNX Runtime
 * fuses into integer kernels (QLinearConv, QLinearMatMul, QLinearSigmoid, ...), following the marks of a
 * {@link QuantPlan} (style: "mark, then materialise"):
 * <ul>
 *   <li>activations: Q/DQ pairs right after the producing node, consumers read the DQ output; sub-8-bit
 *       activations live in 8-bit containers, clamped to their grid by a Clip in front of the Q node;</li>
 *   <li>weights: stored as integer initializers with a per-channel DequantizeLinear (axis = output
 *       channel): in INT8/UINT8 containers (4-bit codes in [-8, 7] or [0, 15]), or, for weights of at most
 *       4 bits when {@link WeightStorage} says so, as INT4/UINT4 tensors packed two codes per byte
 *       ({@link Int4Packing}) with zero points of the same 4-bit type;</li>
 *   <li>biases: INT32 with scale s_in * s_w[c] and zero point 0, the form runtimes expect;</li>
 *   <li>scalar constants of an Add/Mul/Div between quantized activations: one exact uint8 code with its
 *       own DequantizeLinear (a Div by the constant as a Mul by its reciprocal), so the op fuses;</li>
 *   <li>provenance (tool version, method, bits, seed, calibration hashes) in {@code metadata_props}.</li>
 * </ul>
 * The opset is raised to 13 when lower (per-channel DequantizeLinear needs it), or to 21 with IR version 10
 * when a weight is stored as INT4 (the first DequantizeLinear and IR to know 4-bit types), with the graph
 * rewritten to mean the same ({@link OpsetUpgrader}). Output is deterministic: the same inputs give the same
 * bytes.
 */
public final class QdqWriter {
    /** Opset written at least (per-axis DequantizeLinear). */
    public static final int MIN_QDQ_OPSET = 13;
    /** Opset written when a weight is stored as INT4/UINT4 (DequantizeLinear-21 is the first to take them). */
    public static final int INT4_OPSET = 21;

    private QdqWriter() {
    }

    /**
     * @param g         the prepared float graph the plan was made for
     * @param plan      which tensors are quantized
     * @param encodings encoding of every activation and weight point, by tensor name
     * @param storage   how weights of 4 bits or fewer are stored ({@link WeightStorage#packs} decides per weight)
     * @param metadata  provenance entries added to {@code metadata_props}
     */
    public static OnnxMl.ModelProto write(Graph g, QuantPlan plan, Map<String, Encoding> encodings,
            WeightStorage storage, Map<String, String> metadata) {
        Marks marks = Marks.of(plan, encodings, storage);
        Map<String, QuantPoint> acts = marks.acts();
        Map<String, QuantPoint> weightsByLayer = marks.weightsByLayer();
        Map<String, QuantPoint> biasByLayer = marks.biasByLayer();
        boolean anyInt4 = marks.anyInt4();
        Set<String> emittedWeights = new HashSet<>();
        OnnxMl.ModelProto base = OnnxWriter.toModel(g, 1);
        int opset = Math.max(anyInt4 ? INT4_OPSET : MIN_QDQ_OPSET, g.opset());
        OnnxMl.GraphProto.Builder gb = base.getGraph().toBuilder();
        OpsetUpgrader.upgrade(gb, g, g.opset(), opset);
        Map<String, String> actInputOfLayer = new HashMap<>();
        for (Node n : g.nodes()) {
            if (weightsByLayer.containsKey(n.name())) {
                actInputOfLayer.put(n.name(), n.input(0));
            }
        }
        // initializers replaced by integer versions
        Set<String> dropInits = new HashSet<>();
        List<OnnxMl.TensorProto> newInits = new ArrayList<>();
        List<OnnxMl.NodeProto> nodes = new ArrayList<>(gb.getNodeList());
        gb.clearNode();
        Map<String, String> renamed = new HashMap<>();
        for (String in : inputNames(gb)) {
            if (acts.containsKey(in)) {
                emitActivationQdq(gb, newInits, in, encodings.get(in), renamed);
            }
        }
        for (OnnxMl.NodeProto n : nodes) {
            OnnxMl.NodeProto.Builder b = n.toBuilder();
            for (int i = 0; i < b.getInputCount(); i++) {
                String r = renamed.get(b.getInput(i));
                if (r != null) {
                    b.setInput(i, r);
                }
            }
            QuantPoint w = weightsByLayer.get(n.getName());
            if (w != null) {
                Encoding we = require(encodings, w.tensor());
                String wdq = w.tensor() + "_dequantized";
                if (emittedWeights.add(w.tensor())) {
                    emitWeight(gb, newInits, g, w, we, storage, wdq);
                }
                b.setInput(1, wdq);
                dropInits.add(w.tensor());
                QuantPoint bias = biasByLayer.get(n.getName());
                Encoding ae = encodings.get(actInputOfLayer.get(n.getName()));
                if (bias != null && ae != null && ae.size() == 1) {
                    b.setInput(2, emitBias(gb, newInits, g, bias, ae, we));
                    dropInits.add(bias.tensor());
                }
            }
            quantizeScalarOperand(g, n, b, acts, encodings, gb, newInits);
            gb.addNode(b);
            for (String out : n.getOutputList()) {
                if (acts.containsKey(out)) {
                    emitActivationQdq(gb, newInits, out, require(encodings, out), renamed);
                }
            }
        }
        replaceInitializers(gb, dropInits, newInits);
        return finish(base, gb, opset, g, metadata);
    }

    /** The plan's points by role: activations by tensor, weights and biases by layer, and whether any packs. */
    private record Marks(Map<String, QuantPoint> acts, Map<String, QuantPoint> weightsByLayer,
            Map<String, QuantPoint> biasByLayer, boolean anyInt4) {
        static Marks of(QuantPlan plan, Map<String, Encoding> encodings, WeightStorage storage) {
            Map<String, QuantPoint> acts = new LinkedHashMap<>();
            Map<String, QuantPoint> weightsByLayer = new HashMap<>();
            Map<String, QuantPoint> biasByLayer = new HashMap<>();
            boolean anyInt4 = false;
            for (QuantPoint p : plan.points()) {
                switch (p.role()) {
                    case ACTIVATION -> acts.put(p.tensor(), p);
                    case WEIGHT -> anyInt4 |= storage.packs(require(encodings, p.tensor()).spec());
                    case BIAS -> biasByLayer.put(p.layer(), p);
                }
            }
            for (String layer : plan.layers()) {
                QuantPoint w = plan.weightOf(layer);
                if (w != null) {
                    weightsByLayer.put(layer, w); // a shared weight: one point for several layers
                }
            }
            return new Marks(acts, weightsByLayer, biasByLayer, anyInt4);
        }
    }

    /**
     * Keeps the initializers still read by some node (a weight shared with a float node stays), then appends
     * the new integer ones.
     */
    private static void replaceInitializers(OnnxMl.GraphProto.Builder gb, Set<String> dropInits,
            List<OnnxMl.TensorProto> newInits) {
        Set<String> used = new HashSet<>();
        for (OnnxMl.NodeProto n : gb.getNodeList()) {
            used.addAll(n.getInputList());
        }
        List<OnnxMl.TensorProto> inits = new ArrayList<>();
        for (OnnxMl.TensorProto t : gb.getInitializerList()) {
            if (!dropInits.contains(t.getName()) || used.contains(t.getName())) {
                if (used.contains(t.getName())) {
                    inits.add(t);
                }
            }
        }
        inits.addAll(newInits);
        gb.clearInitializer().addAllInitializer(inits);
    }

    /** The model with the rewritten graph, the written opset and IR version, and the provenance metadata. */
    private static OnnxMl.ModelProto finish(OnnxMl.ModelProto base, OnnxMl.GraphProto.Builder gb, int opset, Graph g,
            Map<String, String> metadata) {
        OnnxMl.ModelProto.Builder mb = base.toBuilder().setGraph(gb).clearOpsetImport()
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setIrVersion(opset >= INT4_OPSET ? OnnxWriter.IR_VERSION_INT4 : OnnxWriter.IR_VERSION);
        mb.clearMetadataProps();
        Map<String, String> meta = new LinkedHashMap<>(g.metadata());
        meta.putAll(metadata);
        for (var e : meta.entrySet()) {
            mb.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return mb.build();
    }

    /**
     * The integer codes, scales and zero points of a weight and the DequantizeLinear (output {@code wdq})
     * that every layer reading the weight consumes.
     */
    private static void emitWeight(OnnxMl.GraphProto.Builder gb, List<OnnxMl.TensorProto> newInits, Graph g,
            QuantPoint w, Encoding we, WeightStorage storage, String wdq) {
        ConstTensor wt = g.constant(w.tensor());
        String wq = w.tensor() + "_quantized";
        String ws = w.tensor() + "_scale";
        String wz = w.tensor() + "_zero_point";
        long[] wshape = wt.shape();
        long[] pshape = we.parameterShape(wshape);
        OnnxMl.TensorProto weightCodes;
        OnnxMl.TensorProto zeroPoint;
        if (storage.packs(we.spec())) {
            // x and x_zero_point of DequantizeLinear-21 must have the same type: both 4-bit, both packed
            boolean signed = we.spec().isSigned();
            int type = signed ? Int4Packing.INT4 : Int4Packing.UINT4;
            weightCodes = bytesTensor(wq, type, wshape, Int4Packing.pack(we.quantize(wt.floats(), wshape), signed));
            zeroPoint = bytesTensor(wz, type, pshape, Int4Packing.pack(we.zeroPoint(), signed));
        } else {
            // an affine grid's codes re-centred on one zero point: QLinearConv takes a single one per weight
            Encoding stored = we.recentred();
            int type = stored.spec().container().onnxDataType();
            weightCodes = bytesTensor(wq, type, wshape, we.recentredBytes(wt.floats(), wshape));
            zeroPoint = zeroPoints(wz, type, pshape, stored.zeroPoint());
        }
        newInits.add(weightCodes);
        newInits.add(OnnxWriter.tensor(ws, ConstTensor.ofFloats(pshape, we.scale())));
        newInits.add(zeroPoint);
        gb.addNode(dq(w.tensor() + "_DequantizeLinear", wq, ws, wz, wdq, w.perChannel() ? w.channelAxis() : null));
    }

    /**
     * A layer's bias as int32 codes at scale s_in * s_w[c], zero point 0, with its DequantizeLinear; returns
     * the dequantized value's name. Named after the bias tensor, which is the layer's own (the preparer
     * gives layers that shared a bias a copy each).
     */
    private static String emitBias(OnnxMl.GraphProto.Builder gb, List<OnnxMl.TensorProto> newInits, Graph g,
            QuantPoint bias, Encoding ae, Encoding we) {
        float[] bv = g.constant(bias.tensor()).floats();
        float[] bs = new float[bv.length];
        int[] codes = new int[bv.length];
        for (int c = 0; c < bv.length; c++) {
            bs[c] = ae.scale(0) * we.scale(we.size() == 1 ? 0 : c);
            codes[c] = biasCode(bv[c], bs[c]);
        }
        String bq = bias.tensor() + "_quantized";
        String bsn = bias.tensor() + "_scale";
        String bz = bias.tensor() + "_zero_point";
        String bdq = bias.tensor() + "_dequantized";
        newInits.add(int32Tensor(bq, new long[] {bv.length}, codes));
        newInits.add(OnnxWriter.tensor(bsn, ConstTensor.ofFloats(new long[] {bv.length}, bs)));
        newInits.add(int32Tensor(bz, new long[] {bv.length}, new int[bv.length]));
        gb.addNode(dq(bias.tensor() + "_DequantizeLinear", bq, bsn, bz, bdq, 0));
        return bdq;
    }

    /**
     * A scalar constant operand of an element-wise Add, Mul or Div between quantized activations (the
     * {@code + 3} and {@code / 6} of a hard-swish written out) is stored as one uint8 code with its own
     * DequantizeLinear, so that ONNX Runtime sees dequantized inputs on both sides and fuses the op into
     * QLinearAdd / QLinearMul instead of running it in float between a DequantizeLinear and a
     * QuantizeLinear. The code is the end of a grid from 0 to the constant (255 with scale c / 255, or 0
     * with zero point 255 for a negative c), so it dequantizes to the constant up to float rounding.
     * A division by the constant becomes a multiplication by its reciprocal (no QLinearDiv exists).
     */
    private static void quantizeScalarOperand(Graph g, OnnxMl.NodeProto n, OnnxMl.NodeProto.Builder b,
            Map<String, QuantPoint> acts, Map<String, Encoding> encodings, OnnxMl.GraphProto.Builder gb,
            List<OnnxMl.TensorProto> inits) {
        String op = n.getOpType();
        if (!(op.equals("Add") || op.equals("Mul") || op.equals("Div")) || n.getInputCount() != 2
                || n.getOutputCount() != 1 || !quantizedOutput(g, n.getOutput(0), acts, encodings)) {
            return;
        }
        for (int k = 0; k < 2; k++) {
            ConstTensor c = g.constant(n.getInput(k));
            if (c == null || c.size() != 1 || !isUint8Activation(n.getInput(1 - k), acts, encodings)
                    || (op.equals("Div") && k != 1)) {
                continue;
            }
            float v = c.floats()[0];
            if (op.equals("Div")) {
                v = 1f / v;
            }
            if (v == 0f || !Float.isFinite(v)) {
                return;
            }
            String base = n.getName() + "_operand";
            String q = base + "_quantized";
            String scale = base + "_scale";
            String zp = base + "_zero_point";
            String dqOut = base + "_dequantized";
            int zero = v > 0 ? 0 : 255;
            inits.add(bytesTensor(q, DType.UINT8.onnxCode(), c.shape(), new byte[] {(byte) (v > 0 ? 255 : 0)}));
            inits.add(OnnxWriter.tensor(scale, ConstTensor.scalar(Math.abs(v) / 255f)));
            inits.add(zeroPoints(zp, DType.UINT8.onnxCode(), new long[0], new int[] {zero}));
            gb.addNode(dq(base + "_DequantizeLinear", q, scale, zp, dqOut, null));
            b.setInput(k, dqOut);
            if (op.equals("Div")) {
                b.setOpType("Mul");
            }
            return;
        }
    }

    /** The op's output is quantized to uint8 directly, or through the clamp at zero that alone reads it. */
    private static boolean quantizedOutput(Graph g, String out, Map<String, QuantPoint> acts,
            Map<String, Encoding> enc) {
        if (isUint8Activation(out, acts, enc)) {
            return true;
        }
        List<Node> readers = g.consumers(out);
        return readers.size() == 1 && Planner.isClampAtZero(readers.get(0), g)
                && isUint8Activation(readers.get(0).output(), acts, enc);
    }

    private static boolean isUint8Activation(String t, Map<String, QuantPoint> acts, Map<String, Encoding> enc) {
        Encoding e = enc.get(t);
        return acts.containsKey(t) && e != null && e.spec().container() == QuantSpec.Container.UINT8 && e.size() == 1;
    }

    /** int32 bias code: round half to even of b / (s_in * s_w), saturated to int32. */
    static int biasCode(float b, float scale) {
        if (scale == 0f) {
            return 0;
        }
        double q = Math.rint((double) b / scale);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, q));
    }

    private static List<String> inputNames(OnnxMl.GraphProto.Builder gb) {
        List<String> names = new ArrayList<>();
        for (OnnxMl.ValueInfoProto v : gb.getInputList()) {
            names.add(v.getName());
        }
        return names;
    }

    private static Encoding require(Map<String, Encoding> enc, String tensor) {
        Encoding e = enc.get(tensor);
        if (e == null) {
            throw new IllegalStateException("no encoding for planned tensor '" + tensor + "'");
        }
        return e;
    }

    private static void emitActivationQdq(OnnxMl.GraphProto.Builder gb, List<OnnxMl.TensorProto> inits, String t,
            Encoding e, Map<String, String> renamed) {
        if (e == null) {
            throw new IllegalStateException("no encoding for planned tensor '" + t + "'");
        }
        int type = e.spec().container().onnxDataType();
        String scale = t + "_scale";
        String zp = t + "_zero_point";
        inits.add(OnnxWriter.tensor(scale, ConstTensor.scalar(e.scale(0))));
        inits.add(zeroPoints(zp, type, new long[0], e.zeroPoint()));
        String src = t;
        boolean narrowerThanContainer = e.spec().bits() < 8 || (e.spec().bits() > 8 && e.spec().bits() < 16);
        if (narrowerThanContainer) {
            float lo = (e.qmin() - e.zeroPoint(0)) * e.scale(0);
            float hi = (e.qmax() - e.zeroPoint(0)) * e.scale(0);
            String loName = t + "_clip_min";
            String hiName = t + "_clip_max";
            inits.add(OnnxWriter.tensor(loName, ConstTensor.scalar(lo)));
            inits.add(OnnxWriter.tensor(hiName, ConstTensor.scalar(hi)));
            String clipped = t + "_clipped";
            gb.addNode(OnnxMl.NodeProto.newBuilder().setName(t + "_Clip").setOpType("Clip").addInput(t)
                    .addInput(loName).addInput(hiName).addOutput(clipped));
            src = clipped;
        }
        String q = t + "_quantized";
        String d = t + "_dequantized";
        gb.addNode(OnnxMl.NodeProto.newBuilder().setName(t + "_QuantizeLinear").setOpType("QuantizeLinear")
                .addInput(src).addInput(scale).addInput(zp).addOutput(q));
        gb.addNode(dq(t + "_DequantizeLinear", q, scale, zp, d, null));
        renamed.put(t, d);
    }

    private static OnnxMl.NodeProto dq(String name, String in, String scale, String zp, String out, Integer axis) {
        OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder().setName(name).setOpType("DequantizeLinear")
                .addInput(in).addInput(scale).addInput(zp).addOutput(out);
        if (axis != null) {
            b.addAttribute(OnnxWriter.attribute("axis", new Attr.Int(axis)));
        }
        return b.build();
    }

    private static OnnxMl.TensorProto bytesTensor(String name, int type, long[] shape, byte[] data) {
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type)
                .setRawData(ByteString.copyFrom(data));
        for (long d : shape) {
            b.addDims(d);
        }
        return b.build();
    }

    private static OnnxMl.TensorProto zeroPoints(String name, int type, long[] shape, int[] zps) {
        if (type == DType.INT16.onnxCode() || type == DType.UINT16.onnxCode()) {
            ByteBuffer buf = ByteBuffer.allocate(zps.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int z : zps) {
                buf.putShort((short) z);
            }
            return bytesTensor(name, type, shape, buf.array());
        }
        byte[] bytes = new byte[zps.length];
        for (int i = 0; i < zps.length; i++) {
            bytes[i] = (byte) zps[i];
        }
        return bytesTensor(name, type, shape, bytes);
    }

    private static OnnxMl.TensorProto int32Tensor(String name, long[] shape, int[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            buf.putInt(v);
        }
        return bytesTensor(name, DType.INT32.onnxCode(), shape, buf.array());
    }
}
