package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.api.Evaluation;
import dev.inlierq.cli.CliErrorsTest.Run;
import dev.inlierq.detect.Detection;
import dev.inlierq.eval.CenterDistanceBootstrap;
import dev.inlierq.eval.CenterDistanceEvaluator;
import dev.inlierq.eval.CentreMatches;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.eval.CocoResults;
import dev.inlierq.eval.ImageBootstrap;
import dev.inlierq.lidar.LidarConfig;
import dev.inlierq.lidar.LidarDataset;
import dev.inlierq.lidar.LidarResult;
import dev.inlierq.synth.Split;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval --bev-distance --bootstrap N [--baseline B]} with the bundled BEV detector on 12 generated LiDAR maps:
 * the {@code bev_mAP} lines and JSON keys beside the COCO ones (the baseline is the same file, so the difference is
 * exactly 0), the numbers those of the library, whose plain mAP is the evaluator's exactly.
 */
class EvalBootstrapBevCliTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    private static LidarResult bench;
    private static Path model;
    private static Path spec;

    @BeforeAll
    static void benchmarkAndDetector() throws IOException {
        bench = LidarDataset.generate(LidarConfig.builder().trainScenes(0).valScenes(12).threads(1).build(),
                shared.resolve("lidar"));
        model = copy("demo/bevdet.onnx", shared.resolve("bevdet.onnx"));
        spec = copy("demo/bevdet.yaml", shared.resolve("bevdet.yaml"));
    }

    private static Path copy(String resource, Path to) throws IOException {
        try (InputStream in = EvalBootstrapBevCliTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            Files.copy(in, to);
        }
        return to;
    }

    private static Run eval(String... more) {
        List<String> args = new ArrayList<>(List.of("eval", "--model", model.toString(), "--spec", spec.toString(),
                "--images", shared.resolve("lidar/val").toString(), "--annotations",
                bench.annotations(Split.VAL).toString(), "--threads", "1"));
        args.addAll(List.of(more));
        return CliErrorsTest.run(args.toArray(String[]::new));
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void bevBootstrapWithBaselineWritesTheJsonKeysAndTheLibrarysNumbers() throws IOException {
        Path json = tmp.resolve("m.json");
        Path dets = tmp.resolve("dets.json");
        Run r = eval("--bev-distance", "--bootstrap", "200", "--bootstrap-seed", "4", "--baseline", model.toString(),
                "--json", json.toString(), "--detections", dets.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        int at = lines.indexOf(lines.stream().filter(l -> l.startsWith("bootstrap (200 image resamples, seed 4): AP "))
                .findFirst().orElseThrow(() -> new AssertionError(r.out())));
        assertTrue(lines.get(at + 2).startsWith("  AP75 95% interval ["), r.out());
        assertTrue(lines.get(at + 3).startsWith("  bev_mAP 95% interval ["), r.out());
        assertTrue(lines.get(at + 4).startsWith("versus baseline bevdet.onnx (AP "), r.out());
        assertTrue(lines.get(at + 4).matches(".*, bev_mAP 0\\.\\d{4}\\): AP \\+0\\.0000, .*"), r.out());
        assertEquals("  bev_mAP +0.0000, 95% interval [0.0000, 0.0000], sd 0.0000, below zero in 0.0% of samples",
                lines.get(at + 7), r.out());

        JsonNode m = new ObjectMapper().readTree(json.toFile());
        JsonNode boot = m.get("bootstrap");
        assertEquals(List.of("samples", "seed", "level", "AP", "AP50", "AP75", "bev_mAP"), keys(boot));
        assertEquals(List.of("model", "AP", "AP50", "AP75", "bev_mAP"), keys(m.get("baseline")));
        assertEquals(List.of("AP", "AP50", "AP75", "bev_mAP"), keys(m.get("difference")));
        JsonNode iv = boot.get("bev_mAP");
        assertEquals(List.of("low", "high", "sd"), keys(iv));
        assertTrue(iv.get("low").doubleValue() < iv.get("high").doubleValue() && iv.get("sd").doubleValue() > 0,
                iv.toString());
        assertEquals(m.get("bev_mAP").doubleValue(), m.get("baseline").get("bev_mAP").doubleValue(), 0.0);
        JsonNode d = m.get("difference").get("bev_mAP");
        assertEquals(List.of("value", "low", "high", "sd", "share_below_zero"), keys(d));
        for (String f : keys(d)) {
            assertEquals(0.0, d.get(f).doubleValue(), 0.0, f + ": " + d);
        }

        // the library on the written detections and the same images: the evaluator's mAP, the same interval
        CocoDataset gt = CocoDataset.load(bench.annotations(Split.VAL));
        List<Long> ids = Evaluation.match(shared.resolve("lidar/val"), gt, 0).ids();
        assertEquals(12, ids.size());
        List<Detection> read = CocoResults.read(dets);
        CenterDistanceBootstrap lib = new CenterDistanceBootstrap(new ImageBootstrap(gt, ids), 0.25);
        CentreMatches matches = lib.match(read);
        int[] ones = new int[12];
        Arrays.fill(ones, 1);
        double map = new CenterDistanceEvaluator(gt, 0.25).evaluate(read, ids).map();
        assertTrue(map > 0.5, "the bundled detector finds most boxes: " + map);
        assertEquals(map, matches.map(ones), 0.0);
        assertEquals(map, m.get("bev_mAP").doubleValue(), 0.0);
        CenterDistanceBootstrap.Summary s = lib.resample(matches, 200, 4);
        assertEquals(map, s.point(), 0.0);
        assertEquals(s.map().low(), iv.get("low").doubleValue(), 0.0);
        assertEquals(s.map().high(), iv.get("high").doubleValue(), 0.0);
        assertEquals(s.map().sd(), iv.get("sd").doubleValue(), 0.0);
    }

    @Test
    void theBevLineNeedsBevDistanceAndTheDifferenceABaseline() throws IOException {
        Path json = tmp.resolve("single.json");
        Run single = eval("--bev-distance", "--bootstrap", "50", "--json", json.toString());
        assertEquals(0, single.code(), single.err());
        assertTrue(single.out().lines().anyMatch(l -> l.startsWith("  bev_mAP 95% interval [")), single.out());
        assertFalse(single.out().contains("versus baseline"), single.out());
        JsonNode m = new ObjectMapper().readTree(json.toFile());
        assertTrue(m.get("bootstrap").has("bev_mAP") && !m.has("difference") && !m.has("baseline"), m.toString());

        Path coco = tmp.resolve("coco.json");
        Run plain = eval("--bootstrap", "50", "--json", coco.toString());
        assertEquals(0, plain.code(), plain.err());
        assertFalse(plain.out().contains("bev_mAP"), plain.out());
        JsonNode c = new ObjectMapper().readTree(coco.toFile());
        assertEquals(List.of("samples", "seed", "level", "AP", "AP50", "AP75"), keys(c.get("bootstrap")));
    }
}
