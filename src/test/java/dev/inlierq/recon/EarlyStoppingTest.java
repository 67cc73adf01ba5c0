package dev.inlierq.recon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.FakeQuant;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.ValueHook;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.plan.Role;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.RangeEstimation;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.OnnxModelBuilder;
import dev.inlierq.testing.RandomData;
import dev.inlierq.testing.Shared;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Early stopping on held-out calibration images (issue 12, "a budget that means convergence"): the steps never
 * sample a held-out image; a unit whose held-out loss stops improving stops before its budget and says so; the
 * state it keeps is its best checked one; with no holdout nothing changes; runs are deterministic for a seed.
 */
class EarlyStoppingTest {
    @TempDir
    Path tmp;

    /** x -> Conv 3x3 -> Relu -> Conv 3x3 -> Relu -> Conv 1x1 -> y at W3A4, 24 random images. */
    private TinyNet net() {
        Random r = new Random(12);
        OnnxModelBuilder b = OnnxModelBuilder.opset(13).input("x", -1, 3, 8, 8);
        b.initializer("w1", new long[] {8, 3, 3, 3}, RandomData.gaussian(r, 216, 0.3));
        b.initializer("w2", new long[] {8, 8, 3, 3}, RandomData.gaussian(r, 576, 0.15));
        b.initializer("w3", new long[] {4, 8, 1, 1}, RandomData.gaussian(r, 32, 0.4));
        b.node("Conv", "x", "w1").name("c1").out("c1").ints("pads", 1, 1, 1, 1).end();
        b.node("Relu", "c1").out("r1").end();
        b.node("Conv", "r1", "w2").name("c2").out("c2").ints("pads", 1, 1, 1, 1).end();
        b.node("Relu", "c2").out("r2").end();
        b.node("Conv", "r2", "w3").name("c3").out("y").end();
        b.output("y");
        Graph g = GraphPreparer.prepare(OnnxReader.read(b.write(tmp)));
        QuantPlan plan = Planner.plan(g, PlanOptions.builder().weightBits(3).activationBits(4)
                .firstLastAt8Bit(false).build());
        FloatTensor data = new FloatTensor(new long[] {24, 3, 8, 8}, RandomData.gaussian(r, 24 * 3 * 64, 1));
        return TinyNet.calibrated(g, plan, data, RangeEstimation.MSE);
    }

    private static ReconstructionOptions.Builder options() {
        return ReconstructionOptions.builder(Units.Kind.LAYER).iterations(200).batch(4).seed(5);
    }

    /** Every weight tensor's learned values, by name. */
    private static Map<String, float[]> weights(TinyNet n, Reconstruction.Result r) {
        Map<String, float[]> m = new HashMap<>();
        for (QuantPoint p : n.plan().points()) {
            if (p.role() == Role.WEIGHT) {
                m.put(p.tensor(), r.graph().constant(p.tensor()).floats());
            }
        }
        return m;
    }

    private static void assertSameResult(TinyNet n, Reconstruction.Result a, Reconstruction.Result b) {
        Map<String, float[]> wa = weights(n, a);
        Map<String, float[]> wb = weights(n, b);
        wa.forEach((k, v) -> assertArrayEquals(v, wb.get(k), k));
        for (QuantPoint p : n.plan().activations()) {
            assertEquals(a.encodings().get(p.tensor()), b.encodings().get(p.tensor()), p.tensor());
        }
        for (int i = 0; i < a.units().size(); i++) {
            assertArrayEquals(a.units().get(i).losses().points(), b.units().get(i).losses().points());
            assertEquals(a.units().get(i).earlyStop(), b.units().get(i).earlyStop());
        }
    }

    /**
     * Records the samples of every loss evaluation; the one just before a progress report is a step's (the units
     * of the test network have one output each), the others are checks and the recipe's comparisons.
     */
    private static final class RecordingLoss implements ReconstructionLoss {
        final ReconstructionLoss mse = ReconstructionLoss.mse();
        final List<int[]> calls = new ArrayList<>();
        final Set<Integer> stepCalls = new HashSet<>();

        @Override
        public String name() {
            return "recording mse";
        }

        @Override
        public NDArray error(String value, NDArray pred, NDArray target, int[] samples) {
            calls.add(samples.clone());
            return mse.error(value, pred, target, samples);
        }

        void stepDone() {
            stepCalls.add(calls.size() - 1);
        }
    }

