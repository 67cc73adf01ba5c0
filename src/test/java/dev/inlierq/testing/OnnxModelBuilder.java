package dev.inlierq.testing;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds small ONNX models for tests: a chosen default-domain opset, float inputs with shapes (a dimension
 * {@code <= 0} becomes the symbolic batch dimension {@code "N"}), float and int64 initializers, nodes with
 * attributes, outputs. {@link #build()} checks the model is well formed (every name defined before use,
 * no name defined twice, initializer sizes matching their shapes, outputs produced) and fails with an
 * "expected ..., got ..." message otherwise, so a broken test model is reported as such, not as an engine
 * mismatch. The IR version follows the opset so ONNX Runtime loads the file.
 *
 * <pre>{@code
 * Path p = OnnxModelBuilder.opset(13)
 *     .input("x", -1, 3, 8, 8)
 *     .initializer("w", new long[] {4, 3, 3, 3}, weights)
 *     .node("Conv", "x", "w").out("y").ints("pads", 1, 1, 1, 1).end()
 *     .output("y")
 *     .write(tempDir);
 * }</pre>
 */
public final class OnnxModelBuilder {
    /** Highest default-domain opset this builder maps to an IR version. */
    public static final int MAX_OPSET = 23;

    private final int opset;
    private long irVersion;
    private final Map<String, Long> extraDomains = new LinkedHashMap<>();
    private final Map<String, long[]> inputs = new LinkedHashMap<>();
    private final Map<String, OnnxMl.TensorProto> initializers = new LinkedHashMap<>();
    private final List<NodeBuilder> nodes = new ArrayList<>();
    private final Map<String, Integer> outputs = new LinkedHashMap<>();
    private boolean initializersAsInputs;

    private OnnxModelBuilder(int opset) {
        if (opset < 1 || opset > MAX_OPSET) {
            throw new IllegalArgumentException("opset: expected 1.." + MAX_OPSET + ", got " + opset);
        }
        this.opset = opset;
        this.irVersion = irVersionFor(opset);
    }

    /** A new model importing the default ONNX domain at {@code opset}. */
    public static OnnxModelBuilder opset(int opset) {
        return new OnnxModelBuilder(opset);
    }

    /**
     * The IR version ONNX Runtime expects with an opset: 4 up to opset 9 (initializers need not be graph
     * inputs from IR 4 on), 5 for 10, 7 for 11-13, 8 for 14-18, 9 for 19-20, 10 from 21.
     */
    public static long irVersionFor(int opset) {
        if (opset <= 9) {
            return 4;
        }
        if (opset == 10) {
            return 5;
        }
        if (opset <= 13) {
            return 7;
        }
        if (opset <= 18) {
            return 8;
        }
        if (opset <= 20) {
            return 9;
        }
        return 10;
    }

    public int opset() {
        return opset;
    }

    /** Overrides the IR version chosen from the opset. */
    public OnnxModelBuilder irVersion(long v) {
        if (v < 3) {
            throw new IllegalArgumentException("ir_version: expected >= 3, got " + v);
        }
        this.irVersion = v;
        return this;
    }

    /**
     * Also lists every initializer among the graph inputs, after the real inputs, as IR 3 requires and
     * older exporters did (keep_initializers_as_inputs).
     */
    public OnnxModelBuilder initializersAsInputs() {
        this.initializersAsInputs = true;
        return this;
    }

    /** Imports another operator domain (for custom-op tests). */
    public OnnxModelBuilder domain(String domain, long version) {
        if (domain.isEmpty() || domain.equals("ai.onnx")) {
            throw new IllegalArgumentException("domain: expected a non-default domain, got '" + domain + "'");
        }
        extraDomains.put(domain, version);
        return this;
    }

    /** A float32 graph input; a dimension {@code <= 0} is the symbolic batch dimension "N". */
    public OnnxModelBuilder input(String name, long... shape) {
        define(name, "input");
        inputs.put(name, shape.clone());
        return this;
    }

