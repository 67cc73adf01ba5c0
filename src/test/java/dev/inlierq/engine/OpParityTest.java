package dev.inlierq.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnx.proto.OnnxMl;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.OnnxModelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operator the reader accepts, in the attribute variants real exports use, built as one- or
 * few-node models and run by the DJL engine and by ONNX Runtime on the same seeded random input:
 * shapes equal and max |djl - ort| / (max |ort| + 1e-6) <= 1e-4, at batch 1 and, where the op keeps the
 * batch on axis 0, batch 2.
 */
class OpParityTest {
    static final double TOLERANCE = 1e-4;
    static final String X = "x";
    static final String Y = "y";
    static final long BIG = Long.MAX_VALUE;
    static final int[] B12 = {1, 2};
    static final int[] B1 = {1};

    @TempDir
    static Path tmp;

    /**
     * One parity case: a model with a single float input, the batch sizes to run, the input range, and a
     * check on the prepared graph (that the op under test survived, or was folded away).
     */
    record Case(String name, OnnxModelBuilder model, int[] batches, float lo, float hi, Consumer<Graph> prepared,
            boolean referencePerSample, boolean perSampleFallback) {
        Case(String name, OnnxModelBuilder model) {
            this(name, model, B12, -2f, 2f, g -> { }, false, false);
        }

        Case batches(int... b) {
            return new Case(name, model, b, lo, hi, prepared, referencePerSample, perSampleFallback);
        }

        Case range(float l, float h) {
            return new Case(name, model, batches, l, h, prepared, referencePerSample, perSampleFallback);
        }

        Case expect(Consumer<Graph> check) {
            return new Case(name, model, batches, lo, hi, prepared.andThen(check), referencePerSample, perSampleFallback);
        }

        /**
         * The batch axis cannot be tracked through this graph (it leaves axis 0 mid-graph in a way the
         * preparer does not follow): the executor runs one sample at a time. Without this mark, a case
         * run at batch 2 must be prepared as batchable.
         */
        Case perSample() {
            return new Case(name, model, batches, lo, hi, prepared, referencePerSample, true);
        }

        /**
         * For exports that hard-code batch 1 (ONNX Runtime refuses batch 2): the reference at batch B is
         * ONNX Runtime run on each sample, stacked on axis 0.
         */
        Case againstOrtPerSample() {
            return new Case(name, model, batches, lo, hi, prepared, true, perSampleFallback);
        }

        /** The prepared graph still runs this op (it was neither folded nor fused away). */
        Case keeps(OpType op) {
            return expect(g -> assertTrue(ops(g).contains(op), name + ": expected " + op
                    + " to remain in the prepared graph, got " + g.opCounts()));
        }

        /** The preparer removed every node of this op. */
        Case folds(OpType op) {
            return expect(g -> assertFalse(ops(g).contains(op), name + ": expected " + op
                    + " folded away by the preparer, got " + g.opCounts()));
        }
    }

    static Set<OpType> ops(Graph g) {
        Set<OpType> s = EnumSet.noneOf(OpType.class);
        for (Node n : g.nodes()) {
            s.add(n.op());
        }
        return s;
    }

    // ------------------------------------------------------------------ helpers to build models

    /** Weights and constants: one seeded stream, consumed in the fixed order the cases are built. */
    static final class Weights {
        final Random rnd;

        Weights(long seed) {
            rnd = new Random(seed);
        }