    @Test
    void stepsNeverSampleTheHeldOutImages() {
        TinyNet n = net();
        ReconstructionOptions o = options().earlyStop(EarlyStopSettings.holding(6)).iterations(60).build();
        EarlyStopping.Split split = EarlyStopping.split(24, o);
        assertEquals(6, split.heldOut().length);
        Set<Integer> held = new HashSet<>();
        Arrays.stream(split.heldOut()).forEach(held::add);
        Set<Integer> all = new HashSet<>(held);
        Arrays.stream(split.train()).forEach(all::add);
        assertEquals(24, all.size(), "a split of all images: " + Arrays.toString(split.heldOut()));
        assertNotEquals(Arrays.toString(split.heldOut()),
                Arrays.toString(EarlyStopping.split(24, o.toBuilder().seed(6).build()).heldOut()), "chosen by the seed");
        assertArrayEquals(new int[0], EarlyStopping.split(24, options().build()).heldOut());

        RecordingLoss loss = new RecordingLoss();
        Reconstruction.Result r = TinyNet.oneThread(() -> Reconstruction.run(n.g(), n.plan(), n.enc(),
                Units.find(n.g(), n.plan(), o.unit(), 1), n.data(), loss, o, (u, k, i) -> loss.stepDone()));
        int steps = r.units().stream().mapToInt(u -> u.earlyStop().steps()).sum();
        assertEquals(steps, loss.stepCalls.size(), "one loss per step");
        Set<Integer> sampled = new HashSet<>();
        List<int[]> checked = new ArrayList<>();
        for (int c = 0; c < loss.calls.size(); c++) {
            if (!loss.stepCalls.contains(c)) {
                checked.add(loss.calls.get(c));
                continue;
            }
            for (int i : loss.calls.get(c)) {
                assertFalse(held.contains(i), "a step sampled held-out image " + i);
                sampled.add(i);
            }
        }
        assertEquals(18, sampled.size(), "steps sample every other image");
        int[] first = Arrays.copyOfRange(split.heldOut(), 0, 4);
        int[] second = Arrays.copyOfRange(split.heldOut(), 4, 6);
        long checks = r.units().stream().mapToLong(u -> u.earlyStop().checks().size()).sum();
        assertEquals(checks, checked.stream().filter(b -> Arrays.equals(b, first)).count());
        assertEquals(checks, checked.stream().filter(b -> Arrays.equals(b, second)).count(),
                "every check evaluates the held-out images, in batches of 4");
    }

    @Test
    void aUnitThatStopsImprovingStopsBeforeItsBudgetAndSaysSo() {
        TinyNet n = net();
        // nothing moves: every check has the loss of the start, so the patience runs out right after the warm-up
        ReconstructionOptions frozen = options().earlyStop(EarlyStopSettings.holding(6)).lrRounding(0f).lrScale(0f).build();
        Reconstruction.Result r = n.run(frozen);
        Reconstruction.Result nearest = n.run(options().iterations(0).build());
        assertEquals(Map.of(), diff(weights(n, nearest), weights(n, r)), "the starting rounding is kept");
        for (Reconstruction.UnitReport u : r.units()) {
            EarlyStop s = u.earlyStop();
            // warm-up 40 steps (20% of 200), then 3 checks every 10 steps without improvement
            assertEquals(70, s.steps(), u.name() + ": " + s);
            assertTrue(s.stopped());
            assertEquals(0, s.bestStep());
            assertEquals(List.of(0, 10, 20, 30, 40, 50, 60, 70), s.checks().stream().map(EarlyStop.Check::step).toList());
            s.checks().forEach(c -> assertEquals(s.checks().get(0).loss(), c.loss(), u.name()));
            assertEquals(200, u.iterations(), "the planned budget");
            assertEquals(20, u.losses().points().length, "the loss curve of the steps run");
        }
        // learning: a unit stops once its held-out loss stops improving, at a check, after its warm-up
        Reconstruction.Result learned = n.run(options().earlyStop(EarlyStopSettings.holding(6)).build());
        int early = 0;
        for (Reconstruction.UnitReport u : learned.units()) {
            EarlyStop s = u.earlyStop();
            List<EarlyStop.Check> c = s.checks();
            assertEquals(s.steps(), c.get(c.size() - 1).step(), "the last step is checked");
            double best = c.stream().mapToDouble(EarlyStop.Check::loss).min().orElseThrow();
            assertEquals(best, c.stream().filter(k -> k.step() == s.bestStep()).findFirst().orElseThrow().loss());
            if (s.stopped()) {
                early++;
                assertTrue(s.steps() < 200 && s.steps() > 40, s.toString());
                for (EarlyStop.Check k : c.subList(c.size() - 3, c.size())) {
                    assertTrue(k.loss() >= best * (1 - EarlyStopSettings.TOLERANCE) || k.step()
                            == s.bestStep(), "no improvement in the last checks: " + s);
                }
            }
        }
        assertTrue(early > 0, "some unit stopped early: " + learned.units());
    }

