package dev.inlierq.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.inlierq.engine.DjlRuntime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exponential weight average: its ramped decay on real tensors, and what the trainer writes with it. */
class WeightAverageTest {
    @Test
    void averagesWithTheRampedDecay() {
        try (NDManager m = DjlRuntime.newManager(); WeightAverage ema = new WeightAverage(m, 0.5)) {
            for (float v : new float[] {1, 2, 3}) {
                NDArray w = m.create(new float[] {v, -v});
                NDArray s = m.create(new float[] {10 * v});
                ema.update(Map.of("w", w), Map.of("s", s));
            }
            // step 1 copies; step 2: d = min(0.5, 3/12) = 0.25; step 3: d = min(0.5, 4/13)
            double a2 = 0.25 * 1 + 0.75 * 2;
            double d3 = 4.0 / 13;
            double a3 = d3 * a2 + (1 - d3) * 3;
            Map<String, float[]> v = ema.values();
            assertEquals(a3, v.get("w")[0], 1e-6);
            assertEquals(-a3, v.get("w")[1], 1e-6);
            assertEquals(10 * a3, v.get("s")[0], 1e-5);
        }
        try (NDManager m = DjlRuntime.newManager()) {
            assertThrows(IllegalArgumentException.class, () -> new WeightAverage(m, 1));
        }
    }

    @Test
    void trainerWritesTheAverageWhichAfterOneStepIsTheLastWeights() {
        Architecture tiny = Architecture.builder().inputSize(64).numClasses(2).stemWidth(4).widths(8, 8, 8, 8)
                .depths(0, 1, 0, 0).neckWidth(8).headWidth(8).norm(Architecture.Norm.BN).build();
        byte[] plain1 = run(tiny, 1, 0);
        byte[] ema1 = run(tiny, 1, 0.9);
        assertArrayEquals(plain1, ema1, "one step: the average is the weights themselves");
        byte[] plain3 = run(tiny, 3, 0);
        byte[] ema3 = run(tiny, 3, 0.9);
        assertFalse(java.util.Arrays.equals(plain3, ema3), "three steps: the average is not the last weights");
        assertArrayEquals(ema3, run(tiny, 3, 0.9), "the same seed gives the same average");
    }

    private static byte[] run(Architecture a, int steps, double ema) {
        TrainingOptions o = TrainingOptions.builder().architecture(a).seed(5).steps(steps).batch(2).lr(1e-2)
                .warmup(1).emaDecay(ema).build();
        return ModelFiles.onnxBytes(Trainer.train(o, Trainer.Progress.NONE));
    }
}