        float[] normal(long... shape) {
            float[] f = new float[(int) FloatTensor.numel(shape)];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) (rnd.nextGaussian() * 0.5);
            }
            return f;
        }

        float[] uniform(float lo, float hi, long... shape) {
            float[] f = new float[(int) FloatTensor.numel(shape)];
            for (int i = 0; i < f.length; i++) {
                f[i] = lo + rnd.nextFloat() * (hi - lo);
            }
            return f;
        }

        /** Values of magnitude in [0.5, 2] with random sign (safe divisors). */
        float[] awayFromZero(long... shape) {
            float[] f = uniform(0.5f, 2f, shape);
            for (int i = 0; i < f.length; i++) {
                f[i] = rnd.nextBoolean() ? f[i] : -f[i];
            }
            return f;
        }
    }

    static long[] s(long... dims) {
        return dims;
    }

    static OnnxModelBuilder model(int opset, long... inShape) {
        return OnnxModelBuilder.opset(opset).input(X, inShape);
    }

    /** x -> op(x, extra inputs...) -> y, attributes set by {@code attrs}. */
    static OnnxModelBuilder single(OnnxModelBuilder m, String op, Consumer<OnnxModelBuilder.NodeBuilder> attrs,
            String... moreInputs) {
        String[] ins = new String[moreInputs.length + 1];
        ins[0] = X;
        System.arraycopy(moreInputs, 0, ins, 1, moreInputs.length);
        OnnxModelBuilder.NodeBuilder n = m.node(op, ins).out(Y);
        attrs.accept(n);
        return n.end().output(Y);
    }

    static Consumer<OnnxModelBuilder.NodeBuilder> none() {
        return n -> { };
    }

    // ------------------------------------------------------------------ the cases: OpParityNnCases, OpParityTensorCases

    /**
     * Every group of cases, by name: the one list both the test factory and the coverage check read, so a
     * group cannot be counted as coverage without being run.
     */
    static Map<String, List<Case>> groups() {
        Map<String, List<Case>> g = new java.util.LinkedHashMap<>();
        g.put("conv", OpParityNnCases.convCases());
        g.put("activations", OpParityNnCases.activationCases());
        g.put("arithmetic", OpParityNnCases.arithmeticCases());
        g.put("pooling", OpParityNnCases.poolCases());
        g.put("pad and resize", OpParityNnCases.padResizeCases());
        g.put("layout", OpParityTensorCases.layoutCases());
        g.put("math", OpParityTensorCases.mathCases());
        g.put("constants and shape subgraphs", OpParityTensorCases.constantAndShapeCases());
        g.put("quantize", OpParityTensorCases.quantizeCases());
        return g;
    }

    static List<Case> allCases() {
        return groups().values().stream().flatMap(List::stream).toList();
    }

    // ------------------------------------------------------------------ the tests

    @TestFactory
    Stream<DynamicContainer> parity() {
        return groups().entrySet().stream().map(e -> DynamicContainer.dynamicContainer(e.getKey(), tests(e.getValue())));
    }

    /** Every op type the reader accepts appears in at least one parity case. */
    @Test
    void everySupportedOpHasAParityCase() {
        Set<String> seen = new TreeSet<>();
        for (Case c : allCases()) {
            for (OnnxMl.NodeProto n : c.model().build().getGraph().getNodeList()) {
                seen.add(n.getOpType());
            }
        }
        Set<String> missing = new TreeSet<>();
        for (OpType op : OpType.values()) {
            if (!seen.contains(op.name())) {
                missing.add(op.name());
            }
        }
        assertEquals(Set.of(), missing, "op types accepted by the reader but not covered by a parity case");
    }

    static Stream<DynamicTest> tests(List<Case> cases) {
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            try {
                check(c);
            } catch (AssertionError e) {
                throw e;
            } catch (RuntimeException e) {
                throw new AssertionError(c.name() + ": " + e, e);
            }
        }));
    }

    static void check(Case c) {
        Path file = c.model().write(tmp);
        Graph g = GraphPreparer.prepare(OnnxReader.read(file));
        c.prepared().accept(g);
        boolean runsBatches = Arrays.stream(c.batches()).anyMatch(b -> b > 1);
        if (runsBatches && !c.perSampleFallback()) {
            assertTrue(GraphPreparer.isBatchable(g), c.name() + ": expected the preparer to track the batch axis "
                    + "(one pass per batch), got a graph marked not batchable");
        }
        long[] declared = c.model().inputShape(c.model().inputNames().get(0));
        Random rnd = new Random(c.name().hashCode());
        try (GraphExecutor ex = new GraphExecutor(g);
                OrtRunner ort = new OrtRunner(file, 1, OrtRunner.Optimization.NONE)) {
            for (int batch : c.batches()) {
                long[] shape = declared.clone();
                shape[0] = batch;
                float[] data = new float[(int) FloatTensor.numel(shape)];
                for (int i = 0; i < data.length; i++) {
                    data[i] = c.lo() + rnd.nextFloat() * (c.hi() - c.lo());
                }
                FloatTensor x = new FloatTensor(shape, data);
                Map<String, FloatTensor> want = c.referencePerSample() ? perSample(ort, x) : ort.run(x);
                Map<String, FloatTensor> got = ex.run(x);
                assertEquals(want.keySet(), got.keySet(), c.name() + " batch " + batch + ": output names");
                for (var e : want.entrySet()) {
                    String where = c.name() + " batch " + batch + " output '" + e.getKey() + "'";
                    FloatTensor o = e.getValue();
                    FloatTensor d = got.get(e.getKey());
                    assertArrayEquals(o.shape(), d.shape(), where + ": shape expected " + Arrays.toString(o.shape())
                            + ", got " + Arrays.toString(d.shape()));
                    compare(where, d.data(), o.data());
                }
            }
        }
    }

    static Map<String, FloatTensor> perSample(OrtRunner ort, FloatTensor x) {
        Map<String, List<FloatTensor>> parts = new java.util.LinkedHashMap<>();
        for (int b = 0; b < x.shape()[0]; b++) {
            ort.run(x.sample(b)).forEach((k, v) -> parts.computeIfAbsent(k, z -> new ArrayList<>()).add(v));
        }
        Map<String, FloatTensor> out = new java.util.LinkedHashMap<>();
        parts.forEach((k, v) -> out.put(k, FloatTensor.stack(v)));
        return out;
    }

    /** Fails when max |got - want| / (max |want| + 1e-6) exceeds the tolerance (NaN anywhere fails). */
    static void compare(String where, float[] got, float[] want) {
        double maxAbs = 0;
        double maxDiff = 0;
        int worst = -1;
        for (int i = 0; i < want.length; i++) {
            double diff = Math.abs((double) got[i] - want[i]);
            if (Double.isNaN(diff) || Float.isNaN(want[i])) {
                fail(where + ": NaN at flat index " + i + " (expected " + want[i] + ", got " + got[i] + ")");
            }
            maxAbs = Math.max(maxAbs, Math.abs(want[i]));
            if (diff > maxDiff) {
                maxDiff = diff;
                worst = i;
            }
        }
        double err = maxDiff / (maxAbs + 1e-6);
        if (!(err <= TOLERANCE)) {
            fail(where + ": relative error " + err + " > " + TOLERANCE + "; worst at flat index " + worst
                    + ": expected " + want[worst] + ", got " + got[worst]);
        }
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void unsupportedOpsAreRefusedWithEveryTypeAndNode() {
        OnnxModelBuilder m = OnnxModelBuilder.opset(13).domain("com.example", 1).input(X, -1, 4, 6)
                .initializerInt64("k", s(1), 10).scalar("iou", 0.5f).scalar("score", 0.1f)
                .node("Relu", X).out("r").end()
                .node("NonMaxSuppression", X, "r", "k", "iou", "score").name("nms_a").out("sel_a").end()
                .node("NonMaxSuppression", X, "r", "k", "iou", "score").name("nms_b").out("sel_b").end()
                .node("FancyDecode", "r").name("decode_head").domain("com.example").out("dec").end()
                .node("TopK", "r", "k").name("topk_1").out("vals", "idx").end()
                .output("sel_a", 7).output("sel_b", 7).output("dec").output("vals");
        Path file = m.write(tmp);
        UserError e = assertThrows(UserError.class, () -> OnnxReader.read(file));
        assertEquals(ExitCode.UNSUPPORTED_OPS, e.exitCode(), e.getMessage());
        for (String part : List.of("NonMaxSuppression", "nms_a", "nms_b", "FancyDecode", "com.example",
                "decode_head", "TopK", "topk_1")) {
            assertTrue(e.getMessage().contains(part), "message should name '" + part + "', got: " + e.getMessage());
        }
        assertFalse(e.getMessage().contains("Relu"), "supported ops are not listed, got: " + e.getMessage());
    }

    @Test
    void aDefaultOpInAForeignDomainIsRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.opset(13).domain("com.microsoft", 1).input(X, -1, 4)
                .node("Relu", X).name("ms_relu").domain("com.microsoft").out(Y).end().output(Y);
        UserError e = assertThrows(UserError.class, () -> OnnxReader.read(m.write(tmp)));
        assertEquals(ExitCode.UNSUPPORTED_OPS, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains("com.microsoft.Relu") && e.getMessage().contains("ms_relu"), e.getMessage());
    }

    @Test
    void corruptFilesAreInvalidModels() throws IOException {
        Random rnd = new Random(3);
        List<byte[]> bad = new ArrayList<>();
        for (int len : new int[] {1, 7, 64, 1000, 100_000}) {
            byte[] b = new byte[len];
            rnd.nextBytes(b);
            bad.add(b);
        }
        bad.add("this is not an onnx model\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        bad.add(new byte[0]);
        byte[] good = single(model(13, s(-1, 3, 4, 4)).initializer("w", s(2, 3, 1, 1), new Weights(1).normal(2, 3, 1, 1)),
                "Conv", none(), "w").build().toByteArray();
        bad.add(Arrays.copyOf(good, good.length / 2));
        for (int i = 0; i < bad.size(); i++) {
            Path p = Files.createTempFile(tmp, "corrupt", ".onnx");
            Files.write(p, bad.get(i));
            int k = i;
            UserError e = assertThrows(UserError.class, () -> OnnxReader.read(p), "corrupt file #" + k);
            assertEquals(ExitCode.INVALID_MODEL, e.exitCode(), "corrupt file #" + k + ": " + e.getMessage());
        }
    }

    @Test
    void missingFileIsMissingInput() {
        Path p = tmp.resolve("does-not-exist.onnx");
        UserError e = assertThrows(UserError.class, () -> OnnxReader.read(p));
        assertEquals(ExitCode.MISSING_INPUT, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains("does-not-exist.onnx"), e.getMessage());
        UserError dir = assertThrows(UserError.class, () -> OnnxReader.read(tmp));
        assertEquals(ExitCode.MISSING_INPUT, dir.exitCode(), dir.getMessage());
    }
}