    private static Map<String, String> diff(Map<String, float[]> a, Map<String, float[]> b) {
        Map<String, String> d = new HashMap<>();
        a.forEach((k, v) -> {
            if (!Arrays.equals(v, b.get(k))) {
                d.put(k, "differs");
            }
        });
        return d;
    }

    /**
     * Each unit's loss on the held-out images as the result deploys it, computed apart from the optimiser: the
     * float network and the result's quantized one (learned weights, learned encodings) run unit by unit.
     */
    private static double[] heldOutLosses(TinyNet n, Reconstruction.Result r, ReconstructionOptions o) {
        int[] held = EarlyStopping.split((int) n.data().shape()[0], o).heldOut();
        Set<String> acts = new HashSet<>();
        n.plan().activations().forEach(p -> acts.add(p.tensor()));
        List<Units.Unit> units = Units.find(n.g(), n.plan(), o.unit(), 1);
        double[] out = new double[units.size()];
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray x = DjlRuntime.create(m, n.data().data(), new Shape(n.data().shape()));
            Map<String, NDArray> fp = new HashMap<>(Map.of("x", x));
            Map<String, NDArray> q = new HashMap<>(Map.of("x", acts.contains("x")
                    ? FakeQuant.fakeQuant(x, r.encodings().get("x")) : x));
            for (Units.Unit u : units) {
                try (GraphExecutor f = new GraphExecutor(Units.subgraph(n.g(), u));
                        GraphExecutor qe = new GraphExecutor(Units.subgraph(r.graph(), u))) {
                    Map<String, NDArray> fo = f.forward(m, pick(fp, u.inputs()), ValueHook.NONE);
                    Map<String, NDArray> qo = qe.forward(m, pick(q, u.inputs()), (name, v) ->
                            acts.contains(name) && u.produced().contains(name)
                                    ? FakeQuant.fakeQuant(v, r.encodings().get(name)) : v);
                    for (String v : u.outputs()) {
                        out[u.index()] += ReconstructionLoss.mse().error(v, ReconstructionLoss.rows(qo.get(v), held),
                                ReconstructionLoss.rows(fo.get(v), held), held).getFloat();
                    }
                    fp.putAll(fo);
                    q.putAll(qo);
                }
            }
        }
        return out;
    }

    private static Map<String, NDArray> pick(Map<String, NDArray> values, List<String> names) {
        Map<String, NDArray> m = new HashMap<>();
        names.forEach(v -> m.put(v, values.get(v)));
        return m;
    }

    @Test
    void theKeptStateIsTheBestCheckedOne() {
        TinyNet n = net();
        ReconstructionOptions o = options().earlyStop(EarlyStopSettings.holding(6)).build();
        Reconstruction.Result r = n.run(o);
        double[] deployed = heldOutLosses(n, r, o);
        int restored = 0;
        for (Reconstruction.UnitReport u : r.units()) {
            EarlyStop s = u.earlyStop();
            assertEquals(Reconstruction.Kept.LEARNED, u.check().kept(), u.name() + " kept what it learned");
            double best = s.checks().stream().filter(c -> c.step() == s.bestStep()).findFirst().orElseThrow().loss();
            double last = s.checks().get(s.checks().size() - 1).loss();
            int i = r.units().indexOf(u);
            assertEquals(best, deployed[i], 1e-5 * best, u.name() + ": the result's held-out loss is the best check's "
                    + s);
            if (s.bestStep() != s.steps() && Math.abs(last - best) > 1e-3 * best) {
                restored++;
            }
        }
        assertTrue(restored > 0, "some unit went back to an earlier check: " + r.units());
    }

    @Test
    void withoutHoldoutNothingChanges() {
        TinyNet n = net();
        ReconstructionOptions plain = options().iterations(60).build();
        ReconstructionOptions other = plain.toBuilder().earlyStop(EarlyStopSettings.OFF.withPatience(1).withCheckEvery(1)).build();
        assertEquals(plain.describe(), other.describe());
        assertFalse(plain.describe().contains("holdout"), plain.describe());
        Reconstruction.Result a = n.run(plain);
        int[] ran = new int[3];
        Reconstruction.Result b = TinyNet.oneThread(() -> Reconstruction.run(n.g(), n.plan(), n.enc(),
                Units.find(n.g(), n.plan(), other.unit(), 1), n.data(), ReconstructionLoss.mse(), other,
                (u, k, i) -> ran[u] = i));
        assertSameResult(n, a, b);
        assertArrayEquals(new int[] {60, 60, 60}, ran, "every unit ran its budget");
        for (Reconstruction.UnitReport u : b.units()) {
            assertNull(u.earlyStop(), "no early stopping report without held-out images");
        }
        String on = plain.toBuilder().earlyStop(EarlyStopSettings.holding(4)).build().describe();
        assertTrue(on.startsWith(plain.describe()) && on.endsWith(" holdout=4 patience=3 check_every=10"), on);
    }

    @Test
    void earlyStoppingIsDeterministicForASeed() {
        TinyNet n = net();
        ReconstructionOptions o = options().earlyStop(EarlyStopSettings.holding(6)).build();
        Reconstruction.Result a = n.run(o);
        Reconstruction.Result b = n.run(o);
        assertSameResult(n, a, b);
        Reconstruction.Result other = n.run(o.toBuilder().seed(6).build());
        assertNotEquals(a.units().get(0).earlyStop().checks(), other.units().get(0).earlyStop().checks(),
                "another seed holds out other images");
    }

    @Test
    void aHoldoutThatLeavesNoImageIsRefused() {
        TinyNet n = net();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> n.run(options().earlyStop(EarlyStopSettings.holding(24)).build()));
        assertTrue(e.getMessage().contains("holdout 24 leaves none of the 24"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EarlyStopSettings.OFF.withPatience(0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EarlyStopSettings.holding(-1));
    }

    @Test
    void windowedUnitsOfARealModelCheckFixedWindowsOfTheHeldOutImages() {
        RealUnits r = RealUnits.load("yolox", Shared.model("yolox"), Shared.trainImages(), 6);
        Map<String, Encoding> enc = r.encodings();
        List<Units.Unit> units = r.units.subList(0, 2);
        ReconstructionOptions o = ReconstructionOptions.builder(Units.Kind.BLOCK).iterations(12).batch(2).window(16)
                .earlyStop(EarlyStopSettings.holding(2).withCheckEvery(4).withPatience(1)).seed(3).build();
        // frozen: the same windows at every check give the same loss, so the unit stops at the first check that
        // counts (after the 2 warm-up steps)
        Reconstruction.Result frozen = TinyNet.oneThread(() -> Reconstruction.run(r.g, r.plan, enc, units, r.samples,
                ReconstructionLoss.mse(), o.toBuilder().lrRounding(0f).lrScale(0f).build(), (u, n, i) -> { }));
        for (Reconstruction.UnitReport u : frozen.units()) {
            assertTrue(u.window().startsWith("window 16x16"), u.window());
            EarlyStop s = u.earlyStop();
            assertEquals(List.of(0, 4), s.checks().stream().map(EarlyStop.Check::step).toList(), s.toString());
            assertEquals(s.checks().get(0).loss(), s.checks().get(1).loss(), "fixed windows: " + s);
            assertTrue(s.stopped() && s.steps() == 4 && s.checks().get(0).loss() > 0, s.toString());
        }
        Reconstruction.Result a = TinyNet.oneThread(() -> Reconstruction.run(r.g, r.plan, enc, units, r.samples,
                ReconstructionLoss.mse(), o, (u, n, i) -> { }));
        Reconstruction.Result b = TinyNet.oneThread(() -> Reconstruction.run(r.g, r.plan, enc, units, r.samples,
                ReconstructionLoss.mse(), o, (u, n, i) -> { }));
        for (int i = 0; i < units.size(); i++) {
            EarlyStop s = a.units().get(i).earlyStop();
            assertEquals(s, b.units().get(i).earlyStop(), "same seed, same checks");
            assertTrue(s.steps() >= 4 && s.steps() <= 12, s.toString());
            s.checks().forEach(c -> assertTrue(Double.isFinite(c.loss()) && c.loss() > 0, s.toString()));
            for (String layer : units.get(i).layers()) {
                String w = r.plan.weightOf(layer).tensor();
                assertArrayEquals(a.graph().constant(w).floats(), b.graph().constant(w).floats(), w);
            }
        }
    }
}
