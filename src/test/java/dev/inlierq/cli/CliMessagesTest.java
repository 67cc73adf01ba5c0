package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.cli.CliErrorsTest.Run;
import dev.inlierq.error.ExitCode;
import dev.inlierq.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the real CLI ({@link Main#execute}) says: options named in errors, notes, progress labels. */
class CliMessagesTest {
    @TempDir
    Path tmp;

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    private String[] eval(Path model, String... more) {
        return concat(new String[] {"eval", "--model", model.toString(), "--spec", "fastestdet", "--images",
            Shared.valImages().toString(), "--annotations", Shared.valAnnotations().toString()}, more);
    }

    private String[] quantize(Path calib, String... more) {
        return concat(new String[] {"quantize", "--model", Shared.model("fastestdet").toString(), "--spec",
            "fastestdet", "--calib", calib.toString(), "--check-images", "1", "--stats-images", "1",
            "--out", tmp.resolve("q.onnx").toString()}, more);
    }

    @Test
    void aModelPathThatIsAFolderIsCalledAFolder() {
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(eval(tmp)), ExitCode.MISSING_INPUT, "--model " + tmp, "is a folder");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("bench", "--model", tmp.toString()), ExitCode.MISSING_INPUT, "is a folder");
    }

    @Test
    void countErrorsNameTheOption() {
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(quantize(Shared.trainImages(), "--num-calib", "0")), ExitCode.USAGE,
                "--num-calib must be at least 1, got 0");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(quantize(Shared.trainImages(), "--threads", "0")), ExitCode.USAGE, "--threads");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(eval(Shared.model("fastestdet"), "--batch", "0")), ExitCode.USAGE,
                "--batch must be at least 1");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("bench", "--model", Shared.model("fastestdet").toString(), "--iterations", "0"),
                ExitCode.USAGE, "--iterations must be at least 1");
    }

    @Test
    void anOptionWithoutItsDashesGetsASuggestion() {
        Run r = CliErrorsTest.run(quantize(Shared.trainImages(), "--wbits", "4"));
        CliErrorsTest.assertOnlyLine(r, ExitCode.USAGE, "--wbits", "did you mean --w-bits?");
    }

    @Test
    void quantizeNotesACappedCalibrationSetLabelsPhasesAndOutputs() throws Exception {
        Path calib = Files.createDirectory(tmp.resolve("calib"));
        try (Stream<Path> images = Files.list(Shared.trainImages())) {
            for (Path p : images.sorted().limit(2).toList()) {
                Files.copy(p, calib.resolve(p.getFileName()));
            }
        }
        Run r = withProgress(() -> CliErrorsTest.run(quantize(calib, "--num-calib", "5")));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("note: --num-calib 5, but " + calib + " holds only 2 images"), r.err());
        for (String phase : new String[] {"writing", "checking with ONNX Runtime", "measuring clipping and SQNR"}) {
            assertTrue(r.err().contains(phase), "phase '" + phase + "' labelled: " + r.err());
        }
        long agreementLines = r.out().lines().filter(l -> l.contains("simulation vs ONNX Runtime")).count();
        assertTrue(agreementLines > 0, r.out());
        assertEquals(agreementLines, r.out().lines().filter(l -> l.startsWith("model output '")).count(), r.out());
    }

    @Test
    void evalProgressShowsTheTotalWithALimit() {
        Run r = withProgress(() -> CliErrorsTest.run(eval(Shared.model("fastestdet"), "--limit", "3", "--batch", "1")));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("3/3"), r.err());
        assertFalse(r.err().contains("?/?"), r.err());
    }

    private static Run withProgress(java.util.function.Supplier<Run> run) {
        String before = System.getProperty("inlierq.progress");
        System.setProperty("inlierq.progress", "always");
        try {
            return run.get();
        } finally {
            if (before == null) {
                System.clearProperty("inlierq.progress");
            } else {
                System.setProperty("inlierq.progress", before);
            }
        }
    }
}