    /** The declared shape of an input ({@code -1} for the symbolic dimension). */
    public long[] inputShape(String name) {
        long[] s = inputs.get(name);
        if (s == null) {
            throw new IllegalArgumentException("input: expected one of " + inputs.keySet() + ", got '" + name + "'");
        }
        long[] r = s.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] = r[i] <= 0 ? -1 : r[i];
        }
        return r;
    }

    public List<String> inputNames() {
        return List.copyOf(inputs.keySet());
    }

    /** A float32 initializer (stored as raw little-endian bytes). */
    public OnnxModelBuilder initializer(String name, long[] shape, float... values) {
        define(name, "initializer");
        initializers.put(name, floatTensor(name, shape, values));
        return this;
    }

    /** A float32 scalar initializer (rank 0). */
    public OnnxModelBuilder scalar(String name, float value) {
        return initializer(name, new long[0], value);
    }

    /** An int64 initializer (stored in the typed int64_data field). */
    public OnnxModelBuilder initializerInt64(String name, long[] shape, long... values) {
        define(name, "initializer");
        initializers.put(name, int64Tensor(name, shape, values));
        return this;
    }

    /** An integer initializer of another element type (int8, uint8, int32, ...), stored as raw little-endian data. */
    public OnnxModelBuilder initializerTyped(String name, dev.inlierq.graph.DType type, long[] shape, long... values) {
        define(name, "initializer");
        long n = numel("tensor '" + name + "'", shape);
        if (n != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "': expected " + n + " values for shape "
                    + Arrays.toString(shape) + ", got " + values.length);
        }
        initializers.put(name, dev.inlierq.onnx.OnnxWriter.tensor(name, dev.inlierq.graph.ConstTensor.ofLongs(type, shape, values)));
        return this;
    }

    /** A 1-D int64 initializer. */
    public OnnxModelBuilder int64s(String name, long... values) {
        return initializerInt64(name, new long[] {values.length}, values);
    }

    /** Starts a node of the default domain; it is part of the model from now on. */
    public NodeBuilder node(String opType, String... inputs) {
        NodeBuilder n = new NodeBuilder(this, opType, inputs);
        nodes.add(n);
        return n;
    }

    /** A float32 graph output (value_info without shape). */
    public OnnxModelBuilder output(String name) {
        return output(name, OnnxMl.TensorProto.DataType.FLOAT_VALUE);
    }

    public OnnxModelBuilder output(String name, int elemType) {
        if (outputs.containsKey(name)) {
            throw new IllegalArgumentException("output: expected a new output name, got '" + name + "' twice");
        }
        outputs.put(name, elemType);
        return this;
    }

    /** Validates and builds the model. */
    public OnnxMl.ModelProto build() {
        if (nodes.isEmpty()) {
            throw new IllegalStateException("nodes: expected at least one, got 0");
        }
        if (outputs.isEmpty()) {
            throw new IllegalStateException("outputs: expected at least one, got 0");
        }
        Set<String> defined = new HashSet<>(inputs.keySet());
        defined.addAll(initializers.keySet());
        Set<String> nodeNames = new HashSet<>();
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("test");
        for (int i = 0; i < nodes.size(); i++) {
            NodeBuilder n = nodes.get(i);
            String name = n.name != null ? n.name : n.opType + "_" + i;
            if (!nodeNames.add(name)) {
                throw new IllegalStateException("node name: expected unique, got '" + name + "' twice");
            }
            if (n.outputs.isEmpty()) {
                throw new IllegalStateException("node '" + name + "' (" + n.opType
                        + ") outputs: expected at least one (call out(...)), got none");
            }
            for (String in : n.inputs) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw new IllegalStateException("node '" + name + "' (" + n.opType + ") input '" + in
                            + "': expected a graph input, initializer or earlier node output, got an undefined name");
                }
            }
            for (String o : n.outputs) {
                if (o.isEmpty() || !defined.add(o)) {
                    throw new IllegalStateException("node '" + name + "' (" + n.opType + ") output: expected a new "
                            + "non-empty value name, got '" + o + "'");
                }
            }
            OnnxMl.NodeProto.Builder nb = OnnxMl.NodeProto.newBuilder().setName(name).setOpType(n.opType)
                    .addAllInput(n.inputs).addAllOutput(n.outputs);
            if (n.domain != null) {
                nb.setDomain(n.domain);
            }
            nb.addAllAttribute(n.attrs.values());
            g.addNode(nb);
        }
        for (String o : outputs.keySet()) {
            if (!defined.contains(o)) {
                throw new IllegalStateException("output '" + o + "': expected a value defined by the graph, got an undefined name");
            }
        }
        for (var e : inputs.entrySet()) {
            OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
            for (long d : e.getValue()) {
                shape.addDim(d > 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d)
                        : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
            }
            g.addInput(valueInfo(e.getKey(), OnnxMl.TensorProto.DataType.FLOAT_VALUE, shape.build()));
        }
        g.addAllInitializer(initializers.values());
        if (initializersAsInputs) {
            for (OnnxMl.TensorProto t : initializers.values()) {
                OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
                for (long d : t.getDimsList()) {
                    shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
                }
                g.addInput(valueInfo(t.getName(), t.getDataType(), shape.build()));
            }
        }
        for (var e : outputs.entrySet()) {
            g.addOutput(valueInfo(e.getKey(), e.getValue(), null));
        }
        OnnxMl.ModelProto.Builder m = OnnxMl.ModelProto.newBuilder().setIrVersion(irVersion)
                .setProducerName("inlierq-tests").setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
        extraDomains.forEach((d, v) -> m.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(d).setVersion(v)));
        return m.build();
    }

    /** Builds and writes the model to a new file in {@code dir}. */
    public Path write(Path dir) {
        OnnxMl.ModelProto model = build();
        try {
            Path p = Files.createTempFile(dir, "model", ".onnx");
            Files.write(p, model.toByteArray());
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void define(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " name: expected non-empty, got '" + name + "'");
        }
        if (inputs.containsKey(name) || initializers.containsKey(name)) {
            throw new IllegalArgumentException(what + " '" + name + "': expected a new name, got one already defined");
        }
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, int elemType, OnnxMl.TensorShapeProto shape) {
        OnnxMl.TypeProto.Tensor.Builder t = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType);
        if (shape != null) {
            t.setShape(shape);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(t)).build();
    }

    static long numel(String what, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(what + " shape: expected non-negative dimensions, got "
                        + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    /** A float32 TensorProto with raw data. */
    public static OnnxMl.TensorProto floatTensor(String name, long[] shape, float[] values) {
        long n = numel("tensor '" + name + "'", shape);
        if (n != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "': expected " + n + " values for shape "
                    + Arrays.toString(shape) + ", got " + values.length);
        }
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        if (name != null) {
            t.setName(name);
        }
        for (long d : shape) {
            t.addDims(d);
        }
        return t.build();
    }

    /** An int64 TensorProto with typed data. */
    public static OnnxMl.TensorProto int64Tensor(String name, long[] shape, long[] values) {
        long n = numel("tensor '" + name + "'", shape);
        if (n != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "': expected " + n + " values for shape "
                    + Arrays.toString(shape) + ", got " + values.length);
        }
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE);
        if (name != null) {
            t.setName(name);
        }
        for (long d : shape) {
            t.addDims(d);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    /** One node under construction; attributes are typed by the method used. */
    public static final class NodeBuilder {
        private final OnnxModelBuilder model;
        private final String opType;
        private final List<String> inputs;
        private final List<String> outputs = new ArrayList<>();
        private final Map<String, OnnxMl.AttributeProto> attrs = new LinkedHashMap<>();
        private String name;
        private String domain;

        private NodeBuilder(OnnxModelBuilder model, String opType, String[] inputs) {
            if (opType == null || opType.isEmpty()) {
                throw new IllegalArgumentException("op type: expected non-empty, got '" + opType + "'");
            }
            this.model = model;
            this.opType = opType;
            this.inputs = List.of(inputs);
        }

        public NodeBuilder name(String n) {
            this.name = n;
            return this;
        }

        public NodeBuilder domain(String d) {
            this.domain = d;
            return this;
        }

        public NodeBuilder out(String... names) {
            Set<String> seen = new LinkedHashSet<>(outputs);
            for (String o : names) {
                if (!seen.add(o)) {
                    throw new IllegalArgumentException("node " + opType + " output: expected distinct names, got '" + o + "' twice");
                }
            }
            outputs.addAll(List.of(names));
            return this;
        }

        public NodeBuilder i(String attr, long v) {
            return put(base(attr, OnnxMl.AttributeProto.AttributeType.INT).setI(v));
        }

        public NodeBuilder f(String attr, float v) {
            return put(base(attr, OnnxMl.AttributeProto.AttributeType.FLOAT).setF(v));
        }

        public NodeBuilder s(String attr, String v) {
            return put(base(attr, OnnxMl.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(v)));
        }

        public NodeBuilder ints(String attr, long... v) {
            OnnxMl.AttributeProto.Builder b = base(attr, OnnxMl.AttributeProto.AttributeType.INTS);
            for (long x : v) {
                b.addInts(x);
            }
            return put(b);
        }

        public NodeBuilder floats(String attr, float... v) {
            OnnxMl.AttributeProto.Builder b = base(attr, OnnxMl.AttributeProto.AttributeType.FLOATS);
            for (float x : v) {
                b.addFloats(x);
            }
            return put(b);
        }

        /** A float32 tensor attribute. */
        public NodeBuilder tensor(String attr, long[] shape, float... values) {
            return put(base(attr, OnnxMl.AttributeProto.AttributeType.TENSOR).setT(floatTensor(null, shape, values)));
        }

        /** An int64 tensor attribute. */
        public NodeBuilder tensorInt64(String attr, long[] shape, long... values) {
            return put(base(attr, OnnxMl.AttributeProto.AttributeType.TENSOR).setT(int64Tensor(null, shape, values)));
        }

        /** Back to the model. */
        public OnnxModelBuilder end() {
            return model;
        }

        private OnnxMl.AttributeProto.Builder base(String attr, OnnxMl.AttributeProto.AttributeType type) {
            if (attrs.containsKey(attr)) {
                throw new IllegalArgumentException("node " + opType + " attribute '" + attr
                        + "': expected it once, got it twice");
            }
            return OnnxMl.AttributeProto.newBuilder().setName(attr).setType(type);
        }

        private NodeBuilder put(OnnxMl.AttributeProto.Builder b) {
            attrs.put(b.getName(), b.build());
            return this;
        }
    }
}
