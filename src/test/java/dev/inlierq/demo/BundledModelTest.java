package dev.inlierq.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.EngineKind;
import dev.inlierq.api.Evaluation;
import dev.inlierq.detect.decode.CenterNetHead;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo detector shipped in the jar ({@link BundledModel#DEFAULT}): its spec fits the model and the model runs on
 * synthetic images with ONNX Runtime through the demo's own path (copied to the cache, evaluated). The model is
 * committed (docs/training.md), so its absence is a failure; the whole demo's accuracy is the acceptance run
 * ({@code ./inlierq demo --json d.json}, docs/demo.md), not a unit test.
 */
class BundledModelTest {
    @TempDir
    Path tmp;

    @Test
    void theBundledDetectorFitsItsSpecAndRunsOnSyntheticImages() {
        assertNotNull(BundledModel.class.getClassLoader().getResource(BundledModel.DEFAULT.onnxResource()),
                "the bundled demo model " + BundledModel.DEFAULT.onnxResource() + " is committed in src/main/resources");
        BundledModel.Loaded m = BundledModel.DEFAULT.load(tmp.resolve("cache"));
        assertTrue(Files.isRegularFile(m.onnx()));
        assertTrue(m.spec().head() instanceof CenterNetHead, "a CenterNet-style head: " + m.spec().head());
        DemoData.Prepared data = DemoData.prepare(DemoSource.of(DemoBenchmark.SHAPES, 8, 1, 0, 2),
                tmp.resolve("cache"), DemoSource.Progress.NONE);
        Evaluation.Result r = Evaluation.run(new Evaluation.Options(m.onnx(), m.spec(), data.valImages(),
                data.valAnnotations(), EngineKind.ORT, 4, 2, 0), n -> { });
        assertEquals(8, r.images());
        assertTrue(r.metrics().ap() > 0.1, "a trained detector finds the shapes: AP " + r.metrics().ap());
    }
}
