package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.error.ExitCode;
import dev.inlierq.testing.Shared;
import dev.inlierq.testing.TinyDetectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command checks the spec against the model before any work (item 7 of issue 11): input name and
 * size, every output the head reads and its shape; all problems in one BAD_SPEC line.
 */
class SpecModelCheckTest {
    @TempDir
    Path tmp;

    private static String spec(String inputName, int width, int regMax, String secondCls) {
        return "input: {name: " + inputName + ", width: " + width + ", height: 64, channelOrder: RGB,"
                + " resize: STRETCH, scale: 1/255}\n"
                + "head: {family: gfl, strides: [8, 16], regMax: " + regMax + ", cls: [cls8, " + secondCls + "],"
                + " clsLayout: CHANNELS_LAST, reg: [reg8, reg16]}\n";
    }

    private Path write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static void assertBadSpec(CliErrorsTest.Run r, List<String> mustContain) {
        assertEquals(ExitCode.BAD_SPEC.code(), r.code(), "exit code; stderr was: " + r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, "one line: " + r.err());
        for (String s : mustContain) {
            assertTrue(lines[0].contains(s), "message should mention '" + s + "': " + lines[0]);
        }
    }

    private CliErrorsTest.Run everyCommand(Path model, Path spec, List<String> mustContain) {
        Path out = tmp.resolve("q.onnx");
        CliErrorsTest.Run last = null;
        for (String engine : List.of("ort", "djl")) {
            last = CliErrorsTest.run("eval", "--model", model.toString(), "--spec", spec.toString(), "--images",
                    Shared.valImages().toString(), "--annotations", Shared.valAnnotations().toString(),
                    "--engine", engine, "--limit", "1");
            assertBadSpec(last, mustContain);
        }
        assertBadSpec(CliErrorsTest.run("quantize", "--model", model.toString(), "--spec", spec.toString(),
                "--dry-run"), mustContain);
        assertBadSpec(CliErrorsTest.run("quantize", "--model", model.toString(), "--spec", spec.toString(),
                "--calib", Shared.trainImages().toString(), "--num-calib", "2", "--method", "minmax",
                "--out", out.toString()), mustContain);
        assertFalse(Files.exists(out), "nothing written");
        return last;
    }

    @Test
    void everyProblemOfInputAndOutputsInOneLineForEveryCommand() throws Exception {
        Shared.require();
        Path model = TinyDetectors.perLevel(tmp, List.of(8, 16), 80, 3, true);
        Path bad = write("bad.yaml", spec("image", 64, 7, "cls16"));
        everyCommand(model, bad, List.of("input.name 'image'", "[images]", "reg8", "reg16",
                "4 distributions of 8 bins"));
        Path size = write("size.yaml", spec("images", 32, 3, "cls16"));
        everyCommand(model, size, List.of("32x64 images", "reg8", "reg16", "grid points"));
        Path missing = write("missing.yaml", spec("images", 64, 3, "cls32"));
        everyCommand(model, missing, List.of("[cls32]", "cls8, reg8, cls16, reg16"));
    }
}
