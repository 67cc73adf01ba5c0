package dev.inlierq.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.inlierq.calib.Calibrator;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.DType;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.RangeEstimation;
import dev.inlierq.quant.WeightStorage;
import dev.inlierq.quant.WeightType;
import dev.inlierq.runtime.DjlRunner;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.OnnxModelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QDQ writer's weight storage: 4-bit codes packed two per byte as the ONNX spec lays them out, INT4/UINT4
 * weights with same-typed zero points at opset 21 (IR 10) next to 8-bit weights in INT8 containers, every
 * weight layout the planner makes (Conv axis 0, depthwise, ConvTranspose axis 1, Gemm with and without
 * {@code transB}, MatMul) run by ONNX Runtime to the same values as the INT8-container file, and the
 * graph rewritten to mean the same at opset 21 (Split-18's {@code num_outputs}).
 */
class QdqWriterTest {
    @TempDir
    Path tmp;

    @Test
    void packsTwoCodesPerByteLowNibbleFirst() {
        // 1 in the low nibble, -2 (0xE) in the high one; the odd element count pads the last high nibble with 0
        assertArrayEquals(new byte[] {(byte) 0xE1, 0x07}, Int4Packing.pack(new int[] {1, -2, 7}, true));
        assertArrayEquals(new byte[] {(byte) 0x0F, 0x09}, Int4Packing.pack(new int[] {15, 0, 9}, false));
        assertArrayEquals(new byte[0], Int4Packing.pack(new int[0], true));
        assertEquals(4, Int4Packing.packedSize(7));
        assertEquals(4, Int4Packing.packedSize(8));
    }

    @Test
    void packingRoundTripsEveryCodeSignedAndUnsigned() {
        Random rnd = new Random(3);
        for (boolean signed : new boolean[] {true, false}) {
            for (int n : new int[] {1, 2, 15, 16, 101}) {
                int[] codes = new int[n];
                for (int i = 0; i < n; i++) {
                    codes[i] = i < 16 ? (signed ? i - 8 : i) : rnd.nextInt(16) - (signed ? 8 : 0);
                }
                byte[] packed = Int4Packing.pack(codes, signed);
                assertEquals((n + 1) / 2, packed.length);
                assertArrayEquals(codes, Int4Packing.unpack(packed, n, signed), (signed ? "int4 " : "uint4 ") + n);
            }
        }
        // the same nibble is -1 as INT4 and 15 as UINT4
        assertArrayEquals(new int[] {-1}, Int4Packing.unpack(new byte[] {0x0F}, 1, true));
        assertArrayEquals(new int[] {15}, Int4Packing.unpack(new byte[] {0x0F}, 1, false));
    }

    @Test
    void packingRefusesCodesOutsideTheTypeAndShortData() {
        assertThrows(IllegalArgumentException.class, () -> Int4Packing.pack(new int[] {0, 8}, true));
        assertThrows(IllegalArgumentException.class, () -> Int4Packing.pack(new int[] {-9}, true));
        assertThrows(IllegalArgumentException.class, () -> Int4Packing.pack(new int[] {-1}, false));
        assertThrows(IllegalArgumentException.class, () -> Int4Packing.pack(new int[] {16}, false));
        assertThrows(IllegalArgumentException.class, () -> Int4Packing.unpack(new byte[1], 3, true));
    }

    @Test
    void readerAndWriterCarry4BitConstants() {
        for (DType type : new DType[] {DType.INT4, DType.UINT4}) {
            long[] v = type == DType.INT4 ? new long[] {-8, 7, 0, -1, 3} : new long[] {0, 15, 8, 1, 9};
            ConstTensor c = ConstTensor.ofLongs(type, new long[] {5}, v);
            OnnxMl.TensorProto t = OnnxWriter.tensor("c", c);
            assertEquals(type.onnxCode(), t.getDataType());
            assertEquals(3, t.getRawData().size(), "5 values in 3 bytes");
            ConstTensor back = OnnxReader.tensor(t, null);
            assertEquals(type, back.type());
            assertArrayEquals(v, back.longs());
        }
    }

    /**
     * Conv (8-bit first layer), Conv, depthwise Conv, ConvTranspose, a Split without sizes, Gemm (weights
     * [K, N]), Gemm with transB (weights [N, K]) and MatMul (8-bit last layer), at opset 11.
     */
    private Path model() {
        Random rnd = new Random(11);
        OnnxModelBuilder b = OnnxModelBuilder.opset(11).input("x", 1, 3, 6, 6);
        b.initializer("w0", new long[] {4, 3, 3, 3}, gaussian(rnd, 108));
        b.initializer("b0", new long[] {4}, gaussian(rnd, 4));
        b.initializer("w1", new long[] {6, 4, 3, 3}, gaussian(rnd, 216));
        b.initializer("w2", new long[] {6, 1, 3, 3}, gaussian(rnd, 54));
        b.initializer("w3", new long[] {6, 4, 2, 2}, gaussian(rnd, 96));
        b.initializer("w4", new long[] {2, 5}, gaussian(rnd, 10));
        b.initializer("w5", new long[] {7, 5}, gaussian(rnd, 35));
        b.initializer("w6", new long[] {7, 9}, gaussian(rnd, 63));
        b.node("Conv", "x", "w0", "b0").out("c0").ints("pads", 1, 1, 1, 1).end();
        b.node("Relu", "c0").out("r0").end();
        b.node("Conv", "r0", "w1").out("c1").ints("pads", 1, 1, 1, 1).end();
        b.node("Relu", "c1").out("r1").end();
        b.node("Conv", "r1", "w2").out("c2").i("group", 6).ints("pads", 1, 1, 1, 1).end();
        b.node("ConvTranspose", "c2", "w3").out("t").ints("strides", 2, 2).end();
        b.node("Split", "t").out("s1", "s2").i("axis", 1).end();
        b.node("Add", "s1", "s2").out("a").end();
        b.node("GlobalAveragePool", "a").out("p").end();
        b.node("Flatten", "p").out("f").end();
        b.node("Gemm", "f", "w4").out("g1").end();
        b.node("Gemm", "g1", "w5").out("g2").i("transB", 1).end();
        b.node("MatMul", "g2", "w6").out("y").end();
        b.output("y");
        return b.write(tmp);
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * 0.5);
        }
        return v;
    }

    private static FloatTensor input(long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[3 * 6 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return new FloatTensor(new long[] {1, 3, 6, 6}, x);
    }

    private record Quantized(Graph graph, QuantPlan plan, Map<String, Encoding> encodings) {
        byte[] write(WeightStorage storage) {
            return QdqWriter.write(graph, plan, encodings, storage, Map.of("inlierq.test", "1")).toByteArray();
        }
    }

    /** W4A8 with the first and last layers at 8 bits, min/max encodings from a few random inputs. */
    private Quantized quantize(WeightType type) {
        Graph g = GraphPreparer.prepare(OnnxReader.read(model()));
        QuantPlan plan = Planner.plan(g, PlanOptions.builder().weightBits(4).activationBits(8).build());
        Map<String, Encoding> enc = new LinkedHashMap<>();
        try (GraphExecutor ex = new GraphExecutor(g)) {
            enc.putAll(Calibrator.activations(ex, plan, List.of(input(1), input(2), input(3)), RangeEstimation.MIN_MAX));
        }
        enc.putAll(Calibrator.weights(g, plan, false, type));
        return new Quantized(g, plan, enc);
    }

    private static double[] box(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static Map<String, OnnxMl.TensorProto> initializers(OnnxMl.ModelProto m) {
        Map<String, OnnxMl.TensorProto> out = new HashMap<>();
        for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
            out.put(t.getName(), t);
        }
        return out;
    }

    @Test
    void int4StoragePacksTheFourBitWeightsAtOpset21() throws Exception {
        for (WeightType type : new WeightType[] {WeightType.INT8, WeightType.UINT8}) {
            Quantized q = quantize(type);
            OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(q.write(WeightStorage.INT4));
            assertEquals(21, m.getOpsetImport(0).getVersion());
            assertEquals(10, m.getIrVersion(), "INT4 needs IR version 10");
            Map<String, OnnxMl.TensorProto> inits = initializers(m);
            int packed = 0;
            for (QuantPoint w : q.plan().weights()) {
                OnnxMl.TensorProto codes = inits.get(w.tensor() + "_quantized");
                OnnxMl.TensorProto zp = inits.get(w.tensor() + "_zero_point");
                long n = 1;
                for (long d : codes.getDimsList()) {
                    n *= d;
                }
                boolean signed = type == WeightType.INT8;
                if (w.bits() <= 4) {
                    packed++;
                    int expected = signed ? Int4Packing.INT4 : Int4Packing.UINT4;
                    assertEquals(expected, codes.getDataType(), w.tensor());
                    assertEquals(expected, zp.getDataType(), "zero point of the same type as the codes: " + w.tensor());
                    assertEquals((n + 1) / 2, codes.getRawData().size(), w.tensor());
                    // the packed codes are the encoding's codes
                    Encoding e = q.encodings().get(w.tensor());
                    ConstTensor wt = q.graph().constant(w.tensor());
                    assertArrayEquals(e.quantize(wt.floats(), wt.shape()),
                            Int4Packing.unpack(codes.getRawData().toByteArray(), (int) n, signed), w.tensor());
                } else {
                    assertEquals(signed ? 3 : 2, codes.getDataType(), "8-bit weights stay in INT8/UINT8: " + w.tensor());
                    assertEquals(n, codes.getRawData().size());
                }
            }
            assertEquals(q.plan().weights().size() - 2, packed, "all but the first and last layer are 4-bit");
            assertTrue(packed >= 5, "Conv, depthwise Conv, ConvTranspose and both Gemms");
            for (OnnxMl.NodeProto n : m.getGraph().getNodeList()) {
                if (n.getOpType().equals("Split")) {
                    assertTrue(n.getAttributeList().stream().anyMatch(a -> a.getName().equals("num_outputs") && a.getI() == 2),
                            "Split-18 needs num_outputs when no sizes are given: " + n);
                }
            }
        }
    }

    @Test
    void int7WeightsKeepEightBitLayersWithinSevenBitsInInt8Storage() throws Exception {
        Quantized q = quantize(WeightType.INT7);
        Map<String, OnnxMl.TensorProto> inits = initializers(OnnxMl.ModelProto.parseFrom(q.write(WeightStorage.INT8)));
        int eightBit = 0;
        for (QuantPoint w : q.plan().weights()) {
            OnnxMl.TensorProto codes = inits.get(w.tensor() + "_quantized");
            assertEquals(3, codes.getDataType(), "int8 storage: " + w.tensor());
            // 8-bit layers: |code| <= 63, so 2 x 255 x 63 < 2^15 (no saturation); 4-bit layers: [-8, 7]
            int limit = w.bits() >= 8 ? 63 : 1 << (w.bits() - 1);
            int max = 0;
            for (byte b : codes.getRawData().toByteArray()) {
                max = Math.max(max, Math.abs(b));
            }
            assertTrue(max <= limit, w.tensor() + " max code " + max);
            if (w.bits() >= 8) {
                eightBit++;
                assertEquals(63, max, "the grid is used to its 7-bit end: " + w.tensor());
            }
        }
        assertEquals(2, eightBit, "first and last layer");
    }

    @Test
    void int8StorageKeepsTheContainersAndTheOpset() throws Exception {
        Quantized q = quantize(WeightType.INT8);
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(q.write(WeightStorage.INT8));
        assertEquals(QdqWriter.MIN_QDQ_OPSET, m.getOpsetImport(0).getVersion());
        assertEquals(OnnxWriter.IR_VERSION, m.getIrVersion());
        Map<String, OnnxMl.TensorProto> inits = initializers(m);
        for (QuantPoint w : q.plan().weights()) {
            assertEquals(3, inits.get(w.tensor() + "_quantized").getDataType(), w.tensor());
        }
        assertArrayEquals(m.toByteArray(), q.write(WeightStorage.INT8), "deterministic");
        assertArrayEquals(q.write(WeightStorage.INT4), q.write(WeightStorage.INT4), "deterministic");
    }

    @Test
    void onnxRuntimeRunsEveryInt4WeightLayoutAsTheInt8ContainerFile() throws Exception {
        for (WeightType type : new WeightType[] {WeightType.INT8, WeightType.UINT8}) {
            Quantized q = quantize(type);
            Path int8 = Files.write(tmp.resolve("int8-" + type + ".onnx"), q.write(WeightStorage.INT8));
            Path int4 = Files.write(tmp.resolve("int4-" + type + ".onnx"), q.write(WeightStorage.INT4));
            Path auto = Files.write(tmp.resolve("auto-" + type + ".onnx"), q.write(WeightStorage.AUTO));
            assertArrayEquals(Files.readAllBytes(int4), Files.readAllBytes(auto),
                    "ONNX Runtime runs every layout, so auto stores them all as INT4");
            FloatTensor x = input(9);
            for (OrtRunner.Optimization level : OrtRunner.Optimization.values()) {
                try (OrtRunner a = new OrtRunner(int8, 1, level); OrtRunner b = new OrtRunner(int4, 1, level)) {
                    float[] ya = a.run(x).get("y").data();
                    float[] yb = b.run(x).get("y").data();
                    assertEquals(ya.length, yb.length);
                    assertTrue(java.util.Arrays.stream(box(ya)).anyMatch(v -> Math.abs(v) > 0.05), "a non-trivial output");
                    for (int i = 0; i < ya.length; i++) {
                        // the same codes: equal up to float rounding (fused integer kernels, where ONNX Runtime
                        // makes them, round their requantisation differently from QDQ in float)
                        double tol = level.ordinal() <= OrtRunner.Optimization.BASIC.ordinal() ? 1e-6 : 0.05;
                        assertEquals(ya[i], yb[i], tol * (1 + Math.abs(ya[i])), type + " " + level + " y[" + i + "]");
                    }
                }
            }
            // the engine reads the INT4 file back (unpacked initializers) and computes what ONNX Runtime does
            try (DjlRunner djl4 = new DjlRunner(int4); DjlRunner djl8 = new DjlRunner(int8);
                    OrtRunner ort = new OrtRunner(int4, 1, OrtRunner.Optimization.NONE)) {
                float[] e4 = djl4.run(x).get("y").data();
                assertArrayEquals(djl8.run(x).get("y").data(), e4, type + ": same codes read back");
                float[] r = ort.run(x).get("y").data();
                for (int i = 0; i < r.length; i++) {
                    assertEquals(r[i], e4[i], 1e-4 * (1 + Math.abs(r[i])), type + " engine vs ONNX Runtime y[" + i + "]");
                }
            }
        }
    }
}
