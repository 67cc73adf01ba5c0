package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.cli.CliErrorsTest.Run;
import dev.inlierq.error.ExitCode;
import dev.inlierq.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs of the real CLI ({@link Main#execute}): bit widths that cannot be written are refused up front, an
 * existing file at an output path survives a failing run, outputs that cannot be written are found before any
 * work, and outputs get normal modes.
 */
class CliOutputsTest {
    @TempDir
    Path tmp;

    private String[] quantize(Path calib, Path out, String... more) {
        String[] base = {"quantize", "--model", Shared.model("fastestdet").toString(), "--spec", "fastestdet",
            "--calib", calib.toString(), "--num-calib", "1", "--check-images", "1", "--stats-images", "1",
            "--out", out.toString()};
        return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
    }

    /** A calibration folder whose only image is corrupt: any run that starts the work fails with BAD_IMAGE. */
    private Path corruptCalib() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("corrupt-calib"));
        Files.writeString(dir.resolve("000000000001.jpg"), "not a jpeg");
        return dir;
    }

    @Test
    void sixteenBitActivationsAreRefusedAndAnExistingOutputSurvives() throws Exception {
        Path out = tmp.resolve("q.onnx");
        byte[] before = "an earlier model".getBytes();
        Files.write(out, before);
        Run r = CliErrorsTest.run(quantize(Shared.trainImages(), out, "--a-bits", "16"));
        CliErrorsTest.assertOnlyLine(r, ExitCode.USAGE, "--a-bits 16", "2 to 8");
        assertArrayEquals(before, Files.readAllBytes(out));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(out), files.filter(p -> !Files.isDirectory(p)).toList(), "no temporary file left");
        }
        Run w = CliErrorsTest.run(quantize(Shared.trainImages(), out, "--w-bits", "16"));
        CliErrorsTest.assertOnlyLine(w, ExitCode.USAGE, "--w-bits 16");
    }

    @Test
    void helpListsOnlyTheBitWidthsThatWork() {
        Run r = CliErrorsTest.run("quantize", "--help");
        assertEquals(0, r.code());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("Activation bits (2-8)"), "help of --a-bits");
        assertFalse(help.contains("or 16"), "help offers 16 bits");
    }

    @Test
    void unwritableOutputsAreFoundBeforeAnyWork() throws Exception {
        Path calib = corruptCalib();
        Run out = CliErrorsTest.run(quantize(calib, Path.of("/proc/inlierq-test.onnx")));
        CliErrorsTest.assertOnlyLine(out, ExitCode.OUTPUT_CONFLICT, "--out /proc/inlierq-test.onnx", "does not accept new files");
        Path aFile = Files.writeString(tmp.resolve("plain.txt"), "x");
        Run json = CliErrorsTest.run(quantize(calib, tmp.resolve("q.onnx"), "--json", aFile.resolve("s.json").toString()));
        CliErrorsTest.assertOnlyLine(json, ExitCode.OUTPUT_CONFLICT, "--json", "is not a folder");
        Run folder = CliErrorsTest.run(quantize(calib, tmp));
        CliErrorsTest.assertOnlyLine(folder, ExitCode.OUTPUT_CONFLICT, "--out " + tmp, "is a folder");

        Path images = Files.createDirectory(tmp.resolve("imgs"));
        Files.writeString(images.resolve("000000000139.jpg"), "not a jpeg");
        String[] eval = {"eval", "--model", Shared.model("fastestdet").toString(), "--spec", "fastestdet",
            "--images", images.toString(), "--annotations", Shared.valAnnotations().toString()};
        Run dets = CliErrorsTest.run(Stream.concat(Stream.of(eval), Stream.of("--detections", "/proc/d.json"))
                .toArray(String[]::new));
        CliErrorsTest.assertOnlyLine(dets, ExitCode.OUTPUT_CONFLICT, "--detections /proc/d.json");
        Run bench = CliErrorsTest.run("bench", "--model", Shared.model("fastestdet").toString(), "--json", "/proc/b.json");
        CliErrorsTest.assertOnlyLine(bench, ExitCode.OUTPUT_CONFLICT, "--json /proc/b.json");
    }

    @Test
    void outputsGetNormalModesAlsoWhenReplacingAFile() throws Exception {
        Path out = tmp.resolve("q.onnx");
        Path json = tmp.resolve("q.json");
        Files.writeString(json, "{}");
        Files.setPosixFilePermissions(json, PosixFilePermissions.fromString("rw-r--r--"));
        Run q = CliErrorsTest.run(quantize(Shared.trainImages(), out, "--json", json.toString()));
        assertEquals(0, q.code(), q.err());
        Path metrics = tmp.resolve("m.json");
        Path dets = tmp.resolve("d.json");
        Run e = CliErrorsTest.run("eval", "--model", out.toString(), "--spec", "fastestdet", "--images",
                Shared.valImages().toString(), "--annotations", Shared.valAnnotations().toString(), "--limit", "1",
                "--json", metrics.toString(), "--detections", dets.toString());
        assertEquals(0, e.code(), e.err());
        Path bench = tmp.resolve("b.json");
        Run b = CliErrorsTest.run("bench", "--model", out.toString(), "--engine", "ort", "--warmup", "0",
                "--iterations", "1", "--json", bench.toString());
        assertEquals(0, b.code(), b.err());
        // the expected mode is that of a file created here under the current umask (0644 under umask 022)
        String normal = PosixFilePermissions.toString(Files.getPosixFilePermissions(
                Files.createFile(tmp.resolve("reference"))));
        for (Path p : List.of(out, json, metrics, dets, bench)) {
            assertEquals(normal, PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
    }
}
