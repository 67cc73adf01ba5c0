package dev.inlierq.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.htmlreport.HtmlWriter;
import dev.inlierq.lidar.LidarConfig;
import dev.inlierq.lidar.LidarDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Demo#run} with {@link DemoBenchmark#LIDAR}: the bundled BEV detector ({@link BundledModel#LIDAR}) on
 * synthetic LiDAR maps generated into the cache, with real ONNX Runtime and the real quantizer at tiny counts (12
 * val and 8 calibration maps, two InlierQ steps). Every model gets a BEV centre-distance mAP besides COCO AP, in the
 * result, the table and the JSON document; a second run (InlierQ at 0 steps, with the HTML reports) reuses the
 * cached maps and measures the same float model and W8A8 file, and its reports show the BEV mAP.
 */
class DemoLidarTest {
    /**
     * The float BEV detector's centre-distance mAP on the 12 val maps of seed 0 is 0.824 (0.799 on 300 maps,
     * docs/lidar.md); a pipeline that decodes, scales or matches wrongly scores far lower.
     */
    private static final double FLOAT_BEV_MAP = 0.75;
    /** Both quantized files lose a few points at most on these maps (W8A8 0.816, W4A8 at 2 steps 0.796). */
    private static final double QUANTIZED_BEV_MAP = 0.65;

    @TempDir
    Path tmp;

    private DemoConfig.Builder config(Path json) {
        return DemoConfig.builder().data(DemoBenchmark.LIDAR).cache(tmp.resolve("cache")).out(tmp.resolve("out"))
                .json(json).valImages(12).calibImages(8).iterations(2).latencyRuns(1).threads(2).reports(false);
    }

    @Test
    void theLidarDemoScoresEveryModelWithTheBevMapAndReusesItsMaps() throws Exception {
        Path json = tmp.resolve("d.json");
        DemoTest.Recorder first = new DemoTest.Recorder();
        DemoResult r1 = Demo.run(config(json).build(), first);

        assertEquals("bevdet", r1.setup().model());
        assertEquals("bevdet", r1.setup().spec());
        assertTrue(first.phases.get(0).contains("demo/bevdet.onnx"), first.phases.toString());
        assertTrue(first.phases.get(1).contains("LiDAR BEV maps: 12 synthetic val + 8 calibration"),
                first.phases.toString());
        assertEquals(Set.of("inlierq-demo.json", "bevdet-w8a8.onnx", "bevdet-w4a8-inlierq.onnx"),
                DemoTest.names(tmp.resolve("out")));
        Path data = r1.setup().data().folder();
        assertFalse(r1.setup().data().reused());
        assertEquals(DemoBenchmark.LIDAR, r1.setup().data().benchmark());
        assertTrue(data.getFileName().toString().matches("lidar-[0-9a-f]{12}"), data.toString());
        LidarConfig settings = LidarConfig.builder().seed(0).valScenes(12).trainScenes(8).threads(2).build();
        assertTrue(LidarDataset.holds(settings, data), "the default LiDAR settings but the demo's counts and seed");

        double floatMap = r1.floatModel().bevMap().orElseThrow();
        assertTrue(floatMap > FLOAT_BEV_MAP, "the float BEV detector finds the objects: BEV mAP " + floatMap);
        assertEquals(2, r1.runs().size());
        for (DemoResult.Run run : r1.runs()) {
            double map = run.measured().bevMap().orElseThrow();
            assertTrue(map > QUANTIZED_BEV_MAP && map <= 1, run.bits() + " BEV mAP " + map);
            assertEquals(12, run.measured().images());
        }
        long withBev = first.results.stream().filter(l -> l.contains(", BEV mAP ") && l.contains(" on 12 maps "))
                .count();
        assertEquals(3, withBev, "each evaluation's line names its BEV mAP: " + first.results);
        String table = r1.table();
        assertTrue(table.lines().findFirst().orElseThrow().contains("BEV mAP"), table);
        assertTrue(table.contains("synthetic LiDAR val maps"), table);
        assertTrue(table.contains(String.format(java.util.Locale.ROOT, "%.2f", 100 * floatMap)), table);

        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals("lidar", doc.path("benchmark").asText());
        assertEquals(floatMap, doc.path("float").path("bev_mAP").asDouble());
        for (JsonNode run : doc.path("runs")) {
            assertTrue(run.path("bev_mAP").isNumber(), run.toString());
            assertEquals(run.path("bev_mAP").asDouble() - floatMap, run.path("bev_mAP_diff").path("value").asDouble(),
                    1e-9, "the paired BEV change: " + run);
            assertTrue(run.path("bev_mAP_diff").path("sd").isNumber() && run.path("AP_diff").path("low").isNumber(),
                    run.toString());
        }
        assertTrue(table.lines().findFirst().orElseThrow().endsWith(" BEV mAP change [95%]"), table);

        FileTime written = Files.getLastModifiedTime(data.resolve("val/000001.png"));
        DemoResult r2 = Demo.run(config(json).iterations(0).reports(true).build(), Demo.Listener.NONE);
        assertTrue(r2.setup().data().reused(), "the second run finds the maps in the cache");
        assertEquals(data, r2.setup().data().folder());
        assertEquals(written, Files.getLastModifiedTime(data.resolve("val/000001.png")), "not generated again");
        assertEquals(Set.of(data.getFileName().toString(), r1.setup().modelFile().getParent().getFileName()
                .toString()), DemoTest.names(tmp.resolve("cache")), "nothing else in the cache");
        assertEquals(floatMap, r2.floatModel().bevMap().orElseThrow());
        assertEquals(r1.runs().get(0).measured().bevMap(), r2.runs().get(0).measured().bevMap(), "same W8A8 file");
        assertTrue(r2.runs().get(1).measured().bevMap().orElseThrow() > QUANTIZED_BEV_MAP, "InlierQ's start");
        for (String report : new String[] {"bevdet-w8a8.html", "bevdet-w4a8-inlierq.html"}) {
            String html = Files.readString(tmp.resolve("out").resolve(report));
            assertTrue(html.contains("<html"), report);
            assertTrue(html.contains("<td>" + HtmlWriter.BEV_LABEL + "</td><td>" + String.format(java.util.Locale.ROOT,
                    "%.2f", 100 * floatMap) + "</td>"), report + " shows the float model's BEV mAP");
        }
    }
}
