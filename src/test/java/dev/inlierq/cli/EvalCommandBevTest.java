package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.cli.CliErrorsTest.Run;
import dev.inlierq.detect.Box3d;
import dev.inlierq.detect.Detection;
import dev.inlierq.error.ExitCode;
import dev.inlierq.eval.CenterDistanceEvaluator;
import dev.inlierq.eval.CenterDistanceMetrics;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.lidar.LidarConfig;
import dev.inlierq.lidar.LidarDataset;
import dev.inlierq.lidar.LidarResult;
import dev.inlierq.synth.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inlierq eval --bev-distance} on a tiny generated LiDAR benchmark (64 x 64 maps, 4 validation scenes) and a
 * detector trained for 3 steps: the centre-distance table and JSON keys next to the COCO ones; the cell size read
 * from the annotation file; one line and exit 2 for a bad value, exit 7 for a file that records no cell size.
 */
class EvalCommandBevTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    private static LidarResult bench;
    private static Path model;

    @BeforeAll
    static void benchmarkAndDetector() {
        LidarConfig config = LidarConfig.builder().cells(64).trainScenes(0).valScenes(4).threads(1).build();
        bench = LidarDataset.generate(config, shared.resolve("lidar"));
        model = shared.resolve("bev.onnx");
        Run r = CliErrorsTest.run("train", "--out", model.toString(), "--data", "lidar", "--size", "64",
                "--widths", "4,8,8,8,8", "--depths", "0,1,0,0", "--neck", "8", "--steps", "3", "--batch", "2",
                "--seed", "5");
        assertEquals(0, r.code(), r.err());
    }

    private static Run eval(Path annotations, String... more) {
        List<String> args = new ArrayList<>(List.of("eval", "--model", model.toString(), "--spec",
                shared.resolve("bev.yaml").toString(), "--images", shared.resolve("lidar/val").toString(),
                "--annotations", annotations.toString(), "--threads", "1"));
        args.addAll(List.of(more));
        return CliErrorsTest.run(args.toArray(String[]::new));
    }

    @Test
    void addsTheCentreDistanceTableAndJsonKeys() throws IOException {
        Path json = tmp.resolve("m.json");
        Run r = eval(bench.annotations(Split.VAL), "--bev-distance", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Average Precision  (AP) @[ IoU=0.50:0.95"), r.out());
        assertTrue(r.out().contains("BEV centre-distance AP (nuScenes), 0.25 m per pixel"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith(" mAP ")), r.out());
        JsonNode m = new ObjectMapper().readTree(json.toFile());
        assertTrue(m.has("AP") && m.has("AR100") && m.has("images"), m.toString());
        double map = m.get("bev_mAP").doubleValue();
        assertTrue(map >= 0 && map <= 1, m.toString());
        assertTrue(m.get("bev_AP").isObject() && m.get("bev_AP").size() >= 1, m.toString());
        m.get("bev_AP").fieldNames().forEachRemaining(name -> assertTrue(
                List.of("car", "truck", "pedestrian", "cyclist").contains(name), name));
        List<String> keys = new ArrayList<>();
        m.get("bev_AP_by_distance").fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("0.5", "1", "2", "4"), keys);
        assertTrue(r.out().contains("BEV true-positive errors (nuScenes) at 2 m"), r.out());
        assertTrue(m.get("bev_mATE").isNumber() && m.get("bev_mASE").isNumber(), m.toString());
        assertTrue(m.has("bev_mAOE") && (m.get("bev_mAOE").isNull() || m.get("bev_mAOE").isNumber()), m.toString());
        List<String> classes = new ArrayList<>();
        m.get("bev_AP").fieldNames().forEachRemaining(classes::add);
        List<String> errorClasses = new ArrayList<>();
        m.get("bev_TP_errors").fieldNames().forEachRemaining(errorClasses::add);
        assertEquals(classes, errorClasses);
        for (String c : classes) {
            JsonNode e = m.get("bev_TP_errors").get(c);
            assertTrue(e.get("ATE").doubleValue() >= 0 && e.get("ASE").doubleValue() >= 0 && e.has("AOE"), c + e);
        }

        Run given = eval(bench.annotations(Split.VAL), "--bev-distance", "0.5");
        assertEquals(0, given.code(), given.err());
        assertTrue(given.out().contains("0.5 m per pixel"), given.out());
        Run plain = eval(bench.annotations(Split.VAL));
        assertEquals(0, plain.code(), plain.err());
        assertFalse(plain.out().contains("BEV"), plain.out());
    }

    /**
     * The ground truth scored as detections at the footprints' centres with their headings, through the library: mAP
     * 1, no translation, scale or orientation error, and no orientation error for the pedestrians.
     */
    @Test
    void theGroundTruthAsDetectionsScoresOne() {
        CocoDataset gt = CocoDataset.load(bench.annotations(Split.VAL));
        assertEquals(0.25, CenterDistanceEvaluator.cellSizeOf(gt).orElseThrow());
        List<Detection> dets = new ArrayList<>();
        for (CocoDataset.Annotation a : gt.annotations()) {
            CocoDataset.RotatedBox rb = gt.rotatedBox(a.id()).orElseThrow();
            dets.add(new Detection(a.imageId(), a.categoryId(), rb.cx() - a.w() / 2, rb.cy() - a.h() / 2, a.w(),
                    a.h(), 1.0 / (1 + a.id()), rb.yaw()));
        }
        CenterDistanceMetrics m = new CenterDistanceEvaluator(gt, 0.25).evaluate(dets);
        assertFalse(m.classes().isEmpty());
        assertEquals(1.0, m.map(), 1e-12);
        assertEquals(0.0, m.mate(), 1e-9);
        assertEquals(0.0, m.mase(), 1e-12);
        assertEquals(0.0, m.maoe(), 1e-12);
        for (CenterDistanceMetrics.ClassAp c : m.classes()) {
            assertEquals(!c.name().equals("pedestrian"), c.tpErrors().hasAoe(), c.name());
        }
        assertEquals(gt.annotations().size(), m.classes().stream().mapToInt(CenterDistanceMetrics.ClassAp::groundTruth)
                .sum());
        assertEquals(CenterDistanceMetrics.AseForm.HULL, m.aseForm());
        List<Detection> solids = new ArrayList<>();
        for (Detection d : dets) {
            long id = gt.annotations().get(solids.size()).id();
            CocoDataset.RotatedBox rb = gt.rotatedBox(id).orElseThrow();
            solids.add(new Detection(d.imageId(), d.categoryId(), d.x(), d.y(), d.w(), d.h(), d.score(), d.yaw(),
                    new Box3d(rb.length(), rb.width(), Double.NaN, gt.height(id).orElseThrow())));
        }
        CenterDistanceMetrics m3 = new CenterDistanceEvaluator(gt, 0.25).evaluate(solids);
        assertEquals(CenterDistanceMetrics.AseForm.BOX_3D, m3.aseForm(), "the LiDAR labels have heights");
        assertEquals(0.0, m3.mase(), 1e-12);
        assertEquals(m.map(), m3.map());
    }

    /**
     * A detector trained with --box3d is scored with the 3D scale error, and its detections file holds the 3D
     * boxes in the labels' fields.
     */
    @Test
    void aBox3dDetectorGetsThe3dScaleError() throws IOException {
        Path box3d = tmp.resolve("b3.onnx");
        Run t = CliErrorsTest.run("train", "--out", box3d.toString(), "--data", "lidar", "--box3d", "--size", "64",
                "--widths", "4,8,8,8,8", "--depths", "0,1,0,0", "--neck", "8", "--steps", "3", "--batch", "2",
                "--seed", "5");
        assertEquals(0, t.code(), t.err());
        Path json = tmp.resolve("m.json");
        Path dets = tmp.resolve("dets.json");
        Run r = CliErrorsTest.run("eval", "--model", box3d.toString(), "--spec", tmp.resolve("b3.yaml").toString(),
                "--images", shared.resolve("lidar/val").toString(), "--annotations",
                bench.annotations(Split.VAL).toString(), "--threads", "1", "--bev-distance", "--json", json.toString(),
                "--detections", dets.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ASE = 1 - IoU of the 3D boxes"), r.out());
        JsonNode m = new ObjectMapper().readTree(json.toFile());
        assertEquals("3d", m.get("bev_ASE_form").textValue(), m.toString());
        JsonNode first = new ObjectMapper().readTree(dets.toFile()).get(0);
        assertTrue(first.get("rotated_bbox").size() == 5 && first.has("z") && first.has("height"), first.toString());
        Run plain = eval(bench.annotations(Split.VAL), "--bev-distance", "--json", tmp.resolve("p.json").toString());
        assertEquals(0, plain.code(), plain.err());
        assertEquals("hull", new ObjectMapper().readTree(tmp.resolve("p.json").toFile()).get("bev_ASE_form")
                .textValue());
    }

    @Test
    void badValuesAreUsageErrors() {
        for (String bad : new String[] {"0", "-0.25", "abc", "Infinity"}) {
            CliErrorsTest.assertOnlyLine(eval(bench.annotations(Split.VAL), "--bev-distance", bad), ExitCode.USAGE,
                    "--bev-distance", bad);
        }
    }

    @Test
    void aFileWithoutCellSizeIsAnAnnotationProblem() throws IOException {
        Path coco = tmp.resolve("plain.json");
        Files.writeString(coco, """
                {"images": [{"id": 1, "file_name": "000001.png", "width": 64, "height": 64}],
                 "annotations": [], "categories": [{"id": 1, "name": "car"}]}
                """);
        CliErrorsTest.assertOnlyLine(eval(coco, "--bev-distance"), ExitCode.BAD_ANNOTATIONS, "plain.json",
                "cell size", "--bev-distance CELL_METRES");
        Run given = eval(coco, "--bev-distance", "0.25");
        assertEquals(0, given.code(), given.err());
        assertTrue(given.out().contains("0 classes"), given.out());
    }
}
