package dev.inlierq.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.inlierq.graph.Attr;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.DType;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.ValueInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes the graph IR back to an ONNX model. Graphs from {@link GraphPreparer} carry, on each Reshape,
 * the axis that scales with the batch; {@link #toModel(Graph, int)} bakes a chosen batch size into those
 * targets and the input shape, so that ONNX Runtime can run exports that hard-code batch 1 at batch N.
 */
public final class OnnxWriter {
    /** IR version written (ONNX 1.9 era, accepted by ONNX Runtime for opsets 7 to 21). */
    static final long IR_VERSION = 8;

    /**
     * IR version of models that hold INT4/UINT4 tensors: the 4-bit types were added in IR version 10
     * ({@code IR_VERSION_2024_3_25}, ONNX 1.16, together with opset 21).
     */
    static final long IR_VERSION_INT4 = 10;

    private OnnxWriter() {
    }

    public static OnnxMl.ModelProto toModel(Graph g, int batch) {
        OnnxMl.GraphProto.Builder gb = OnnxMl.GraphProto.newBuilder().setName("inlierq");
        Set<String> written = new HashSet<>();
        Set<String> replaced = new HashSet<>();
        for (Node n : g.nodes()) {
            OnnxMl.NodeProto.Builder nb = OnnxMl.NodeProto.newBuilder().setName(n.name()).setOpType(n.op().name())
                    .addAllInput(n.inputs()).addAllOutput(n.outputs());
            for (Map.Entry<String, Attr> e : n.attrs().asMap().entrySet()) {
                if (e.getKey().startsWith("inlierq_")) {
                    continue; // internal marks (batch axis, equalisation) are not ONNX attributes
                }
                nb.addAttribute(attribute(e.getKey(), e.getValue()));
            }
            long batchAxis = n.attrs().getInt(GraphPreparer.BATCH_AXIS_ATTR, -1);
            if (n.op() == OpType.Reshape && batchAxis >= 0 && batch != 1) {
                long[] t = g.constant(n.input(1)).longs();
                t[(int) batchAxis] *= batch;
                String name = n.input(1) + "__b" + batch;
                if (written.add(name)) {
                    gb.addInitializer(tensor(name, ConstTensor.vector(t)));
                }
                nb.setInput(1, name);
                replaced.add(n.input(1));
            }
            gb.addNode(nb);
        }
        for (var e : g.initializers().entrySet()) {
            if (!replaced.contains(e.getKey())) {
                gb.addInitializer(tensor(e.getKey(), e.getValue()));
            }
        }
        for (ValueInfo in : g.inputs()) {
            long[] s = in.shape().clone();
            s[0] = batch;
            gb.addInput(valueInfo(in.name(), in.type(), s));
        }
        for (ValueInfo out : g.outputs()) {
            gb.addOutput(valueInfo(out.name(), out.type(), null));
        }
        OnnxMl.ModelProto.Builder mb = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(g.opset() >= 21 ? IR_VERSION_INT4 : IR_VERSION)
                .setProducerName("inlierq").setGraph(gb)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(g.opset()));
        for (var e : g.metadata().entrySet()) {
            mb.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return mb.build();
    }

    static OnnxMl.ValueInfoProto valueInfo(String name, DType type, long[] shape) {
        OnnxMl.TypeProto.Tensor.Builder tt = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.onnxCode());
        if (shape != null) {
            OnnxMl.TensorShapeProto.Builder sb = OnnxMl.TensorShapeProto.newBuilder();
            for (long d : shape) {
                sb.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
            tt.setShape(sb);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tt)).build();
    }

    /** Encodes a constant as raw little-endian data of its element type (4-bit types packed, {@link Int4Packing}). */
    public static OnnxMl.TensorProto tensor(String name, ConstTensor c) {
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder().setName(name);
        for (long d : c.shape()) {
            b.addDims(d);
        }
        DType type = c.type();
        ByteBuffer buf;
        if (c.isFloating()) {
            float[] f = c.floats();
            buf = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(f);
            type = DType.FLOAT;
        } else {
            long[] l = c.longs();
            switch (type) {
                case INT64, UINT64 -> {
                    buf = ByteBuffer.allocate(l.length * 8).order(ByteOrder.LITTLE_ENDIAN);
                    buf.asLongBuffer().put(l);
                }
                case INT32, UINT32 -> {
                    buf = ByteBuffer.allocate(l.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (long v : l) {
                        buf.putInt((int) v);
                    }
                }
                case INT16, UINT16 -> {
                    buf = ByteBuffer.allocate(l.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                    for (long v : l) {
                        buf.putShort((short) v);
                    }
                }
                case INT8, UINT8, BOOL -> {
                    buf = ByteBuffer.allocate(l.length);
                    for (long v : l) {
                        buf.put((byte) v);
                    }
                }
                case INT4, UINT4 -> {
                    int[] q = new int[l.length];
                    for (int i = 0; i < q.length; i++) {
                        q[i] = Math.toIntExact(l[i]);
                    }
                    buf = ByteBuffer.wrap(Int4Packing.pack(q, type == DType.INT4));
                }
                default -> throw new IllegalArgumentException("cannot write " + type);
            }
        }
        buf.rewind();
        return b.setDataType(type.onnxCode()).setRawData(ByteString.copyFrom(buf)).build();
    }

    static OnnxMl.AttributeProto attribute(String name, Attr a) {
        OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(name);
        if (a instanceof Attr.Int i) {
            b.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(i.value());
        } else if (a instanceof Attr.Float f) {
            b.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(f.value());
        } else if (a instanceof Attr.Str s) {
            b.setType(OnnxMl.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s.value()));
        } else if (a instanceof Attr.Ints is) {
            b.setType(OnnxMl.AttributeProto.AttributeType.INTS);
            for (long v : is.values()) {
                b.addInts(v);
            }
        } else if (a instanceof Attr.Floats fs) {
            b.setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
            for (float v : fs.values()) {
                b.addFloats(v);
            }
        } else if (a instanceof Attr.Tensor t) {
            b.setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(tensor("", t.value()));
        } else {
            throw new IllegalArgumentException("attribute '" + name + "' of kind " + a + " cannot be written");
        }
        return b.build();
    }
}
