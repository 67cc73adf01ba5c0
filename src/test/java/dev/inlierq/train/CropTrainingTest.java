package dev.inlierq.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.NmsMode;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.synth.SynthConfig;
import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Training on random windows ({@link Augmentation#crop()}): the window, its boxes, and a run written whole. */
class CropTrainingTest {
    private static final int SIDE = 128;
    private static final int CROP = 64;

    private static Architecture small() {
        return Architecture.builder().inputSize(SIDE).numClasses(4).stemWidth(4).widths(8, 8, 8, 8)
                .depths(0, 1, 0, 0).neckWidth(8).headWidth(8).build();
    }

    @Test
    void aWindowIsAPlaceOfTheWholeInputWithItsBoxesClipped() {
        SynthConfig synth = new Scenes(0, 20, 30).config(4);
        Preprocessor pre = DetectorSpecText.spec(small(), NmsMode.NONE).preprocessor();
        SampleSource whole = new SampleSource(synth, pre, Augmentation.DEFAULT, 3);
        SampleSource cut = new SampleSource(synth, pre, Augmentation.DEFAULT.withCrop(CROP), 3);
        int clipped = 0;
        int dropped = 0;
        for (long j = 0; j < 6; j++) {
            SampleSource.Sample s = whole.sample(j);
            SampleSource.Sample c = cut.sample(j);
            assertArrayEquals(new long[] {1, 3, CROP, CROP}, c.input().shape());
            int[] at = place(s.input(), c.input());
            List<TrainBox> expected = new ArrayList<>();
            for (TrainBox b : s.boxes()) {
                double x0 = Math.max(0, b.x() - at[0]);
                double y0 = Math.max(0, b.y() - at[1]);
                double w = Math.min(CROP, b.x() + b.w() - at[0]) - x0;
                double h = Math.min(CROP, b.y() + b.h() - at[1]) - y0;
                boolean inside = w == b.w() && h == b.h();
                if (w >= 2 && h >= 2 && w * h >= synth.minVisible() * b.w() * b.h()) {
                    expected.add(new TrainBox(b.cls(), x0, y0, w, h));
                    clipped += inside ? 0 : 1;
                } else if (w > 0 && h > 0) {
                    dropped++;
                }
            }
            assertEquals(expected, c.boxes(), "sample " + j + " at " + Arrays.toString(at));
            for (TrainBox b : c.boxes()) {
                assertTrue(b.x() >= 0 && b.y() >= 0 && b.x() + b.w() <= CROP && b.y() + b.h() <= CROP, b.toString());
            }
        }
        assertTrue(clipped > 0 && dropped > 0, "the windows cut boxes (" + clipped + " clipped, " + dropped
                + " dropped)");
    }

    /** Where {@code window} sits in {@code input} (the first place whose pixels are equal). */
    private static int[] place(FloatTensor input, FloatTensor window) {
        float[] a = input.data();
        float[] w = window.data();
        for (int oy = 0; oy <= SIDE - CROP; oy++) {
            for (int ox = 0; ox <= SIDE - CROP; ox++) {
                if (equalAt(a, w, ox, oy)) {
                    return new int[] {ox, oy};
                }
            }
        }
        throw new AssertionError("the window is no place of the input");
    }

    private static boolean equalAt(float[] a, float[] w, int ox, int oy) {
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < CROP; y++) {
                for (int x = 0; x < CROP; x++) {
                    if (a[(c * SIDE + oy + y) * SIDE + ox + x] != w[(c * CROP + y) * CROP + x]) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static TrainingOptions options(int crop, long seed) {
        return TrainingOptions.builder().architecture(small()).seed(seed).steps(2).batch(2).lr(5e-3).warmup(1)
                .augmentation(Augmentation.DEFAULT.withCrop(crop)).scenes(new Scenes(0, 20, 30)).build();
    }

    @Test
    void trainsOnWindowsAndWritesTheWholeInput() {
        Trainer.Result r = Trainer.train(options(CROP, 4), Trainer.Progress.NONE);
        assertArrayEquals(new long[] {1, 3, SIDE, SIDE}, r.graph().inputs().get(0).shape());
        byte[] bytes = ModelFiles.onnxBytes(r);
        assertArrayEquals(bytes, ModelFiles.onnxBytes(Trainer.train(options(CROP, 4), Trainer.Progress.NONE)),
                "same seed, same bytes");
        assertFalse(Arrays.equals(bytes, ModelFiles.onnxBytes(Trainer.train(options(0, 4), Trainer.Progress.NONE))),
                "windows are other data than whole inputs");
        Graph written = r.graph();
        FloatTensor x = new FloatTensor(new long[] {1, 3, SIDE, SIDE}, new float[3 * SIDE * SIDE]);
        Map<String, FloatTensor> out;
        try (GraphExecutor exec = new GraphExecutor(GraphPreparer.prepare(written))) {
            out = exec.run(x);
        }
        assertArrayEquals(new long[] {1, 4, SIDE / 4, SIDE / 4}, out.get(CenterNetGraph.HEATMAP).shape());
    }

    @Test
    void aWindowLargerThanTheInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Augmentation.DEFAULT.withCrop(100));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.DEFAULT.withCrop(160).trainingSide(SIDE));
        assertEquals(SIDE, Augmentation.DEFAULT.trainingSide(SIDE));
        assertEquals(CROP, Augmentation.DEFAULT.withCrop(CROP).trainingSide(SIDE));
    }
}
