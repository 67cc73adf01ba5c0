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

/** {@code inlierq synth}: a small run, the rerun that finds it done, and one line with its exit code per mistake. */
class SynthCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesTheSplitsAndLeavesADoneFolderAlone() {
        String out = tmp.resolve("data").toString();
        Run r = CliErrorsTest.run("synth", "--out", out, "--train", "2", "--val", "3", "--size", "128", "--seed", "4",
                "--classes", "star,ring", "--format", "png");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("train       2 images"), r.out());
        assertTrue(r.out().contains("val         3 images"), r.out());
        assertTrue(r.out().contains("wrote " + out), r.out());
        assertTrue(Files.isRegularFile(tmp.resolve("data/val/000003.png")));
        assertTrue(Files.isRegularFile(tmp.resolve("data/instances_train.json")));
        Run again = CliErrorsTest.run("synth", "--out", out, "--train", "2", "--val", "3", "--size", "128", "--seed",
                "4", "--classes", "star,ring", "--format", "png", "--threads", "1");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("already holds this generation"), again.out());
        Run other = CliErrorsTest.run("synth", "--out", out, "--train", "2", "--val", "3", "--size", "128", "--seed",
                "5", "--classes", "star,ring", "--format", "png");
        CliErrorsTest.assertOnlyLine(other, ExitCode.OUTPUT_CONFLICT, "refusing to overwrite", "seed 4 there, 5 asked");
    }

    @Test
    void badValuesAreOneUsageLineEach() {
        String out = tmp.resolve("data").toString();
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth", "--out", out, "--size", "10"), ExitCode.USAGE,
                "--size 10", "64 to 2048");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth", "--out", out, "--train", "-1"), ExitCode.USAGE,
                "--train");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth", "--out", out, "--train", "0", "--val", "0"),
                ExitCode.USAGE, "nothing to generate");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth", "--out", out, "--noise", "3"), ExitCode.USAGE,
                "--noise 3");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth", "--out", out, "--object-size", "40,20"),
                ExitCode.USAGE, "--object-size 40.0,20.0", "MIN <= MAX");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth", "--out", out, "--object-size", "40"),
                ExitCode.USAGE, "--object-size takes two numbers");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth", "--out", out, "--classes", "circle,hexagon"),
                ExitCode.USAGE, "--classes", "hexagon", "striped_ellipse");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth", "--out", out, "--classes", "ring,ring"),
                ExitCode.USAGE, "twice");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth", "--out", out, "--format", "gif"), ExitCode.USAGE,
                "--format gif");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth", "--out", out, "--seed", "x"), ExitCode.USAGE,
                "--seed");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth"), ExitCode.USAGE, "--out");
        assertFalse(Files.exists(tmp.resolve("data")), "nothing written on a usage error");
    }

    @Test
    void outputsThatCannotBeUsedAreOneLineWithExitCodeNine() throws Exception {
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth", "--out", file.toString(), "--val", "1", "--train",
                "0"), ExitCode.OUTPUT_CONFLICT, file.toString(), "is a file");
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth", "--out", mine.toString(), "--val", "1", "--train",
                "0"), ExitCode.OUTPUT_CONFLICT, "refusing to write into", "not empty");
        assertEquals("keep", Files.readString(mine.resolve("notes.txt")));
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("synth", "--out", "/proc/inlierq-synth", "--val", "1",
                "--train", "0"), ExitCode.OUTPUT_CONFLICT, "/proc/inlierq-synth");
    }
}
