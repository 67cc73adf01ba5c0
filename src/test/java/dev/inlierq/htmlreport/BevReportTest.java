package dev.inlierq.htmlreport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inlierq.api.Method;
import dev.inlierq.api.Quantization;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.demo.BundledModel;
import dev.inlierq.lidar.LidarConfig;
import dev.inlierq.lidar.LidarDataset;
import dev.inlierq.lidar.LidarResult;
import dev.inlierq.synth.Split;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's accuracy on real LiDAR maps: the bundled BEV detector ({@link BundledModel#LIDAR}) quantized W8A8
 * with GPTQ (the W8A8 default) on 8 synthetic train maps and evaluated on 8 val maps with ONNX Runtime, as
 * {@code quantize --report --report-annotations} measures it ({@link Measurements#accuracy}). The annotation file of
 * {@code synth-lidar} records its cell size, so the report shows the centre-distance mAP of both files with its
 * breakdown; the same file without {@code info} gives the same COCO AP and no BEV line.
 */
class BevReportTest {
    /**
     * The float detector scores 0.838 on these 8 maps (0.799 on the 300 val maps of docs/lidar.md); a wrong cell
     * size, decoding or matching scores far lower.
     */
    private static final double FLOAT_BEV_MAP = 0.75;
    /** GPTQ at W8A8 loses a few points (0.806 here); plain MSE ranges would lose most of it (0.148). */
    private static final double QUANTIZED_BEV_MAP = 0.65;

    @TempDir
    Path tmp;

    @Test
    void aReportOnLidarMapsShowsTheCentreDistanceMap() throws Exception {
        LidarResult maps = LidarDataset.generate(LidarConfig.builder().seed(0).trainScenes(8).valScenes(8).threads(2)
                .build(), tmp.resolve("lidar"));
        BundledModel.Loaded model = BundledModel.LIDAR.load(tmp.resolve("cache"));
        QuantizationConfig qc = QuantizationConfig.builder(model.onnx(), model.spec(), maps.images(Split.TRAIN))
                .method(Method.GPTQ).weightBits(8).activationBits(8).calibImages(8).threads(2).checkImages(1)
                .statsImages(2).build();
        Path out = tmp.resolve("q.onnx");
        Quantization.Result r = Quantization.run(qc, out, (java.util.function.IntConsumer) n -> { });
        Path val = maps.images(Split.VAL);
        Path annotations = maps.annotations(Split.VAL);

        ReportModel.Accuracy acc = Measurements.accuracy(model.onnx(), out, model.spec(), val, annotations, 2, 0);
        assertEquals(8, acc.images());
        ReportModel.Bev bev = acc.bev();
        assertNotNull(bev, "the annotation file records a cell size");
        assertTrue(bev.floatMap() > FLOAT_BEV_MAP && bev.floatMap() <= 1, "float BEV mAP " + bev.floatMap());
        assertTrue(bev.quantMap() > QUANTIZED_BEV_MAP && bev.quantMap() <= 1, "W8A8 BEV mAP " + bev.quantMap());
        assertEquals(0.25, bev.cellSize());
        assertEquals(4, bev.byDistance().size(), "0.5, 1, 2 and 4 m");
        assertFalse(bev.byClass().isEmpty());

        Path report = tmp.resolve("r.html");
        HtmlReport.write(report, ReportModels.builder(r, model.onnx(), out).spec(model.name()).accuracy(acc).build());
        String html = Files.readString(report, StandardCharsets.UTF_8);
        String line = String.format(Locale.ROOT, "<td>%s</td><td>%.2f</td><td>%.2f</td>", HtmlWriter.BEV_LABEL,
                100 * bev.floatMap(), 100 * bev.quantMap());
        assertTrue(html.contains(line), "the BEV mAP row " + line);
        assertTrue(html.contains("<td>all classes within 0.5 m</td>"), "per-distance breakdown");
        assertEquals(2, bev.errors().size(), "translation and scale; no orientation without a heading output");
        assertTrue(bev.errors().get(0).floatAp() > 0 && bev.errors().get(0).floatAp() < 2, "float mATE in metres");
        assertTrue(html.contains("<td>mASE, footprint scale (1 - IoU)</td>"), "the error table");
        assertTrue(html.contains("maps of 0.25 m per pixel"), "the cell size");

        ObjectMapper json = new ObjectMapper();
        ObjectNode doc = (ObjectNode) json.readTree(annotations.toFile());
        assertTrue(doc.path("info").path("settings").has("cell_size"), doc.path("info").toString());
        doc.remove("info");
        Path plain = tmp.resolve("plain.json");
        json.writeValue(plain.toFile(), doc);
        ReportModel.Accuracy coco = Measurements.accuracy(model.onnx(), out, model.spec(), val, plain, 2, 0);
        assertNull(coco.bev(), "no cell size recorded: COCO AP only");
        assertEquals(acc.floatAp(), coco.floatAp());
        assertEquals(acc.quantAp50(), coco.quantAp50());
        String cocoHtml = HtmlWriter.write(ReportModels.builder(r, model.onnx(), out).accuracy(coco).build());
        assertFalse(cocoHtml.contains("BEV"), "no BEV line without a cell size");
    }
}
