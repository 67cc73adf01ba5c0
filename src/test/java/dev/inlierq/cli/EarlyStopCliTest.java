package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.inlierq.error.ExitCode;
import dev.inlierq.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --holdout} and {@code --patience}: bad values are one usage line, before any calibration. */
class EarlyStopCliTest {
    @TempDir
    Path tmp;

    private String[] quantize(String... more) {
        String[] base = {"quantize", "--model", Shared.model("fastestdet").toString(), "--spec", "fastestdet",
            "--calib", Shared.trainImages().toString(), "--out", tmp.resolve("q.onnx").toString(),
            "--method", "adaround", "--num-calib", "8"};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void badHoldoutAndPatienceAreUsageErrors() {
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(quantize("--holdout", "-1")), ExitCode.USAGE, "holdout");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(quantize("--holdout", "2", "--patience", "0")),
                ExitCode.USAGE, "patience must be at least 1");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(quantize("--holdout", "8")), ExitCode.USAGE,
                "--holdout 8: must be less than the number of calibration images (8)");
        assertFalse(Files.exists(tmp.resolve("q.onnx")));
    }
}
