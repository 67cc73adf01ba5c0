package dev.inlierq.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.Quantization;
import dev.inlierq.calib.Calibrator;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.InvalidModelException;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.Planner;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.quant.RangeEstimation;
import dev.inlierq.runtime.DjlRunner;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.OnnxModelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NaN and infinity: a float initializer holding one is refused when the model is read (exit 4, naming the
 * tensor) by the reader, the DJL engine, ONNX Runtime's runner and quantize's preparation; a network output
 * or calibrated activation that becomes non-finite on a finite input is refused (exit 4, naming it) by both
 * engines and by calibration, so neither eval nor quantize goes on with garbage.
 */
class NonFiniteValuesTest {
    @TempDir
    Path tmp;

    private static void assertNames(InvalidModelException e, String... parts) {
        assertEquals(ExitCode.INVALID_MODEL, e.exitCode(), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should name '" + p + "': " + e.getMessage());
        }
    }

    private Path convModel(float bad, String dir) throws Exception {
        float[] w = new float[4 * 3];
        Arrays.fill(w, 0.5f);
        w[7] = bad;
        return OnnxModelBuilder.opset(13).input("x", 1, 3, 4, 4)
                .initializer("conv_w", new long[] {4, 3, 1, 1}, w)
                .node("Conv", "x", "conv_w").name("conv").out("y").end()
                .output("y").write(Files.createDirectories(tmp.resolve(dir)));
    }

    @Test
    void aNonFiniteWeightIsRefusedAtLoadNamingTheTensor() throws Exception {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Path file = convModel(bad, "m" + Float.floatToRawIntBits(bad));
            assertNames(assertThrows(InvalidModelException.class, () -> OnnxReader.read(file)), "conv_w", "non-finite");
            assertNames(assertThrows(InvalidModelException.class, () -> new DjlRunner(file).close()), "conv_w");
            assertNames(assertThrows(InvalidModelException.class, () -> new OrtRunner(file, 1).close()), "conv_w");
            assertNames(assertThrows(InvalidModelException.class,
                    () -> Quantization.plan(file, PlanOptions.builder().build())), "conv_w");
        }
    }

    /** y = Conv(sqrt(-|x| - 1)): NaN for every input although every weight is finite. */
    private Path nanAtRunTime() {
        float[] w = new float[2 * 3];
        Arrays.fill(w, 0.25f);
        return OnnxModelBuilder.opset(13).input("x", 1, 3, 4, 4)
                .scalar("one", 1f).initializer("conv_w", new long[] {2, 3, 1, 1}, w)
                .node("Abs", "x").out("a").end()
                .node("Neg", "a").out("n").end()
                .node("Sub", "n", "one").out("s").end()
                .node("Sqrt", "s").name("sqrt_of_negative").out("r").end()
                .node("Conv", "r", "conv_w").name("conv").out("scores").end()
                .output("scores").write(tmp);
    }

    private static FloatTensor ones() {
        float[] d = new float[3 * 4 * 4];
        Arrays.fill(d, 1f);
        return new FloatTensor(new long[] {1, 3, 4, 4}, d);
    }

    @Test
    void aNonFiniteOutputIsRefusedByBothEnginesNamingTheOutput() {
        Path file = nanAtRunTime();
        try (DjlRunner djl = new DjlRunner(file)) {
            assertNames(assertThrows(InvalidModelException.class, () -> djl.run(ones())), "'scores'", "djl", "NaN");
        }
        try (OrtRunner ort = new OrtRunner(file, 1)) {
            assertNames(assertThrows(InvalidModelException.class, () -> ort.run(ones())), "'scores'", "ort", "NaN");
        }
    }

    @Test
    void aNonFiniteActivationStopsCalibrationNamingTheTensor() {
        Graph g = GraphPreparer.prepare(OnnxReader.read(nanAtRunTime()));
        QuantPlan plan = Planner.plan(g, PlanOptions.builder().build());
        try (GraphExecutor engine = new GraphExecutor(g)) {
            InvalidModelException e = assertThrows(InvalidModelException.class,
                    () -> Calibrator.activations(engine, plan, List.of(ones()), RangeEstimation.MIN_MAX));
            assertNames(e, "calibration", "NaN");
        }
    }
}
