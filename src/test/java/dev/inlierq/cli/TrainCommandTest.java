package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.cli.CliErrorsTest.Run;
import dev.inlierq.detect.Detection;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.image.ChannelOrder;
import dev.inlierq.detect.image.ImageLoader;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.error.ExitCode;
import dev.inlierq.eval.CocoResults;
import dev.inlierq.graph.Graph;
import dev.inlierq.lidar.LidarConfig;
import dev.inlierq.lidar.LidarDataset;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.synth.Split;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.GraphAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        assertSceneOption("dense", new String[] {"--objects", "12,20"}, "\"minObjects\" : 12", "\"maxObjects\" : 20");
    }

    @Test
    void widerObjectSizesAreRecordedAndTrainOnOtherImages() throws IOException {
        assertSceneOption("wide", new String[] {"--object-size", "8,200"}, "\"minLength\" : 8.0",
                "\"maxLength\" : 200.0");
    }

    /** A scene option is recorded in the log and trains other weights than the default scenes. */
    private void assertSceneOption(String name, String[] option, String... logHas) throws IOException {
        Path model = tmp.resolve(name + ".onnx");
        Path json = tmp.resolve(name + ".json");
        String[] args = {"--json", json.toString(), option[0], option[1]};
        Run r = train(model.toString(), args);
        assertEquals(0, r.code(), r.err());
        String log = Files.readString(json);
        for (String s : logHas) {
            assertTrue(log.contains(s), s + " in " + log);
        }
        Path plain = tmp.resolve("plain-" + name + ".onnx");
        assertEquals(0, train(plain.toString()).code());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(model), Files.readAllBytes(plain)),
                "other scenes, other weights");
    }

    /** --export-size writes the same weights with a larger input, which ONNX Runtime runs; the spec says so. */
    @Test
    void exportSizeWritesTheSameWeightsAtAnotherSide() throws Exception {
        Path plain = tmp.resolve("plain.onnx");
        assertEquals(0, train(plain.toString()).code());
        Path big = tmp.resolve("big.onnx");
        Run r = train(big.toString(), "--export-size", "96");
        assertEquals(0, r.code(), r.err());
        Graph p = OnnxReader.read(plain);
        Graph b = OnnxReader.read(big);
        assertArrayEquals(new long[] {1, 3, 96, 96}, b.inputs().get(0).shape());
        GraphAssertions.assertSameWeights(p, b);
        assertEquals("64", b.metadata().get("inlierq.trained_input"));
        assertTrue(b.metadata().get("inlierq.architecture").startsWith("Architecture[input 96,"));
        String spec = Files.readString(tmp.resolve("big.yaml"));
        assertTrue(spec.contains("width: 96") && spec.contains("height: 96")
                && spec.contains("# written with a 96 x 96 input"), spec);
        try (OrtRunner ort = new OrtRunner(big, 1)) {
            Map<String, FloatTensor> out = ort.run(new FloatTensor(new long[] {1, 3, 96, 96}, new float[3 * 96 * 96]));
            assertArrayEquals(new long[] {1, 2, 24, 24}, out.get("heatmap").shape());
        }
    }

    /** --data lidar trains on the LiDAR benchmark's maps: 4 classes by default, recorded in the log and the spec. */
    @Test
    void lidarMapsTrainAFourClassDetector() throws IOException {
        Path model = tmp.resolve("bev.onnx");
        Path json = tmp.resolve("bev.json");
        Run r = CliErrorsTest.run("train", "--out", model.toString(), "--json", json.toString(), "--data", "lidar",
                "--size", "64", "--widths", "4,8,8,8,8", "--depths", "0,1,0,0", "--neck", "8", "--steps", "3",
                "--batch", "2", "--seed", "5");
        assertEquals(0, r.code(), r.err());
        String spec = Files.readString(tmp.resolve("bev.yaml"));
        assertTrue(spec.contains("classes: [1, 2, 3, 4]") && spec.contains("synthetic-LiDAR bird's-eye-view"), spec);
        String log = Files.readString(json);
        assertTrue(log.contains("\"cells\" : 64") && log.contains("\"beams\""), log);
        for (String[] c : new String[][] {{"--classes", "5", "1 to 4"}, {"--objects", "3,5", "--data shapes"},
            {"--size", "48", "--size"}}) {
            CliErrorsTest.assertOnlyLine(CliErrorsTest.run("train", "--out", tmp.resolve("y.onnx").toString(),
                    "--data", "lidar", c[0], c[1]), ExitCode.USAGE, c[2]);
        }
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("train", "--out", tmp.resolve("y.onnx").toString(), "--data",
                "radar"), ExitCode.USAGE, "--data radar");
        assertFalse(Files.exists(tmp.resolve("y.onnx")));
    }

    /**
     * --yaw adds the heading output [1, 2, S/4, S/4] and names it in the spec; decoding a map gives every detection a
     * finite heading. Refused for the shapes.
     */
    @Test
    void lidarYawWritesAHeadingOutputThatDecodes() throws IOException {
        Path model = tmp.resolve("yaw.onnx");
        Run r = CliErrorsTest.run("train", "--out", model.toString(), "--data", "lidar", "--yaw", "--size", "64",
                "--widths", "4,8,8,8,8", "--depths", "0,1,0,0", "--neck", "8", "--steps", "3", "--batch", "2",
                "--seed", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(tmp.resolve("yaw.yaml")).contains("  offset: offset\n  yaw: yaw\n  stride: 4"));
        DetectorSpec spec = DetectorSpecs.load(tmp.resolve("yaw.yaml"));
        LidarConfig map = LidarConfig.builder().cells(64).build();
        PreparedImage image = spec.preprocessor().prepare(
                ImageLoader.toByteImage(LidarDataset.render(map, Split.VAL, 1).bev(), ChannelOrder.RGB));
        List<Detection> dets;
        try (OrtRunner ort = new OrtRunner(model, 1)) {
            Map<String, FloatTensor> out = ort.run(image.tensor());
            assertEquals(List.of("heatmap", "size", "offset", "yaw"), List.copyOf(out.keySet()));
            assertArrayEquals(new long[] {1, 2, 16, 16}, out.get("yaw").shape());
            dets = spec.decoder().decode(out, List.of(image), List.of(1L)).get(0);
        }
        assertFalse(dets.isEmpty());
        assertTrue(dets.stream().allMatch(d -> Double.isFinite(d.yaw()) && Math.abs(d.yaw()) <= Math.PI), "" + dets);
        CliErrorsTest.assertOnlyLine(train(tmp.resolve("z.onnx").toString(), "--yaw"), ExitCode.USAGE,
                "--yaw needs --data lidar");
        assertFalse(Files.exists(tmp.resolve("z.onnx")));
    }

    /**
     * --box3d adds the outputs dim [1, 3, S/4, S/4] and z [1, 1, S/4, S/4] after yaw (which it implies) and names
     * them in the spec; decoding a map gives every detection a 3D box, which the detections file keeps exactly; the
     * log has the two terms. Refused for the shapes.
     */
    @Test
    void lidarBox3dWritesDimAndZOutputsThatDecode() throws IOException {
        Path model = tmp.resolve("b3.onnx");
        Path log = tmp.resolve("b3.json");
        Run r = CliErrorsTest.run("train", "--out", model.toString(), "--json", log.toString(), "--data", "lidar",
                "--box3d", "--size", "64", "--widths", "4,8,8,8,8", "--depths", "0,1,0,0", "--neck", "8", "--steps",
                "3", "--batch", "2", "--seed", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(tmp.resolve("b3.yaml")).contains("  yaw: yaw\n  dim: dim\n  z: z\n  stride: 4"));
        DetectorSpec spec = DetectorSpecs.load(tmp.resolve("b3.yaml"));
        LidarConfig map = LidarConfig.builder().cells(64).build();
        PreparedImage image = spec.preprocessor().prepare(
                ImageLoader.toByteImage(LidarDataset.render(map, Split.VAL, 1).bev(), ChannelOrder.RGB));
        List<Detection> dets;
        try (OrtRunner ort = new OrtRunner(model, 1)) {
            Map<String, FloatTensor> out = ort.run(image.tensor());
            assertEquals(List.of("heatmap", "size", "offset", "yaw", "dim", "z"), List.copyOf(out.keySet()));
            assertArrayEquals(new long[] {1, 3, 16, 16}, out.get("dim").shape());
            assertArrayEquals(new long[] {1, 1, 16, 16}, out.get("z").shape());
            dets = spec.decoder().decode(out, List.of(image), List.of(1L)).get(0);
        }
        assertFalse(dets.isEmpty());
        assertTrue(dets.stream().allMatch(d -> d.hasYaw() && d.box3d() != null && d.box3d().hasSize()
                && d.box3d().hasZ() && d.box3d().length() > 0 && d.isFinite()), "" + dets);
        Path results = tmp.resolve("dets.json");
        CocoResults.write(results, dets);
        assertEquals(dets, CocoResults.read(results));
        JsonNode entry = new ObjectMapper().readTree(log.toFile()).get("log").get(0);
        assertTrue(entry.get("dim").doubleValue() > 0 && entry.get("z").doubleValue() > 0, entry.toString());
        CliErrorsTest.assertOnlyLine(train(tmp.resolve("z.onnx").toString(), "--box3d"), ExitCode.USAGE,
                "--box3d needs --data lidar");
        assertFalse(Files.exists(tmp.resolve("z.onnx")));
    }

    @Test
    void badValuesAreOneUsageLineEach() {
        String out = tmp.resolve("x.onnx").toString();
        String[][] cases = {
            {"--size", "100", "multiple of 32"}, {"--classes", "9", "--classes"}, {"--widths", "8,8", "--widths"},
            {"--nms", "soft", "--nms soft"}, {"--lr", "0", "--lr"}, {"--steps", "0", "--steps"},
            {"--norm", "ln", "--norm ln"}, {"--objects", "5,4", "--objects"}, {"--objects", "0,4", "--objects"},
            {"--objects", "3,41", "--objects"}, {"--crop", "100", "--crop"}, {"--crop", "320", "--crop"},
            {"--export-size", "100", "--export-size"}, {"--export-size", "2048", "--export-size"},
            {"--object-size", "3,100", "--object-size"}, {"--object-size", "50,40", "--object-size"},
            {"--object-size", "12", "--object-size"},
        };
        for (String[] c : cases) {
            CliErrorsTest.assertOnlyLine(CliErrorsTest.run("train", "--out", out, c[0], c[1]), ExitCode.USAGE, c[2]);
        }
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run("train"), ExitCode.USAGE, "--out");
        assertFalse(Files.exists(tmp.resolve("x.onnx")));
    }
}
