package dev.inlierq.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.OnnxModelBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model with an operator ONNX Runtime runs but the DJL engine does not (Softsign), exported with a fixed
 * batch of 1: ONNX Runtime runs it at any batch (sample by sample), as eval's default batch of 8 needs; only
 * the DJL engine refuses it.
 */
class OrtOnlyOpsTest {
    @TempDir
    Path tmp;

    @Test
    void aFixedBatchModelWithAnOpOnlyOnnxRuntimeRunsRunsAtLargerBatches() {
        Path file = OnnxModelBuilder.opset(13).input("x", 1, 2, 3, 3)
                .node("Softsign", "x").name("soft").out("y").end()
                .output("y").write(tmp);
        float[] a = new float[18];
        float[] b = new float[18];
        for (int i = 0; i < 18; i++) {
            a[i] = i - 9;
            b[i] = 2 * i;
        }
        FloatTensor x0 = new FloatTensor(new long[] {1, 2, 3, 3}, a);
        FloatTensor x1 = new FloatTensor(new long[] {1, 2, 3, 3}, b);
        try (OrtRunner ort = new OrtRunner(file, 1)) {
            Map<String, FloatTensor> both = ort.run(FloatTensor.stack(List.of(x0, x1)));
            FloatTensor y = both.get("y");
            assertArrayEquals(new long[] {2, 2, 3, 3}, y.shape());
            FloatTensor expected = FloatTensor.stack(List.of(ort.run(x0).get("y"), ort.run(x1).get("y")));
            assertArrayEquals(expected.data(), y.data());
            assertEquals(-9f / 10f, y.data()[0], 1e-6f);
        }
        UserError djl = assertThrows(UserError.class, () -> new DjlRunner(file).close());
        assertEquals(ExitCode.UNSUPPORTED_OPS, djl.exitCode(), djl.getMessage());
    }
}
