package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.cli.CliErrorsTest.Run;
import dev.inlierq.error.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlierq train} on a tiny detector: the files, progress on stderr, no overwrite, one line per mistake. */
class TrainCommandTest {
    private static final String[] TINY = {"--size", "64", "--classes", "2", "--widths", "4,8,8,8,8", "--depths",
        "0,1,0,0", "--neck", "8", "--steps", "3", "--batch", "2", "--seed", "5"};

    @TempDir
    Path tmp;

    private Run train(String out, String... more) {
        String[] args = new String[3 + TINY.length + more.length];
        args[0] = "train";
        args[1] = "--out";
        args[2] = out;
        System.arraycopy(TINY, 0, args, 3, TINY.length);
        System.arraycopy(more, 0, args, 3 + TINY.length, more.length);
        return CliErrorsTest.run(args);
    }

    @Test
    void writesModelSpecAndLogAndRefusesToOverwrite() throws IOException {
        Path model = tmp.resolve("m.onnx");
        Run r = train(model.toString(), "--json", tmp.resolve("log.json").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("step 3/3"), r.err());
        assertTrue(r.out().contains("wrote " + model), r.out());
        assertTrue(Files.size(model) > 1000);
        String spec = Files.readString(tmp.resolve("m.yaml"));
        assertTrue(spec.contains("family: centernet") && spec.contains("classes: [1, 2]"), spec);
        assertTrue(spec.contains("# inlierq train --out"), spec);
        String log = Files.readString(tmp.resolve("log.json"));
        assertTrue(log.contains("\"seed\" : 5") && log.contains("\"focal\""), log);
        byte[] before = Files.readAllBytes(model);
        CliErrorsTest.assertOnlyLine(train(model.toString()), ExitCode.OUTPUT_CONFLICT, "refusing to overwrite",
                "m.onnx");
        assertArrayEquals(before, Files.readAllBytes(model));
        Path again = tmp.resolve("again.onnx");
        assertEquals(0, train(again.toString()).code());
        assertArrayEquals(before, Files.readAllBytes(again), "same seed, same bytes");
    }

    @Test
    void batchNormIsRecordedInTheLogAndTheModel() throws IOException {
        Path model = tmp.resolve("bn.onnx");
        Run r = train(model.toString(), "--json", tmp.resolve("bn.json").toString(), "--norm", "bn");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(tmp.resolve("bn.json")).contains("\"norm\" : \"BN\""));
        assertTrue(dev.inlierq.onnx.OnnxReader.read(model).metadata().get("inlierq.architecture")
                .endsWith(", norm bn]"));
    }

    @Test
    void denserScenesAreRecordedAndTrainOnOtherImages() throws IOException {
        Path dense = tmp.resolve("dense.onnx");
        Run r = train(dense.toString(), "--json", tmp.resolve("dense.json").toString(), "--objects", "12,20");
        assertEquals(0, r.code(), r.err());
        String log = Files.readString(tmp.resolve("dense.json"));
        assertTrue(log.contains("\"minObjects\" : 12") && log.contains("\"maxObjects\" : 20"), log);
        Path plain = tmp.resolve("plain.onnx");
        assertEquals(0, train(plain.toString()).code());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(dense), Files.readAllBytes(plain)),
                "other scenes, other weights");
    }

    @Test
    void badValuesAreOneUsageLineEach() {
        String out = tmp.resolve("x.onnx").toString();
        String[][] cases = {
            {"--size", "100", "multiple of 32"}, {"--classes", "9", "--classes"}, {"--widths", "8,8", "--widths"},
            {"--nms", "soft", "--nms soft"}, {"--lr", "0", "--lr"}, {"--steps", "0", "--steps"},
            {"--norm", "ln", "--norm ln"}, {"--objects", "5,4", "--objects"}, {"--objects", "0,4", "--objects"},
            {"--objects", "3,41", "--objects"}, {"--crop", "100", "--crop"}, {"--crop", "320", "--crop"},
        };
        for (String[] c : cases) {
            CliErrorsTest.assertOnlyLine(CliErrorsTest.run("train", "--out", out, c[0], c[1]), ExitCode.USAGE, c[2]);
        }
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("train"), ExitCode.USAGE, "--out");
        assertFalse(Files.exists(tmp.resolve("x.onnx")));
    }
}
