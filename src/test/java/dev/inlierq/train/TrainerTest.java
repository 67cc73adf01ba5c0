package dev.inlierq.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.Detection;
import dev.inlierq.detect.NmsMode;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.error.UserError;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.FloatTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer on a tiny detector (64 x 64 input, 2 classes, a few channels): learning, determinism, the files. */
class TrainerTest {
    private static Architecture tiny() {
        return Architecture.builder().inputSize(64).numClasses(2).stemWidth(4).widths(8, 8, 8, 8).depths(0, 1, 0, 0)
                .neckWidth(8).headWidth(8).build();
    }

    private static TrainingOptions options(long seed, int steps) {
        return TrainingOptions.builder().architecture(tiny()).seed(seed).steps(steps).batch(4).lr(5e-3).warmup(2)
                .logEvery(1).build();
    }

    @Test
    void lossFallsOnAFixedBatch() {
        lossFalls(LossOptions.CENTERNET, 0.7);
    }

    @Test
    void giouLossFallsOnAFixedBatch() {
        Trainer.Result r = lossFalls(new LossOptions(LossOptions.Box.GIOU, 5, LossOptions.Heatmap.CENTERNET), 0.7);
        TrainingLog first = r.log().get(0);
        TrainingLog last = r.log().get(r.log().size() - 1);
        assertTrue(last.box() < 0.8 * first.box(), "GIoU term " + first.box() + " -> " + last.box());
        assertEquals(0, last.size());
        assertEquals(first.focal() + 5 * first.box(), first.loss(), 1e-4 * first.loss());
    }

    @Test
    void ttfHeatmapLossFallsOnAFixedBatch() {
        lossFalls(new LossOptions(LossOptions.Box.GIOU, 5, LossOptions.Heatmap.TTF), 0.7);
    }

    private static Trainer.Result lossFalls(LossOptions loss, double factor) {
        TrainingOptions o = TrainingOptions.builder().architecture(tiny()).seed(1).steps(40).batch(4).lr(1e-2)
                .warmup(2).floor(1).logEvery(1).loss(loss).build();
        SampleSource src = new SampleSource(Scenes.DEFAULT.config(2),
                DetectorSpecText.spec(tiny(), NmsMode.NONE).preprocessor(), Augmentation.NONE, 1);
        BatchPipeline.Batch fixed;
        try (BatchPipeline p = new BatchPipeline(src, 4, 2, 64, 1, 0, loss)) {
            fixed = p.build(0);
        }
        Trainer.Result r = Trainer.run(o, () -> fixed, Trainer.Progress.NONE);
        assertEquals(40, r.log().size());
        double first = r.log().get(0).loss();
        double last = r.log().get(39).loss();
        assertTrue(Double.isFinite(first) && Double.isFinite(last));
        assertTrue(last < factor * first, loss + ": loss " + first + " -> " + last);
        return r;
    }

    @Test
    void sameSeedSameBytes() {
        byte[] a = ModelFiles.onnxBytes(Trainer.train(options(7, 3), Trainer.Progress.NONE));
        byte[] b = ModelFiles.onnxBytes(Trainer.train(options(7, 3), Trainer.Progress.NONE));
        byte[] c = ModelFiles.onnxBytes(Trainer.train(options(8, 3), Trainer.Progress.NONE));
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c), "another seed gives another model");
    }

    @Test
    void writtenModelRunsInOnnxRuntimeAsInTheEngine(@TempDir Path dir) {
        TrainingOptions o = options(3, 4);
        Trainer.Result r = Trainer.train(o, Trainer.Progress.NONE);
        ModelFiles.Targets t = new ModelFiles.Targets(dir.resolve("m.onnx"), dir.resolve("m.yaml"),
                dir.resolve("log.json"));
        ModelFiles.checkNew(t);
        ModelFiles.write(r, o, new ModelFiles.Export(NmsMode.NONE, 0), t, "test");
        assertThrows(UserError.class, () -> ModelFiles.checkNew(t), "never overwrites");
        FloatTensor x = randomInput(2);
        Map<String, FloatTensor> ort;
        try (OrtRunner runner = new OrtRunner(t.onnx(), 1)) {
            ort = runner.run(x);
        }
        Map<String, FloatTensor> djl;
        try (GraphExecutor exec = new GraphExecutor(GraphPreparer.prepare(OnnxReader.read(t.onnx())))) {
            djl = exec.run(x);
        }
        assertEquals(List.of("heatmap", "size", "offset"), List.copyOf(ort.keySet()));
        for (String k : ort.keySet()) {
            assertArrayEquals(new long[] {2, 2, 16, 16}, ort.get(k).shape());
            float[] e = ort.get(k).data();
            float[] d = djl.get(k).data();
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], d[i], 1e-4 * Math.max(1, Math.abs(e[i])), k + "[" + i + "]");
            }
        }
        DetectorSpec spec = DetectorSpecs.load(t.spec());
        assertEquals(64, spec.input().width());
        FloatTensor one = new FloatTensor(new long[] {1, 3, 64, 64}, java.util.Arrays.copyOf(x.data(), 3 * 64 * 64));
        PreparedImage img = new PreparedImage(one, 64, 64, new dev.inlierq.detect.InputTransform(1, 1, 0, 0));
        Map<String, FloatTensor> first;
        try (OrtRunner runner = new OrtRunner(t.onnx(), 1)) {
            first = runner.run(one);
        }
        List<List<Detection>> dets = spec.decoder().decode(first, List.of(img), List.of(1L));
        int n = dets.get(0).size();
        assertTrue(n >= 1 && n <= 100, "the centernet family decodes the model's peaks (at most 100): " + n);
        assertTrue(Files.exists(t.log()));
    }

    /** Gaussian 64 x 64 images, seed 5. */
    static FloatTensor randomInput(int n) {
        Random r = new Random(5);
        float[] v = new float[n * 3 * 64 * 64];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return new FloatTensor(new long[] {n, 3, 64, 64}, v);
    }
}
