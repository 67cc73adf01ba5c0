package dev.inlierq.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.Granularity;
import dev.inlierq.quant.QuantSpec;
import dev.inlierq.quant.WeightEncodings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the project simulates is what ONNX Runtime deploys: a QuantizeLinear -> DequantizeLinear pair run by
 * ONNX Runtime (opset 21, no graph optimisation) gives bit for bit the values of {@link Encoding#fakeQuantize}
 * and of the engine's {@link FakeQuant}, and the codes of {@link Encoding#quantize}.
 *
 * <p>QuantizeLinear saturates to its output type, not to a narrower spec range: a narrow-range int8 grid
 * {@code [-127, 127]} quantized at run time reaches -128. Weights avoid this because their codes are written
 * (only DequantizeLinear runs), which is checked separately; at run time such a spec behaves as its
 * full-range twin ({@link QuantSpec#fillsContainer()}).
 */
class FakeQuantOrtParityTest {
    private static final int INT4 = 22;
    private static final int UINT4 = 21;

    @Test
    void quantizeLinearPairsMatchBitForBit() throws Exception {
        Random rnd = new Random(5);
        check("uint8 per tensor", Encoding.fromRange(QuantSpec.activationUint8(), -1.3f, 4.7f), new long[] {4, 3, 50},
                rnd, -1);
        check("uint8 symmetric", Encoding.fromRange(QuantSpec.activationUint8().withSymmetry(
                QuantSpec.Symmetry.SYMMETRIC), -0.7f, 2.9f), new long[] {600}, rnd, -1);
        check("uint16", Encoding.fromRange(QuantSpec.activation(16), -3f, 11f), new long[] {600}, rnd, -1);
        check("int16 symmetric", Encoding.fromRange(QuantSpec.activation(16).withSignedness(
                QuantSpec.Signedness.SIGNED).withSymmetry(QuantSpec.Symmetry.SYMMETRIC), -3f, 11f), new long[] {600},
                rnd, -1);
        check("power-of-two scale with ties", Encoding.perTensor(QuantSpec.activationUint8(), 0.125f, 7),
                new long[] {600}, rnd, -1);
        check("uint4", Encoding.fromRange(QuantSpec.activation(4), -0.2f, 6f), new long[] {600}, rnd, UINT4);
        check("int8 per channel axis 0", weights(QuantSpec.weightInt8PerChannel(), new long[] {8, 3, 3, 3}, rnd),
                new long[] {8, 3, 3, 3}, rnd, -1);
        QuantSpec axis1 = QuantSpec.weight(8).withGranularity(Granularity.perChannel(1));
        check("int8 per channel axis 1", weights(axis1, new long[] {2, 6, 5}, rnd), new long[] {2, 6, 5}, rnd, -1);
        check("int4 per channel", weights(QuantSpec.weight(4), new long[] {6, 20}, rnd), new long[] {6, 20}, rnd, INT4);
        QuantSpec grouped = QuantSpec.weight(4).withGranularity(Granularity.perGroup(1, 8));
        check("int4 per group (blocked)", weights(grouped, new long[] {4, 32}, rnd), new long[] {4, 32}, rnd, INT4);
    }

    private static Encoding weights(QuantSpec spec, long[] shape, Random rnd) {
        float[] w = new float[(int) numel(shape)];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextGaussian() * (0.2 + rnd.nextInt(3)));
        }
        return WeightEncodings.minMax(w, shape, spec);
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** {@code codeType}: ONNX element type of the codes, or -1 for the spec's container. */
    private static void check(String name, Encoding e, long[] shape, Random rnd, int codeType) throws Exception {
        int n = (int) numel(shape);
        float[] x = new float[n];
        float smax = 0;
        float amax = 0;
        for (int p = 0; p < e.size(); p++) {
            smax = Math.max(smax, e.scale(p));
            amax = Math.max(amax, Math.max(Math.abs(e.grid(p).lowest()), e.grid(p).highest()));
        }
        int ties = 0;
        for (int i = 0; i < n; i++) {
            switch (i % 5) {
                case 0 -> x[i] = (float) (rnd.nextGaussian() * amax);
                case 1 -> x[i] = (rnd.nextInt(41) - 20 + 0.5f) * smax;
                case 2 -> x[i] = (float) ((rnd.nextDouble() * 2 - 1) * 1e6);
                default -> x[i] = (float) ((rnd.nextDouble() * 2.4 - 1.2) * amax);
            }
        }
        x[0] = Float.POSITIVE_INFINITY;
        x[1] = Float.NEGATIVE_INFINITY;
        x[2] = -0f;
        for (float v : x) {
            float r = v / smax;
            ties += Float.isFinite(r) && r - (float) Math.floor(r) == 0.5f ? 1 : 0;
        }
        int type = codeType >= 0 ? codeType : e.spec().container().onnxDataType();
        Encoding runtime = e;
        if (codeType < 0 && !e.spec().fillsContainer()) {
            runtime = new Encoding(e.spec().withRange(QuantSpec.IntRange.FULL), e.scale(), e.zeroPoint());
            // the spec's own codes, written as a weight initializer, dequantize exactly
            int[] q = e.quantize(x, shape);
            assertArrayEquals(bits(e.dequantize(q, shape)), bits(dequantizeWithOrt(e, shape, q)),
                    name + ": DequantizeLinear of written codes");
        }
        float[] ortY;
        int[] ortQ = null;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            opts.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model(e, shape, type).toByteArray(), opts);
                    OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                    OrtSession.Result r = s.run(Map.of("x", in))) {
                OnnxTensor y = (OnnxTensor) r.get("y").orElseThrow();
                ortY = new float[n];
                y.getFloatBuffer().get(ortY);
                if (type != INT4 && type != UINT4) {
                    ortQ = codes((OnnxTensor) r.get("q").orElseThrow(), type, n);
                }
            }
        }
        assertArrayEquals(bits(runtime.fakeQuantize(x, shape)), bits(ortY), name + ": Encoding vs ONNX Runtime");
        if (ortQ != null) {
            assertArrayEquals(runtime.quantize(x, shape), ortQ, name + ": codes");
        }
        try (NDManager m = DjlRuntime.newManager()) {
            float[] djl = FakeQuant.fakeQuant(m.create(x, new Shape(shape)), runtime).toFloatArray();
            assertArrayEquals(bits(ortY), bits(djl), name + ": FakeQuant vs ONNX Runtime");
        }
        assertTrue(ties > 10, name + ": ties exercised " + ties);
    }

    /** DequantizeLinear alone on int8 codes given as a graph input. */
    private static float[] dequantizeWithOrt(Encoding e, long[] shape, int[] q) throws Exception {
        OnnxMl.ModelProto full = model(e, shape, 3);
        OnnxMl.GraphProto.Builder g = full.getGraph().toBuilder().removeNode(0).clearInput().clearOutput()
                .addInput(valueInfo("q", 3, shape)).addOutput(valueInfo("y", 1, shape));
        byte[] b = new byte[q.length];
        for (int i = 0; i < q.length; i++) {
            b[i] = (byte) q[i];
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession s = env.createSession(full.toBuilder().setGraph(g).build().toByteArray(), opts);
                    OnnxTensor in = OnnxTensor.createTensor(env, ByteBuffer.wrap(b), shape,
                            ai.onnxruntime.OnnxJavaType.INT8);
                    OrtSession.Result r = s.run(Map.of("q", in))) {
                float[] y = new float[q.length];
                ((OnnxTensor) r.get("y").orElseThrow()).getFloatBuffer().get(y);
                return y;
            }
        }
    }

    private static int[] codes(OnnxTensor q, int type, int n) {
        ByteBuffer b = q.getByteBuffer().order(ByteOrder.nativeOrder());
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            c[i] = switch (type) {
                case 2 -> b.get(i) & 0xFF;
                case 3 -> b.get(i);
                case 4 -> b.getShort(2 * i) & 0xFFFF;
                case 5 -> b.getShort(2 * i);
                default -> throw new IllegalArgumentException("type " + type);
            };
        }
        return c;
    }

    /** x -> QuantizeLinear -> q -> DequantizeLinear -> y, scale and zero point as initializers. */
    private static OnnxMl.ModelProto model(Encoding e, long[] shape, int type) {
        long[] pshape = e.parameterShape(shape);
        OnnxMl.TensorProto.Builder scale = OnnxMl.TensorProto.newBuilder().setName("scale").setDataType(1);
        OnnxMl.TensorProto.Builder zp = OnnxMl.TensorProto.newBuilder().setName("zp").setDataType(type);
        for (long d : pshape) {
            scale.addDims(d);
            zp.addDims(d);
        }
        for (float s : e.scale()) {
            scale.addFloatData(s);
        }
        int[] z = e.zeroPoint();
        if (type == INT4 || type == UINT4) {
            byte[] packed = new byte[(z.length + 1) / 2];
            for (int i = 0; i < z.length; i++) {
                packed[i / 2] |= (byte) ((z[i] & 0xF) << (4 * (i % 2)));
            }
            zp.setRawData(ByteString.copyFrom(packed));
        } else {
            for (int v : z) {
                zp.addInt32Data(v);
            }
        }
        OnnxMl.AttributeProto.Builder axis = null;
        OnnxMl.AttributeProto.Builder block = null;
        if (e.spec().granularity() instanceof Granularity.PerChannel pc) {
            axis = OnnxMl.AttributeProto.newBuilder().setName("axis").setType(OnnxMl.AttributeProto.AttributeType.INT)
                    .setI(pc.axis());
        } else if (e.spec().granularity() instanceof Granularity.PerGroup pg) {
            axis = OnnxMl.AttributeProto.newBuilder().setName("axis").setType(OnnxMl.AttributeProto.AttributeType.INT)
                    .setI(pg.axis());
            block = OnnxMl.AttributeProto.newBuilder().setName("block_size")
                    .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(pg.groupSize());
        }
        OnnxMl.NodeProto.Builder quant = OnnxMl.NodeProto.newBuilder().setOpType("QuantizeLinear").setName("Q")
                .addInput("x").addInput("scale").addInput("zp").addOutput("q");
        OnnxMl.NodeProto.Builder dequant = OnnxMl.NodeProto.newBuilder().setOpType("DequantizeLinear").setName("DQ")
                .addInput("q").addInput("scale").addInput("zp").addOutput("y");
        if (axis != null) {
            quant.addAttribute(axis);
            dequant.addAttribute(axis);
        }
        if (block != null) {
            quant.addAttribute(block);
            dequant.addAttribute(block);
        }
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("qdq").addNode(quant).addNode(dequant)
                .addInitializer(scale).addInitializer(zp)
                .addInput(valueInfo("x", 1, shape)).addOutput(valueInfo("q", type, shape))
                .addOutput(valueInfo("y", 1, shape)).build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(10).setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(21)).build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, int type, long[] shape) {
        OnnxMl.TensorShapeProto.Builder sb = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : shape) {
            sb.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type).setShape(sb))).build();
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }
}
