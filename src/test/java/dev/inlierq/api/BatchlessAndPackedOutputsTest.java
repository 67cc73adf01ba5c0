package dev.inlierq.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.cli.Main;
import dev.inlierq.detect.Detection;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.detect.decode.HeatmapRecipe;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.loss.HeatmapBuilder;
import dev.inlierq.runtime.DjlRunner;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.Shared;
import dev.inlierq.testing.TinyDetectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acceptance for issue 11 items 11, 12 and 13: a model with rank-2 per-level outputs ([L, K], no batch axis),
 * one whose head convolutions are shared by its levels (one weight initializer read by two Convs) and one with
 * a packed anchor output (levels and anchors in one [R, 5A + C] output) are evaluated on real images
 * with both engines to the same detections, their score heatmap is the same on the engine as in the
 * reference, and they quantize (minmax W8A8) to a file ONNX Runtime runs at batch 1 and 8.
 */
class BatchlessAndPackedOutputsTest {
    private static final String INPUT = "input: {name: images, width: 64, height: 64, channelOrder: RGB,"
            + " resize: STRETCH, scale: 1/255}\npostprocess: {scoreThreshold: 0.05}\n";

    @TempDir
    Path tmp;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("per-level [L, K]", INPUT + "head: {family: gfl, strides: [8, 16], regMax: 3,"
                        + " cls: [cls8, cls16], clsLayout: CHANNELS_LAST, reg: [reg8, reg16], batchAxis: false}\n"),
                Arguments.of("shared head", INPUT + "head: {family: gfl, strides: [8, 16], regMax: 3,"
                        + " cls: [cls8, cls16], clsLayout: CHANNELS_LAST, reg: [reg8, reg16]}\n"),
                Arguments.of("packed [R, 95]", INPUT + "head:\n  family: anchor_yolo\n  output: packed\n"
                        + "  layout: {box: 0, objectness: 12, classes: 15}\n  batchAxis: false\n  levels:\n"
                        + "    - {stride: 16, size: [4, 4], anchors: [10, 14, 23, 27, 37, 58]}\n"
                        + "    - {stride: 32, anchors: [81, 82, 135, 169, 344, 319]}\n"));
    }

    private Path model(String kind) {
        if (kind.startsWith("shared")) {
            return TinyDetectors.sharedHead(tmp, List.of(8, 16), 80, 3);
        }
        return kind.startsWith("packed") ? TinyDetectors.packed(tmp, List.of(16, 32), 3, 80, false)
                : TinyDetectors.perLevel(tmp, List.of(8, 16), 80, 3, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void bothEnginesAgreeTheHeatmapMatchesAndTheQuantizedFileRunsAtBatch8(String kind, String yaml) throws Exception {
        Shared.require();
        Path model = model(kind);
        Path specFile = tmp.resolve("tiny.yaml");
        Files.writeString(specFile, yaml);
        DetectorSpec spec = DetectorSpecs.load(specFile);
        List<Detection> djl = evaluate(model, spec, EngineKind.DJL);
        List<Detection> ort = evaluate(model, spec, EngineKind.ORT);
        assertFalse(ort.isEmpty(), "the tiny model detects something");
        assertSame(ort, djl);
        heatmapOnTheEngineMatchesTheReference(model, spec);

        Path out = tmp.resolve("q.onnx");
        assertEquals(0, Main.execute("quantize", "--model", model.toString(), "--spec", specFile.toString(),
                "--calib", Shared.trainImages().toString(), "--num-calib", "4", "--method", "minmax", "--w-bits", "8",
                "--a-bits", "8", "--batch", "2", "--check-images", "1", "--stats-images", "1", "--out", out.toString()));
        for (int batch : new int[] {1, 8}) {
            List<PreparedImage> images = images(spec.preprocessor(), batch);
            try (OrtRunner runner = new OrtRunner(out, 2)) {
                Map<String, FloatTensor> outputs = runner.run(Preprocessor.stack(images));
                List<List<Detection>> dets = spec.decoder().decode(outputs, images,
                        images.stream().map(p -> 0L).toList());
                assertEquals(batch, dets.size());
                dets.forEach(d -> d.forEach(BatchlessAndPackedOutputsTest::assertFinite));
                assertTrue(dets.stream().anyMatch(d -> !d.isEmpty()), "quantized model detects something");
            }
        }
    }

    private static List<Detection> evaluate(Path model, DetectorSpec spec, EngineKind engine) {
        return Evaluation.run(new Evaluation.Options(model, spec, Shared.valImages(), Shared.valAnnotations(), engine,
                3, 2, 5), n -> { }).detections();
    }

    private static void assertSame(List<Detection> want, List<Detection> got) {
        assertEquals(want.size(), got.size(), "detections of both engines");
        for (int i = 0; i < want.size(); i++) {
            Detection a = want.get(i);
            Detection b = got.get(i);
            assertFinite(a);
            assertEquals(a.imageId(), b.imageId());
            assertEquals(a.categoryId(), b.categoryId(), "detection " + i);
            double[] x = {a.x(), a.y(), a.w(), a.h(), a.score()};
            double[] y = {b.x(), b.y(), b.w(), b.h(), b.score()};
            for (int k = 0; k < x.length; k++) { // float32 engines: relative 1e-5 on coordinates of original images
                assertEquals(x[k], y[k], 1e-4 + 1e-5 * Math.abs(x[k]), "detection " + i + " value " + k);
            }
        }
    }

    private static void assertFinite(Detection d) {
        for (double v : new double[] {d.x(), d.y(), d.w(), d.h(), d.score()}) {
            assertTrue(Double.isFinite(v), "finite: " + d);
        }
    }

    private static List<PreparedImage> images(Preprocessor pre, int count) throws Exception {
        try (Stream<Path> files = Files.list(Shared.valImages())) {
            return files.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(count).map(pre::prepare).toList();
        }
    }

    /** The differentiable heatmap (InlierQ's loss) of a batch of 2 equals the plain-Java recipe. */
    private static void heatmapOnTheEngineMatchesTheReference(Path model, DetectorSpec spec) throws Exception {
        HeatmapRecipe recipe = spec.heatmapRecipe();
        Map<String, FloatTensor> outputs;
        try (DjlRunner runner = new DjlRunner(model)) {
            outputs = runner.run(Preprocessor.stack(images(spec.preprocessor(), 2)));
        }
        FloatTensor want = recipe.evaluate(outputs);
        assertEquals(2, want.shape()[0], "two samples");
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> nd = new HashMap<>();
            outputs.forEach((k, v) -> nd.put(k, m.create(v.data(), new Shape(v.shape()))));
            NDArray h = HeatmapBuilder.build(recipe, nd);
            assertArrayEquals(want.shape(), h.getShape().getShape());
            float[] got = h.toFloatArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(want.data()[i], got[i], 1e-5, "H[" + i + "]");
            }
        }
    }
}
