package dev.inlierq.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UnsupportedModelException;
import dev.inlierq.error.UserError;
import dev.inlierq.graph.Attr;
import dev.inlierq.graph.Attributes;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.DType;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.ValueInfo;
import dev.inlierq.tensor.FloatTensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads an ONNX model file into the graph IR, as stored (no transforms). Refuses, with one line and a
 * distinct exit code: a missing file ({@link ExitCode#MISSING_INPUT}), bytes that are not an ONNX model
 * ({@link ExitCode#INVALID_MODEL}), and models using operators or opsets we do not implement
 * ({@link ExitCode#UNSUPPORTED_OPS}, listing every unsupported op type with its node names).
 */
public final class OnnxReader {
    /** Lowest and highest default-domain opset accepted. */
    public static final int MIN_OPSET = 7;
    public static final int MAX_OPSET = 21;

    private OnnxReader() {
    }

    public static Graph read(Path file) {
        OnnxMl.ModelProto model = parse(file);
        return toGraph(model, file.toAbsolutePath().getParent());
    }

    /** Parses the protobuf, mapping I/O and format errors to user errors. */
    public static OnnxMl.ModelProto parse(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(ExitCode.MISSING_INPUT, "model file not found: " + file);
        }
        OnnxMl.ModelProto model;
        try {
            byte[] bytes = Files.readAllBytes(file);
            model = OnnxMl.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new UserError(ExitCode.INVALID_MODEL, file + ": not an ONNX model (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UserError(ExitCode.MISSING_INPUT, file + ": cannot read (" + e.getMessage() + ")");
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0 || model.getIrVersion() <= 0) {
            throw new UserError(ExitCode.INVALID_MODEL, file + ": not an ONNX model (no graph or IR version)");
        }
        return model;
    }

    static Graph toGraph(OnnxMl.ModelProto model, Path baseDir) {
        OnnxMl.GraphProto g = model.getGraph();
        int opset = -1;
        for (OnnxMl.OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                opset = (int) id.getVersion();
            }
        }
        if (opset < 0) {
            opset = 1;
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new UnsupportedModelException("unsupported opset " + opset + " (supported: "
                    + MIN_OPSET + " to " + MAX_OPSET + ")");
        }
        Map<String, List<String>> unsupported = new TreeMap<>();
        List<Node> nodes = new ArrayList<>();
        Set<String> usedNames = new HashSet<>();
        Map<String, ConstTensor> inits = new LinkedHashMap<>();
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            inits.put(t.getName(), requireFinite(t.getName(), tensor(t, baseDir)));
        }
        int index = 0;
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            String name = n.getName();
            if (name.isEmpty() || usedNames.contains(name)) {
                name = n.getOpType() + "_" + index;
            }
            usedNames.add(name);
            index++;
            var op = OpType.of(n.getDomain(), n.getOpType());
            if (op.isEmpty()) {
                String key = n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + "." + n.getOpType();
                unsupported.computeIfAbsent(key, k -> new ArrayList<>()).add(name);
                continue;
            }
            Map<String, Attr> attrs = new LinkedHashMap<>();
            for (OnnxMl.AttributeProto a : n.getAttributeList()) {
                attrs.put(a.getName(), attr(a, baseDir));
            }
            nodes.add(new Node(name, op.get(), n.getInputList(), n.getOutputList(), new Attributes(attrs)));
        }
        if (!unsupported.isEmpty()) {
            StringBuilder sb = new StringBuilder("unsupported ONNX operators: ");
            boolean first = true;
            for (var e : unsupported.entrySet()) {
                if (!first) {
                    sb.append("; ");
                }
                first = false;
                List<String> names = e.getValue();
                sb.append(e.getKey()).append(" (").append(names.size()).append(" node")
                        .append(names.size() == 1 ? "" : "s").append(": ");
                sb.append(String.join(", ", names)).append(")");
            }
            throw new UnsupportedModelException(sb.toString());
        }
        List<ValueInfo> inputs = new ArrayList<>();
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            if (!inits.containsKey(v.getName())) {
                inputs.add(valueInfo(v));
            }
        }
        List<ValueInfo> outputs = new ArrayList<>();
        for (OnnxMl.ValueInfoProto v : g.getOutputList()) {
            outputs.add(valueInfo(v));
        }
        checkDataFlow(nodes, inits.keySet(), inputs, outputs);
        Map<String, String> meta = new LinkedHashMap<>();
        for (OnnxMl.StringStringEntryProto e : model.getMetadataPropsList()) {
            meta.put(e.getKey(), e.getValue());
        }
        Map<String, long[]> shapes = new HashMap<>();
        for (ValueInfo v : inputs) {
            if (v.shape() != null) {
                shapes.put(v.name(), v.shape());
            }
        }
        return new Graph(nodes, inits, inputs, outputs, shapes, opset, meta);
    }

    /**
     * Refuses ({@link ExitCode#INVALID_MODEL}) a graph whose values do not flow: a node lacking a required input
     * or its output, a node reading a value no graph
     * input, initializer or earlier node defines (ONNX requires topological order), a value defined twice, or a
     * graph output nothing computes.
     */
    private static void checkDataFlow(List<Node> nodes, Set<String> initializers, List<ValueInfo> inputs,
            List<ValueInfo> outputs) {
        Set<String> defined = new HashSet<>(initializers);
        inputs.forEach(v -> defined.add(v.name()));
        for (Node n : nodes) {
            int required = n.op().requiredInputs();
            if (n.inputs().subList(0, Math.min(required, n.inputs().size())).contains("") || n.inputs().size() < required
                    || n.outputs().isEmpty() || n.output().isEmpty()) {
                throw new UserError(ExitCode.INVALID_MODEL, n + " has " + n.inputs().size() + " input(s) "
                        + n.inputs() + " and outputs " + n.outputs() + ": it needs " + required + " input(s) and an output");
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw new UserError(ExitCode.INVALID_MODEL, n + " reads '" + in
                            + "', which no graph input, initializer or earlier node defines");
                }
            }
            for (String out : n.outputs()) {
                if (!out.isEmpty() && !defined.add(out)) {
                    throw new UserError(ExitCode.INVALID_MODEL, n + " defines '" + out + "', which is already defined");
                }
            }
        }
        for (ValueInfo v : outputs) {
            if (!defined.contains(v.name())) {
                throw new UserError(ExitCode.INVALID_MODEL, "graph output '" + v.name() + "' is never computed");
            }
        }
    }

    /**
     * Refuses ({@link ExitCode#INVALID_MODEL}, naming the tensor) a floating-point initializer holding NaN or
     * infinity: a corrupt or broken weight file, whose detections would be garbage. Other initializers are not
     * decoded, so a model ONNX Runtime runs with data types we do not read is not refused here.
     */
    public static void requireFiniteInitializers(OnnxMl.ModelProto model, Path baseDir) {
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            int type = t.getDataType();
            if (type == DType.FLOAT.onnxCode() || type == DType.DOUBLE.onnxCode() || type == DType.FLOAT16.onnxCode()) {
                requireFinite(t.getName(), tensor(t, baseDir));
            }
        }
    }

    private static ConstTensor requireFinite(String name, ConstTensor t) {
        if (t.isFloating()) {
            new FloatTensor(t.shape(), t.floats()).requireFinite("initializer '" + name + "'");
        }
        return t;
    }

    private static ValueInfo valueInfo(OnnxMl.ValueInfoProto v) {
        if (!v.hasType() || !v.getType().hasTensorType()) {
            return new ValueInfo(v.getName(), DType.FLOAT, null);
        }
        OnnxMl.TypeProto.Tensor tt = v.getType().getTensorType();
        DType type = tt.getElemType() == 0 ? DType.FLOAT : elemType("value '" + v.getName() + "'", tt.getElemType());
        if (!tt.hasShape()) {
            return new ValueInfo(v.getName(), type, null);
        }
        long[] shape = new long[tt.getShape().getDimCount()];
        for (int i = 0; i < shape.length; i++) {
            OnnxMl.TensorShapeProto.Dimension d = tt.getShape().getDim(i);
            shape[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
        }
        return new ValueInfo(v.getName(), type, shape);
    }

    private static DType elemType(String what, int code) {
        try {
            return DType.fromOnnx(code);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.INVALID_MODEL, what + " has unknown data type " + code);
        }
    }

    private static Attr attr(OnnxMl.AttributeProto a, Path baseDir) {
        return switch (a.getType()) {
            case INT -> new Attr.Int(a.getI());
            case FLOAT -> new Attr.Float(a.getF());
            case STRING -> new Attr.Str(a.getS().toStringUtf8());
            case INTS -> new Attr.Ints(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            case FLOATS -> {
                float[] f = new float[a.getFloatsCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = a.getFloats(i);
                }
                yield new Attr.Floats(f);
            }
            case TENSOR -> new Attr.Tensor(tensor(a.getT(), baseDir));
            default -> new Attr.Other(a.getType().name());
        };
    }

    /**
     * Decodes a TensorProto (raw or typed fields, or external data next to the model file). INT4/UINT4 raw data
     * is unpacked ({@link Int4Packing}) into one value per element.
     */
    public static ConstTensor tensor(OnnxMl.TensorProto t, Path baseDir) {
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        DType type = elemType("tensor '" + t.getName() + "'", t.getDataType());
        int n = elementCount(t, shape);
        ByteString raw = t.getRawData();
        if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            raw = externalData(t, baseDir);
        }
        if (!raw.isEmpty()) {
            return fromRaw(t, type, shape, n, raw);
        }
        return switch (type) {
            case FLOAT -> {
                float[] f = new float[t.getFloatDataCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = t.getFloatData(i);
                }
                yield ConstTensor.ofFloats(shape, checkCount(t, f.length, n, f));
            }
            case DOUBLE -> {
                float[] f = new float[t.getDoubleDataCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) t.getDoubleData(i);
                }
                yield ConstTensor.ofFloats(shape, checkCount(t, f.length, n, f));
            }
            case FLOAT16 -> {
                float[] f = new float[t.getInt32DataCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = halfToFloat((short) t.getInt32Data(i));
                }
                yield ConstTensor.ofFloats(shape, checkCount(t, f.length, n, f));
            }
            case INT64 -> {
                long[] l = t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
                yield ConstTensor.ofLongs(type, shape, checkCount(t, l.length, n, l));
            }
            case UINT64, UINT32 -> {
                long[] l = t.getUint64DataList().stream().mapToLong(Long::longValue).toArray();
                yield ConstTensor.ofLongs(type, shape, checkCount(t, l.length, n, l));
            }
            case INT32, INT16, UINT16, INT8, UINT8, BOOL -> {
                long[] l = t.getInt32DataList().stream().mapToLong(Integer::longValue).toArray();
                yield ConstTensor.ofLongs(type, shape, checkCount(t, l.length, n, l));
            }
            default -> throw new UserError(ExitCode.UNSUPPORTED_OPS,
                    "tensor '" + t.getName() + "' has unsupported data type " + type);
        };
    }

    /** Decodes little-endian raw data (also external data) of {@code n} elements. */
    private static ConstTensor fromRaw(OnnxMl.TensorProto t, DType type, long[] shape, int n, ByteString raw) {
        checkRawSize(t, type, raw.size(), n);
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return switch (type) {
            case FLOAT -> {
                float[] f = new float[n];
                b.asFloatBuffer().get(f);
                yield ConstTensor.ofFloats(shape, f);
            }
            case DOUBLE -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) b.getDouble(i * 8);
                }
                yield ConstTensor.ofFloats(shape, f);
            }
            case FLOAT16 -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = halfToFloat(b.getShort(i * 2));
                }
                yield ConstTensor.ofFloats(shape, f);
            }
            case INT64, UINT64 -> {
                long[] l = new long[n];
                b.asLongBuffer().get(l);
                yield ConstTensor.ofLongs(type, shape, l);
            }
            case INT32, UINT32 -> {
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    int v = b.getInt(i * 4);
                    l[i] = type == DType.UINT32 ? Integer.toUnsignedLong(v) : v;
                }
                yield ConstTensor.ofLongs(type, shape, l);
            }
            case INT16, UINT16 -> {
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    short v = b.getShort(i * 2);
                    l[i] = type == DType.UINT16 ? Short.toUnsignedInt(v) : v;
                }
                yield ConstTensor.ofLongs(type, shape, l);
            }
            case INT8, UINT8, BOOL -> {
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    byte v = b.get(i);
                    l[i] = type == DType.INT8 ? v : Byte.toUnsignedInt(v);
                }
                yield ConstTensor.ofLongs(type, shape, l);
            }
            case INT4, UINT4 -> {
                if (raw.size() != Int4Packing.packedSize(n)) {
                    throw new UserError(ExitCode.INVALID_MODEL, "tensor '" + t.getName() + "' holds " + raw.size()
                            + " bytes but " + n + " packed 4-bit values need " + Int4Packing.packedSize(n));
                }
                int[] q = Int4Packing.unpack(raw.toByteArray(), n, type == DType.INT4);
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    l[i] = q[i];
                }
                yield ConstTensor.ofLongs(type, shape, l);
            }
            default -> throw new UserError(ExitCode.UNSUPPORTED_OPS,
                    "tensor '" + t.getName() + "' has unsupported data type " + type);
        };
    }

    /** Elements of a tensor's shape; refuses negative dimensions and sizes beyond one Java array. */
    private static int elementCount(OnnxMl.TensorProto t, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0 || (d > 0 && n > Integer.MAX_VALUE / d)) {
                throw new UserError(ExitCode.INVALID_MODEL, "tensor '" + t.getName() + "' has an invalid shape "
                        + java.util.Arrays.toString(shape));
            }
            n *= d;
        }
        return (int) n;
    }

    /** Raw data must hold exactly one element per shape entry (4-bit types are checked where unpacked). */
    private static void checkRawSize(OnnxMl.TensorProto t, DType type, int bytes, int n) {
        int width = switch (type) {
            case DOUBLE, INT64, UINT64 -> 8;
            case FLOAT, INT32, UINT32 -> 4;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case INT8, UINT8, BOOL -> 1;
            default -> 0;
        };
        if (width > 0 && bytes != (long) n * width) {
            throw new UserError(ExitCode.INVALID_MODEL, "tensor '" + t.getName() + "' holds " + bytes
                    + " bytes but its shape needs " + (long) n * width);
        }
    }

    private static <T> T checkCount(OnnxMl.TensorProto t, int have, int want, T values) {
        if (have != want) {
            throw new UserError(ExitCode.INVALID_MODEL, "tensor '" + t.getName() + "' holds " + have
                    + " values but its shape needs " + want);
        }
        return values;
    }

    private static ByteString externalData(OnnxMl.TensorProto t, Path baseDir) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = Long.parseLong(e.getValue());
                case "length" -> length = Long.parseLong(e.getValue());
                default -> {
                }
            }
        }
        if (location == null || baseDir == null) {
            throw new UserError(ExitCode.INVALID_MODEL, "tensor '" + t.getName() + "' has external data without a location");
        }
        Path p = baseDir.resolve(location).normalize();
        if (!p.startsWith(baseDir)) {
            throw new UserError(ExitCode.INVALID_MODEL, "tensor '" + t.getName() + "' points outside the model folder: " + location);
        }
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            long len = length >= 0 ? length : f.length() - offset;
            byte[] bytes = new byte[Math.toIntExact(len)];
            f.seek(offset);
            f.readFully(bytes);
            return ByteString.copyFrom(bytes);
        } catch (IOException e) {
            throw new UserError(ExitCode.MISSING_INPUT, "external data of tensor '" + t.getName() + "' not readable: " + p);
        }
    }

    /** IEEE 754 binary16 to float32. */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
