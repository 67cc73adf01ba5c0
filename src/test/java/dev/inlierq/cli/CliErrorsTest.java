package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.inlierq.error.ExitCode;
import dev.inlierq.testing.Shared;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets one clear line on stderr and a distinct exit code, never a stack trace; outputs never
 * overwrite inputs. Runs the real CLI entry point ({@link Main#execute}).
 */
class CliErrorsTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }

    private static void assertOneLineError(Run r, ExitCode code, String mustContain) {
        assertEquals(code.code(), r.code(), "exit code; stderr was: " + r.err());
        String[] lines = r.err().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("error: "), "one error line expected, got: " + r.err());
        assertTrue(last.contains(mustContain), "message should mention '" + mustContain + "': " + last);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    /** Exactly one line on stderr, an error line with the given exit code, mentioning every string given. */
    static void assertOnlyLine(Run r, ExitCode code, String... mustContain) {
        assertEquals(code.code(), r.code(), "exit code; stderr was: " + r.err());
        String err = r.err().strip();
        assertEquals(1, err.split("\n").length, "one line: " + err);
        assertTrue(err.startsWith("error: "), err);
        for (String s : mustContain) {
            assertTrue(err.contains(s), "should mention '" + s + "': " + err);
        }
    }

    private String[] evalArgs(Path model, String spec, Path images, Path annotations, String... more) {
        String[] base = {"eval", "--model", model.toString(), "--spec", spec, "--images", images.toString(),
            "--annotations", annotations.toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void missingModel() {
        Run r = run("bench", "--model", tmp.resolve("nope.onnx").toString());
        assertOneLineError(r, ExitCode.MISSING_INPUT, "nope.onnx");
    }

    @Test
    void corruptModel() throws Exception {
        Path bad = tmp.resolve("corrupt.onnx");
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        Files.write(bad, junk);
        Run r = run("bench", "--model", bad.toString(), "--engine", "djl", "--iterations", "1");
        assertOneLineError(r, ExitCode.INVALID_MODEL, "corrupt.onnx");
        Run r2 = run("bench", "--model", bad.toString(), "--engine", "ort", "--iterations", "1");
        assertOneLineError(r2, ExitCode.INVALID_MODEL, "corrupt.onnx");
    }

    @Test
    void unsupportedOperatorsAreListedByTypeAndNode() throws Exception {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("g")
                .addNode(OnnxMl.NodeProto.newBuilder().setName("my_erf").setOpType("Erf").addInput("x").addOutput("y"))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("my_custom").setOpType("Frobnicate").setDomain("com.acme")
                        .addInput("y").addOutput("z"))
                .addInput(vi("x")).addOutput(vi("z"));
        OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(7).setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(11)).build();
        Path file = tmp.resolve("unsupported.onnx");
        Files.write(file, m.toByteArray());
        Run r = run("bench", "--model", file.toString(), "--engine", "djl", "--iterations", "1");
        assertOneLineError(r, ExitCode.UNSUPPORTED_OPS, "Erf (1 node: my_erf)");
        assertTrue(r.err().contains("com.acme.Frobnicate (1 node: my_custom)"), r.err());
    }

    private static OnnxMl.ValueInfoProto vi(String name) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : new long[] {1, 3, 4, 4}) {
            s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    @Test
    void badReconstructionAndInlierSettingsAreUsageErrors() {
        String[] base = {"quantize", "--model", Shared.model("fastestdet").toString(), "--spec", "fastestdet",
            "--calib", tmp.toString(), "--out", tmp.resolve("q.onnx").toString()};
        String[][] cases = {
            {"--method", "brecq", "--unit", "stage"},
            {"--method", "qdrop", "--drop-prob", "1.5"},
            {"--method", "inlierq", "--tau", "1.5"},
            {"--method", "inlierq", "--weighting", "fuzzy"},
            {"--method", "inlierq", "--saliency-scale", "sqrt"},
            {"--method", "brecq", "--loss", "l1"},
            {"--method", "brecq", "--topk-scope", "image"},
            {"--method", "brecq", "--iters", "-3"},
            {"--method", "bogus"},
            {"--method", "gptq", "--hessian", "slopes"},
            {"--method", "brecq", "--box-weight", "-1"},
            {"--method", "adaround", "--box-weight", "1"},
            {"--calib-select", "densest"},
        };
        String[] expect = {"unknown unit 'stage'", "drop probability", "tau", "unknown weighting 'fuzzy'",
            "unknown saliency scale 'sqrt'", "unknown loss 'l1'", "unknown top-K scope 'image'", "iterations", "unknown method 'bogus'",
            "slope-weighted Hessian is per unit", "box weight must be 0 or positive",
            "does not read: use brecq, inlierq", "unknown calibration selection 'densest'"};
        for (int i = 0; i < cases.length; i++) {
            String[] args = java.util.Arrays.copyOf(base, base.length + cases[i].length);
            System.arraycopy(cases[i], 0, args, base.length, cases[i].length);
            Run r = run(args);
            assertOneLineError(r, ExitCode.USAGE, expect[i]);
            assertEquals(1, r.err().strip().split("\n").length, "no usage text after the line: " + r.err());
        }
        assertFalse(java.nio.file.Files.exists(tmp.resolve("q.onnx")));
    }

    @Test
    void unknownWeightStorageIsOneUsageLine() {
        Run r = run("quantize", "--model", Shared.model("fastestdet").toString(), "--spec", "fastestdet",
                "--calib", tmp.toString(), "--out", tmp.resolve("q.onnx").toString(), "--weight-storage", "int3");
        assertOneLineError(r, ExitCode.USAGE, "unknown weight storage 'int3' (expected int8, int4 or auto)");
        assertFalse(Files.exists(tmp.resolve("q.onnx")));
    }

    @Test
    void mistypedOptionIsOneLineWithASuggestion() {
        Run r = run("quantize", "--model", "m.onnx", "--spec", "yolox", "--calib", tmp.toString(),
                "--out", tmp.resolve("q.onnx").toString(), "--method", "minmax", "--w-bits", "8", "--a-bits", "8",
                "--placment", "all");
        assertOneLineError(r, ExitCode.USAGE, "--placment");
        assertTrue(r.err().contains("did you mean --placement?"), r.err());
        assertTrue(r.err().contains("(see inlierq quantize --help)"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        Run missing = run("eval", "--model", "m.onnx");
        assertOneLineError(missing, ExitCode.USAGE, "Missing required option");
        assertEquals(1, missing.err().strip().split("\n").length, missing.err());
    }

    @Test
    void unknownEngineIsAUsageError() {
        Run r = run("bench", "--model", "x.onnx", "--engine", "tensorrt");
        assertEquals(ExitCode.USAGE.code(), r.code());
        assertTrue(r.err().contains("unknown engine 'tensorrt'"), r.err());
    }

    @Test
    void folderWithoutImages() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("noimages"));
        Files.writeString(dir.resolve("notes.txt"), "hello");
        Run r = run(evalArgs(Shared.model("yolox"), "yolox", dir, Shared.valAnnotations()));
        assertOneLineError(r, ExitCode.BAD_IMAGE, "noimages");
    }

    @Test
    void corruptImageFile() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("imgs"));
        Files.writeString(dir.resolve("000000000139.jpg"), "this is not a jpeg");
        Run r = run(evalArgs(Shared.model("yolox"), "yolox", dir, Shared.valAnnotations()));
        assertOneLineError(r, ExitCode.BAD_IMAGE, "000000000139.jpg");
    }

    @Test
    void nonImageFilesBesideImagesAreSkippedWithANote() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("mixed"));
        Files.copy(Shared.valImages().resolve("000000000139.jpg"), dir.resolve("000000000139.jpg"));
        Files.writeString(dir.resolve("README.txt"), "not an image");
        Run r = run(evalArgs(Shared.model("fastestdet"), "fastestdet", dir, Shared.valAnnotations()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("skipped 1 file"), r.err());
        assertTrue(r.out().contains("images: 1"), r.out());
    }

    @Test
    void annotationsThatDoNotMatchTheImages() {
        Path trainGt = Shared.require().resolve("data/coco-subset/annotations/instances_train2017_subset.json");
        Run r = run(evalArgs(Shared.model("fastestdet"), "fastestdet", Shared.valImages(), trainGt));
        assertOneLineError(r, ExitCode.BAD_ANNOTATIONS, "no image");
    }

    @Test
    void annotationFileThatIsNotJson() throws Exception {
        Path bad = tmp.resolve("gt.json");
        Files.writeString(bad, "{ not json");
        Run r = run(evalArgs(Shared.model("fastestdet"), "fastestdet", Shared.valImages(), bad));
        assertOneLineError(r, ExitCode.BAD_ANNOTATIONS, "gt.json");
    }

    @Test
    void unknownSpec() {
        Run r = run(evalArgs(Shared.model("fastestdet"), "no-such-spec", Shared.valImages(), Shared.valAnnotations()));
        assertOneLineError(r, ExitCode.MISSING_INPUT, "no-such-spec");
    }

    @Test
    void specThatDoesNotFitTheModel() {
        Run r = run(evalArgs(Shared.model("fastestdet"), "yolox", Shared.valImages(), Shared.valAnnotations(),
                "--limit", "1"));
        assertOneLineError(r, ExitCode.BAD_SPEC, "416x416");
    }

    @Test
    void outputsNeverOverwriteInputs() throws Exception {
        Path gtCopy = tmp.resolve("gt.json");
        Files.copy(Shared.valAnnotations(), gtCopy);
        byte[] before = Files.readAllBytes(gtCopy);
        Run r = run(evalArgs(Shared.model("fastestdet"), "fastestdet", Shared.valImages(), gtCopy,
                "--json", gtCopy.toString()));
        assertOneLineError(r, ExitCode.OUTPUT_CONFLICT, "gt.json");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(gtCopy)));
    }

    @Test
    void evalWritesMetricsAndDetections() throws Exception {
        Path json = tmp.resolve("m.json");
        Path dets = tmp.resolve("d.json");
        Run r = run(evalArgs(Shared.model("fastestdet"), "fastestdet", Shared.valImages(), Shared.valAnnotations(),
                "--limit", "4", "--json", json.toString(), "--detections", dets.toString()));
        assertEquals(0, r.code(), r.err());
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        for (String k : new String[] {"AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "images", "seconds"}) {
            assertTrue(tree.has(k), "missing key " + k);
        }
        assertEquals(4, tree.get("images").asInt());
        double ap = tree.get("AP").asDouble();
        assertTrue(ap >= 0 && ap <= 1, "AP is a fraction: " + ap);
        assertFalse(dev.inlierq.eval.CocoResults.read(dets).isEmpty());
    }
}
