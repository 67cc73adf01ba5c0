package dev.inlierq.recon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.ValueHook;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.testing.OnnxModelBuilder;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.RandomData;
import dev.inlierq.testing.Shared;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spatial windows (issue 12, "cheaper steps"): a unit run on the crop a window needs computes, on the
 * window, exactly what it computes on the full maps (crops aligned to the unit's stride, the loss only on the
 * exact interior, the map's own border kept); units the walk cannot map, or too small to gain, keep full
 * maps and say why; the windowed loss over a crop covering everything is the full-map loss.
 */
class WindowsTest {
    /** Runs each unit on full maps and on many drawn crops, and compares the outputs on every window. */
    private static void assertExactOnWindows(RealUnits r, List<Integer> unitIndices, int window) {
        for (int ui : unitIndices) {
            Units.Unit u = r.units.get(ui);
            Set<String> names = new LinkedHashSet<>(u.inputs());
            assertExactOnWindows(r.g, u, r.values(names), window, r.model + " unit " + ui);
        }
    }

    /** Runs the unit on full maps {@code values} and on many drawn crops, and compares outputs on every window. */
    private static void assertExactOnWindows(Graph g, Units.Unit u, Map<String, FloatTensor> values, int window,
            String label) {
        Windows.Choice c = Windows.choose(g, u, ReconstructionOptions.builder(Units.Kind.BLOCK).window(window).build());
        assertNotNull(c.windows(), label + ": " + c.description());
        try (Windows w = c.windows(); NDManager m = DjlRuntime.newManager();
                GraphExecutor full = new GraphExecutor(Units.subgraph(g, u))) {
            Map<String, NDArray> all = new HashMap<>();
            values.forEach((k, v) -> all.put(k, DjlRuntime.create(m, v.data(), new Shape(v.shape()))));
            Map<String, NDArray> fullOut = full.forward(m, all, ValueHook.NONE);
            int n = (int) values.get(u.inputs().get(0)).shape()[0];
            Random rng = new Random(window);
            for (int k = 0; k < 48; k++) {
                int[] samples = {k % n, (k + 1) % n};
                Windows.Draw d = w.draw(rng, samples);
                Map<String, NDArray> ins = new HashMap<>();
                for (String v : u.inputs()) {
                    ins.put(v, d.input(v, all.get(v)));
                }
                Map<String, NDArray> outs = w.executor().forward(m, ins, ValueHook.NONE);
                for (String v : u.outputs()) {
                    ReconstructionLoss.Crop crop = d.crop(v, m);
                    assertTrue(crop.count() > 0);
                    float[] got = outs.get(v).toFloatArray();
                    float[] want = d.output(v, fullOut.get(v)).toFloatArray();
                    float[] mask = crop.mask().toFloatArray();
                    double scale = maxAbs(fullOut.get(v).toFloatArray());
                    int plane = crop.height() * crop.width();
                    int channels = got.length / (samples.length * plane);
                    for (int i = 0; i < got.length; i++) {
                        int b = i / (channels * plane);
                        if (mask[b * plane + i % plane] > 0 && Math.abs(got[i] - want[i]) > 1e-5 * scale) {
                            throw new AssertionError(label + " output " + v + ": " + got[i]
                                    + " on the crop, " + want[i] + " on the full map (draw " + k + ")");
                        }
                    }
                }
            }
        }
    }

    @Test
    void cropsOfDilatedStridedPooledAndJoinedMapsAreExactOnNonSquareInputs(@TempDir Path tmp) {
        Random r = new Random(7);
        OnnxModelBuilder b = OnnxModelBuilder.opset(13).input("x", -1, 4, 80, 112);
        b.initializer("w1", new long[] {6, 4, 3, 3}, RandomData.gaussian(r, 216, 0.3));
        b.initializer("w2", new long[] {8, 6, 3, 3}, RandomData.gaussian(r, 432, 0.3));
        b.initializer("w3", new long[] {5, 4, 1, 1}, RandomData.gaussian(r, 20, 0.3));
        b.initializer("w4", new long[] {4, 13, 3, 3}, RandomData.gaussian(r, 468, 0.3));
        // a dilated conv, a stride-2 conv with asymmetric padding, max and average pooling (padding not
        // counted), a stride-4 1x1 branch from the input, a concatenation of both, a last 3x3 conv
        b.node("Conv", "x", "w1").name("c1").out("c1").ints("pads", 2, 2, 2, 2).ints("dilations", 2, 2).end();
        b.node("Relu", "c1").out("r1").end();
        b.node("Conv", "r1", "w2").name("c2").out("c2").ints("pads", 1, 0, 0, 1).ints("strides", 2, 2).end();
        b.node("MaxPool", "c2").out("mp").ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1).ints("strides", 2, 2).end();
        b.node("AveragePool", "mp").out("ap").ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1).end();
        b.node("Conv", "x", "w3").name("c3").out("c3").ints("strides", 4, 4).end();
        b.node("Concat", "ap", "c3").out("cat").i("axis", 1).end();
        b.node("Conv", "cat", "w4").name("c4").out("y").ints("pads", 1, 1, 1, 1).end();
        b.output("y");
        Graph g = GraphPreparer.prepare(OnnxReader.read(b.write(tmp)));
        QuantPlan plan = Planner.plan(g, PlanOptions.builder().weightBits(4).activationBits(8).build());
        List<Units.Unit> units = Units.find(g, plan, Units.Kind.BLOCK, 8);
        assertEquals(1, units.size(), "one block");
        FloatTensor x = new FloatTensor(new long[] {3, 4, 80, 112}, RandomData.gaussian(r, 3 * 4 * 80 * 112, 1));
        assertExactOnWindows(g, units.get(0), Map.of("x", x), 4, "synthetic");
        assertExactOnWindows(g, units.get(0), Map.of("x", x), 6, "synthetic");
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void yoloxFirstStageBlocksComputeTheirWindowsExactlyOnCrops() {
        RealUnits r = RealUnits.load("yolox", Shared.model("yolox"), Shared.trainImages(), 2);
        // unit 0 reads the image through the Focus slices (stride 2) and a stride-2 convolution: total stride 4
        assertExactOnWindows(r, List.of(0, 1, 2), 24);
        assertExactOnWindows(r, List.of(0), 16);
    }

    @Test
    void picodetAndFastestdetHighResolutionUnitsComputeTheirWindowsExactly() {
        // PicoDet: stem and depthwise blocks; FastestDet: outputs at two resolutions (unit 0), channel shuffles
        // that flatten the spatial axes (units 1 to 3)
        assertExactOnWindows(RealUnits.load("picodet", Shared.model("picodet"), Shared.trainImages(), 2),
                List.of(0, 1, 2), 16);
        assertExactOnWindows(RealUnits.load("fastestdet", Shared.model("fastestdet"), Shared.trainImages(), 2),
                List.of(0, 1, 2, 3), 16);
    }

    @Test
    void unitsTheWalkCannotMapOrTooSmallKeepFullMapsAndSayWhy() {
        RealUnits r = RealUnits.load("yolox", Shared.model("yolox"), Shared.trainImages(), 1);
        // unit, window, why: a 13x13 output, an upsampling, a crop over half the map
        Object[][] expected = {{10, 32, "not smaller than the output (13x13)"}, {12, 8, "Resize"},
            {5, 40, "crop 42x42 of the 52x52 input"}};
        for (Object[] e : expected) {
            ReconstructionOptions o = ReconstructionOptions.builder(Units.Kind.BLOCK).window((int) e[1]).build();
            Windows.Choice c = Windows.choose(r.g, r.units.get((int) e[0]), o);
            assertNull(c.windows(), c.description());
            assertTrue(c.description().startsWith("full maps: ") && c.description().contains((String) e[2]),
                    c.description());
        }
        Windows.Choice off = Windows.choose(r.g, r.units.get(0), ReconstructionOptions.builder(Units.Kind.BLOCK).build());
        assertNull(off.windows());
        assertNull(off.description(), "no report without windows");
    }

    @Test
    void windowedReconstructionOfARealModelIsDeterministicForASeed() {
        RealUnits r = RealUnits.load("yolox", Shared.model("yolox"), Shared.trainImages(), 4);
        Map<String, dev.inlierq.quant.Encoding> enc = r.encodings();
        List<Units.Unit> units = r.units.subList(0, 2);
        ReconstructionOptions o = ReconstructionOptions.builder(Units.Kind.BLOCK).iterations(8).batch(2).window(16)
                .seed(3).build();
        Reconstruction.Result a = reconstruct(r, enc, units, o);
        Reconstruction.Result b = reconstruct(r, enc, units, o);
        Reconstruction.Result other = reconstruct(r, enc, units, o.toBuilder().seed(4).build());
        boolean seedMatters = false;
        for (Units.Unit u : units) {
            for (String layer : u.layers()) {
                String w = r.plan.weightOf(layer).tensor();
                float[] wa = a.graph().constant(w).floats();
                org.junit.jupiter.api.Assertions.assertArrayEquals(wa, b.graph().constant(w).floats(), w);
                seedMatters |= !java.util.Arrays.equals(wa, other.graph().constant(w).floats());
            }
        }
        assertTrue(seedMatters, "another seed draws other windows");
        for (int i = 0; i < units.size(); i++) {
            Reconstruction.UnitReport ra = a.units().get(i);
            assertEquals(ra.firstLoss(), b.units().get(i).firstLoss());
            assertEquals(ra.lastLoss(), b.units().get(i).lastLoss());
            assertTrue(ra.window().startsWith("window 16x16"), ra.window());
        }
        for (var e : a.encodings().entrySet()) {
            assertEquals(e.getValue().scale(0), b.encodings().get(e.getKey()).scale(0), e.getKey());
        }
    }

    /** Reconstruction with a per-element weighted loss (random positive weights, as BRECQ's Fisher), one thread. */
    private static Reconstruction.Result reconstruct(RealUnits r, Map<String, dev.inlierq.quant.Encoding> enc,
            List<Units.Unit> units, ReconstructionOptions o) {
        Random rnd = new Random(5);
        NDManager m = DjlRuntime.newManager();
        Map<String, NDArray> w = new HashMap<>();
        for (Units.Unit u : units) {
            for (String v : u.outputs()) {
                long[] s = r.g.shape(v).clone();
                s[0] = r.samples.shape()[0];
                float[] d = RandomData.gaussian(rnd, (int) FloatTensor.numel(s), 1);
                for (int i = 0; i < d.length; i++) {
                    d[i] = 1 + d[i] * d[i];
                }
                w.put(v, DjlRuntime.create(m, d, new Shape(s)));
            }
        }
        DjlRuntime.setThreads(1);
        try (ReconstructionLoss loss = ReconstructionLoss.weighted("fisher", w)) {
            return Reconstruction.run(r.g, r.plan, enc, units, r.samples, loss, o, (u, n, i) -> { });
        } finally {
            DjlRuntime.setThreads(2);
            m.close();
        }
    }

    @Test
    void theWindowedLossOverACropCoveringEverythingIsTheFullMapLoss() {
        Random rnd = new Random(2);
        long[] s = {3, 4, 5, 6};
        int n = 3 * 4 * 5 * 6;
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray pred = DjlRuntime.create(m, RandomData.gaussian(rnd, n, 1), new Shape(s));
            NDArray target = DjlRuntime.create(m, RandomData.gaussian(rnd, n, 1), new Shape(s));
            float[] wv = RandomData.gaussian(rnd, 2 * n, 1);
            for (int i = 0; i < wv.length; i++) {
                wv[i] = wv[i] * wv[i];
            }
            NDArray weights = DjlRuntime.create(m, wv, new Shape(6, 4, 5, 6));
            int[] samples = {4, 1, 2};
            float[] ones = new float[3 * 5 * 6];
            java.util.Arrays.fill(ones, 1f);
            ReconstructionLoss.Crop all = new ReconstructionLoss.Crop(new int[3], new int[3], 5, 6,
                    DjlRuntime.create(m, ones, new Shape(3, 1, 5, 6)), ones.length);
            ReconstructionLoss loss = ReconstructionLoss.weighted("w", Map.of("y", weights.duplicate()));
            assertEquals(loss.error("y", pred, target, samples).getFloat(),
                    loss.error("y", pred, target, samples, all).getFloat(), 1e-5);
            assertEquals(ReconstructionLoss.mse().error("y", pred, target, samples).getFloat(),
                    ReconstructionLoss.mse().error("y", pred, target, samples, all).getFloat(), 1e-5);
            // one position of one sample: the weighted squared error summed over channels, at the crop's place
            float[] one = new float[3 * 2 * 2];
            one[4 + 3] = 1f; // sample 1, row 1, column 1 of a 2 x 2 crop at (2, 3)
            ReconstructionLoss.Crop single = new ReconstructionLoss.Crop(new int[] {2, 2, 2}, new int[] {3, 3, 3},
                    2, 2, DjlRuntime.create(m, one, new Shape(3, 1, 2, 2)), 1);
            NDArray p = pred.get(":,:,2:4,3:5");
            NDArray t = target.get(":,:,2:4,3:5");
            double want = 0;
            for (int c = 0; c < 4; c++) {
                double d = pred.getFloat(1, c, 3, 4) - target.getFloat(1, c, 3, 4);
                want += weights.getFloat(1, c, 3, 4) * d * d;
            }
            assertEquals(want, loss.error("y", p, t, samples, single).getFloat(), 1e-4);
            loss.close();
        }
    }
}
