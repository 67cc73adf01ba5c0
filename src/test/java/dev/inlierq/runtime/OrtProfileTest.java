package dev.inlierq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.Shared;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ONNX Runtime's profiler, read back per op type, counts only the runs after the warm-up. */
class OrtProfileTest {

    @Test
    void kernelTimePerFusedOpTypeOverTheTimedRuns() {
        Shared.require();
        try (OrtRunner ort = new OrtRunner(Shared.model("fastestdet"), 1, OrtRunner.Optimization.ALL, true)) {
            FloatTensor x = new FloatTensor(ort.inputShape(), new float[(int) FloatTensor.numel(ort.inputShape())]);
            ort.run(x); // warm-up, not counted
            ort.startProfiling();
            ort.run(x);
            ort.run(x);
            Map<String, long[]> p = ort.profile();
            assertEquals(2 * 70, p.get("Conv")[0], "70 convolutions per run (NCHWc after optimisation): " + p.keySet());
            assertTrue(p.values().stream().allMatch(v -> v[1] >= 0));
            assertTrue(p.get("Conv")[1] > 0);
            assertTrue(ort.profile().isEmpty(), "the profiler ends with the first report");
            ort.run(x);
            assertTrue(ort.profile().isEmpty(), "and stays ended");
        }
        try (OrtRunner plain = new OrtRunner(Shared.model("fastestdet"), 1)) {
            plain.startProfiling();
            assertTrue(plain.profile().isEmpty(), "no profile unless asked for");
        }
    }
}
