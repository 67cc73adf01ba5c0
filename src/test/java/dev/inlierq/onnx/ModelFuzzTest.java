package dev.inlierq.onnx;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.runtime.DjlRunner;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.tensor.ModelRunner;
import dev.inlierq.testing.OnnxModelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of a small model (bit flips, byte overwrites, truncations at random offsets) go through the
 * reader, the DJL engine and ONNX Runtime, each opened and run once: every outcome is a success or a
 * {@link UserError} with a documented model exit code, never another exception (exit 70) and never a hang.
 */
class ModelFuzzTest {
    private static final int CASES = Integer.getInteger("fuzz.cases", 150);
    private static final long SEED = 20261202L;
    private static final Set<ExitCode> DOCUMENTED = EnumSet.of(ExitCode.MISSING_INPUT, ExitCode.INVALID_MODEL,
            ExitCode.UNSUPPORTED_OPS, ExitCode.RUNTIME_FAILURE);
    /** Inputs larger than this are not run (a mutated shape could ask for gigabytes); opening still is. */
    private static final long MAX_INPUT = 1 << 16;

    @TempDir
    Path tmp;

    private static byte[] model() {
        Random r = new Random(1);
        float[] w = new float[4 * 3 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian() * 0.2f;
        }
        return OnnxModelBuilder.opset(13).input("x", 1, 3, 8, 8)
                .initializer("w", new long[] {4, 3, 3, 3}, w)
                .initializer("b", new long[] {4}, 0.1f, -0.1f, 0.2f, 0f)
                .int64s("shape", 1, 8, 16)
                .node("Conv", "x", "w", "b").name("conv").ints("pads", 1, 1, 1, 1).out("c").end()
                .node("Relu", "c").name("relu").out("r").end()
                .node("Sigmoid", "c").name("sig").out("s").end()
                .node("Concat", "r", "s").name("cat").i("axis", 1).out("k").end()
                .node("MaxPool", "k").name("pool").ints("kernel_shape", 2, 2).ints("strides", 2, 2).out("p").end()
                .node("Reshape", "p", "shape").name("flat").out("f").end()
                .node("Transpose", "f").name("tr").ints("perm", 0, 2, 1).out("y").end()
                .output("y").build().toByteArray();
    }

    private static byte[] mutate(byte[] good, Random r) {
        byte[] b = good.clone();
        switch (r.nextInt(3)) {
            case 0 -> {
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    int bit = r.nextInt(b.length * 8);
                    b[bit / 8] ^= (byte) (1 << (bit % 8));
                }
            }
            case 1 -> {
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            default -> b = Arrays.copyOf(b, r.nextInt(b.length));
        }
        return b;
    }

    /** Opens and runs the model on one engine; a user error is an accepted outcome. */
    private static void exercise(Path file, boolean ort) {
        try (ModelRunner runner = ort ? new OrtRunner(file, 1) : new DjlRunner(file)) {
            long[] shape = runner.inputShape();
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shape[i] <= 0 ? 1 : shape[i];
            }
            long n = FloatTensor.numel(shape);
            if (n > MAX_INPUT) {
                return;
            }
            float[] data = new float[(int) n];
            Random r = new Random(n);
            for (int i = 0; i < data.length; i++) {
                data[i] = r.nextFloat();
            }
            runner.run(new FloatTensor(shape, data));
        }
    }

    private static String outcome(Path file, String step, Runnable action) {
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(20), action::run, step + " hung");
            return null;
        } catch (UserError e) {
            return DOCUMENTED.contains(e.exitCode()) ? null
                    : step + ": exit " + e.exitCode() + " is not a model error: " + e.getMessage();
        } catch (Throwable t) {
            StackTraceElement at = Arrays.stream(t.getStackTrace())
                    .filter(f -> f.getClassName().startsWith("dev.inlierq")).findFirst().orElse(null);
            return step + ": " + t + " at " + at;
        }
    }

    @Test
    void mutatedModelsSucceedOrFailWithAUserError() throws Exception {
        byte[] good = model();
        Random r = new Random(SEED);
        List<String> failures = new ArrayList<>();
        for (int c = 0; c < CASES; c++) {
            Path file = tmp.resolve("case" + c + ".onnx");
            Files.write(file, mutate(good, r));
            for (String step : List.of("reader", "djl", "ort")) {
                String bad = outcome(file, step, switch (step) {
                    case "reader" -> () -> OnnxReader.read(file);
                    case "djl" -> () -> exercise(file, false);
                    default -> () -> exercise(file, true);
                });
                if (bad != null) {
                    failures.add("case " + c + " " + bad);
                }
            }
            Files.delete(file);
        }
        assertTrue(failures.isEmpty(), failures.size() + " outcome(s) were neither success nor a user error:\n"
                + String.join("\n", failures));
    }
}
