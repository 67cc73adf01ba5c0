package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.cli.CliErrorsTest.Run;
import dev.inlierq.error.ExitCode;
import dev.inlierq.testing.TinyCenterNet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inlierq demo} as a user runs it, in its own JVM ({@link Subprocess}) on a tiny CenterNet-style model given
 * with {@code --model} and {@code --spec}: numbered phases, the summary table, the JSON file, and nothing left in
 * the temporary folder; usage errors (a lone --model, a count below 1, an unknown --data) in one line.
 */
class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void demoOnAUsersModelPrintsPhasesAndTheTableAndLeavesNoTemporaryFile() throws Exception {
        Path model = TinyCenterNet.write(tmp.resolve("in"), "tiny", 64, 8, 1);
        Path spec = TinyCenterNet.writeSpec(tmp.resolve("in"), "tiny", 64);
        Path temp = Files.createDirectories(tmp.resolve("jvm-tmp"));
        Path log = tmp.resolve("log.txt");
        Path json = tmp.resolve("d.json");
        int code = Subprocess.run(temp, log, "demo", "--model", model.toString(), "--spec", spec.toString(),
                "--val", "4", "--calib", "2", "--iters", "0", "--latency-runs", "1", "--no-report",
                "--cache", tmp.resolve("cache").toString(), "--out", tmp.resolve("out").toString(),
                "--json", json.toString());
        String out = Subprocess.output(log);
        assertEquals(0, code, out);
        for (String s : List.of("[1/8", "] model: ", "[8/8", "measuring latency", "tiny (float)", "inlierq (default)",
                "inlierq (0 steps per block)", "W4A8", "wrote " + json, "demo finished")) {
            assertTrue(out.contains(s), "'" + s + "' in:\n" + out);
        }
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, doc.path("runs").size());
        assertTrue(doc.path("float").has("AP") && doc.path("float").has("AP50"), doc.toString());
        try (Stream<Path> left = Files.list(temp)) {
            assertEquals(List.of(), left.toList(), "nothing left in the temporary folder");
        }
    }

    @Test
    void aModelWithoutItsSpecIsOneUsageLine() {
        Run r = CliErrorsTest.run("demo", "--model", tmp.resolve("m.onnx").toString());
        CliErrorsTest.assertOnlyLine(r, ExitCode.USAGE, "--model and --spec go together");
        Run v = CliErrorsTest.run("demo", "--val", "0");
        CliErrorsTest.assertOnlyLine(v, ExitCode.USAGE, "--val must be at least 1");
    }

    @Test
    void anUnknownDataIsOneUsageLineAndTheHelpNamesBoth() {
        Run r = CliErrorsTest.run("demo", "--data", "radar", "--out", tmp.resolve("out").toString());
        CliErrorsTest.assertOnlyLine(r, ExitCode.USAGE, "--data radar: expected shapes or lidar");
        assertEquals(List.of(), names(tmp), "nothing written");
        Run s = CliErrorsTest.run("demo", "--data", "LiDAR", "--model", tmp.resolve("m.onnx").toString());
        CliErrorsTest.assertOnlyLine(s, ExitCode.USAGE, "--model and --spec go together",
                "bundled demo detector of --data lidar");
        Run help = CliErrorsTest.run("demo", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("--data") && help.out().contains("shapes") && help.out().contains("lidar"),
                help.out());
    }

    private static List<String> names(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
