package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.cli.CliErrorsTest.Run;
import dev.inlierq.error.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlierq synth-lidar}: a small run and its rerun, one usage line per bad value, exit 9 per bad output. */
class SynthLidarCommandTest {
    @TempDir
    Path tmp;

    private static Run lidar(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "synth-lidar";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliErrorsTest.run(all);
    }

    @Test
    void writesTheSplitsAndLeavesADoneFolderAlone() {
        String out = tmp.resolve("data").toString();
        Run r = lidar("--out", out, "--train", "1", "--val", "2", "--cells", "96", "--seed", "4", "--points");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("train       1 scenes"), r.out());
        assertTrue(r.out().contains("val         2 scenes"), r.out());
        assertTrue(r.out().contains("points per scene"), r.out());
        assertTrue(r.out().contains("wrote " + out), r.out());
        assertTrue(Files.isRegularFile(tmp.resolve("data/val/000002.png")));
        assertTrue(Files.isRegularFile(tmp.resolve("data/points/val/000002.bin")));
        assertTrue(Files.isRegularFile(tmp.resolve("data/instances_train.json")));
        Run again = lidar("--out", out, "--train", "1", "--val", "2", "--cells", "96", "--seed", "4", "--points",
                "--threads", "1");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("already holds this generation"), again.out());
        CliErrorsTest.assertOnlyLine(lidar("--out", out, "--train", "1", "--val", "2", "--cells", "96", "--seed",
                "5", "--points"), ExitCode.OUTPUT_CONFLICT, "refusing to overwrite", "seed 4 there, 5 asked");
    }

    @Test
    void badValuesAreOneUsageLineEach() {
        String out = tmp.resolve("data").toString();
        CliErrorsTest.assertOnlyLine(lidar("--out", out, "--cells", "100"), ExitCode.USAGE, "--cells 100",
                "multiple of 32");
        CliErrorsTest.assertOnlyLine(lidar("--out", out, "--cell-size", "0"), ExitCode.USAGE, "--cell-size 0.0");
        CliErrorsTest.assertOnlyLine(lidar("--out", out, "--beams", "1"), ExitCode.USAGE, "--beams 1", "2 to 256");
        CliErrorsTest.assertOnlyLine(lidar("--out", out, "--train", "-1"), ExitCode.USAGE, "--train -1");
        CliErrorsTest.assertOnlyLine(lidar("--out", out, "--threads", "0"), ExitCode.USAGE, "--threads 0");
        CliErrorsTest.assertOnlyLine(lidar("--out", out, "--train", "0", "--val", "0"), ExitCode.USAGE,
                "nothing to generate");
        CliErrorsTest.assertOnlyLine(lidar("--out", out, "--seed", "x"), ExitCode.USAGE, "--seed");
        CliErrorsTest.assertOnlyLine(lidar(), ExitCode.USAGE, "--out");
        assertFalse(Files.exists(tmp.resolve("data")), "nothing written on a usage error");
    }

    @Test
    void outputsThatCannotBeUsedAreOneLineWithExitCodeNine() throws Exception {
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        CliErrorsTest.assertOnlyLine(lidar("--out", file.toString(), "--val", "1", "--train", "0"),
                ExitCode.OUTPUT_CONFLICT, file.toString(), "is a file");
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep");
        CliErrorsTest.assertOnlyLine(lidar("--out", mine.toString(), "--val", "1", "--train", "0"),
                ExitCode.OUTPUT_CONFLICT, "refusing to write into", "not empty");
        assertEquals("keep", Files.readString(mine.resolve("notes.txt")));
    }
}
