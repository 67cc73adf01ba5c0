package dev.inlierq.htmlreport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inlierq.api.EngineKind;
import dev.inlierq.api.Evaluation;
import dev.inlierq.api.Method;
import dev.inlierq.api.Quantization;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.demo.BundledModel;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.eval.CenterDistanceBootstrap;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.eval.ImageBootstrap;
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

        ReportModel.Accuracy acc = Measurements.accuracy(model.onnx(), out, model.spec(), val, annotations, 2, 0, 0);
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
        ReportModel.Bootstrap boot = acc.bootstrap();
        assertNotNull(boot, "the paired bootstrap of the differences");
        assertTrue(html.contains(HtmlWriter.differenceText("AP", boot.ap()) + "; "
                + HtmlWriter.differenceText("BEV mAP", boot.bevMap())), "the bootstrap line");
        assertTrue(html.contains("(1000 resamples of the 8 images, seed 0: the run&#39;s --seed)"), "its seed");
        assertTrue(html.contains("choice of evaluation images only"), "what the interval means");
        assertSameAsLibrary(boot, acc, model.onnx(), out, model.spec(), val, annotations);

        ObjectMapper json = new ObjectMapper();
        ObjectNode doc = (ObjectNode) json.readTree(annotations.toFile());
        assertTrue(doc.path("info").path("settings").has("cell_size"), doc.path("info").toString());
        doc.remove("info");
        Path plain = tmp.resolve("plain.json");
        json.writeValue(plain.toFile(), doc);
        ReportModel.Accuracy coco = Measurements.accuracy(model.onnx(), out, model.spec(), val, plain, 2, 0, 0);
        assertNull(coco.bev(), "no cell size recorded: COCO AP only");
        assertEquals(acc.floatAp(), coco.floatAp());
        assertEquals(acc.quantAp50(), coco.quantAp50());
        String cocoHtml = HtmlWriter.write(ReportModels.builder(r, model.onnx(), out).accuracy(coco).build());
        assertFalse(cocoHtml.contains("BEV"), "no BEV line without a cell size");
        assertNull(coco.bootstrap().bevMap(), "no BEV difference without a cell size");
        assertEquals(boot.ap(), coco.bootstrap().ap(), "the same draws with or without the BEV mAP");
        assertTrue(cocoHtml.contains(HtmlWriter.differenceText("AP", boot.ap()) + "."), "the AP line alone");
    }

    /**
     * The report's bootstrap is the library's: {@link ImageBootstrap#resamplePaired} and
     * {@link CenterDistanceBootstrap#resamplePaired} with 1000 resamples and seed 0 on the two files' detections.
     */
    private static void assertSameAsLibrary(ReportModel.Bootstrap boot, ReportModel.Accuracy acc, Path floatModel,
            Path quantized, DetectorSpec spec, Path val, Path annotations) {
        assertEquals(Measurements.BOOTSTRAP_SAMPLES, boot.samples());
        assertEquals(0, boot.seed());
        assertEquals(acc.quantAp() - acc.floatAp(), boot.ap().value(), 1e-12, "the point difference");
        assertEquals(acc.bev().quantMap() - acc.bev().floatMap(), boot.bevMap().value(), 1e-12);
        CocoDataset gt = CocoDataset.load(annotations);
        Evaluation.Result f = Evaluation.run(new Evaluation.Options(floatModel, spec, val, annotations,
                EngineKind.ORT, 8, 2, 0), gt, Evaluation.Listener.onDone(n -> { }));
        Evaluation.Result q = Evaluation.run(new Evaluation.Options(quantized, spec, val, annotations,
                EngineKind.ORT, 8, 2, 0), gt, Evaluation.Listener.onDone(n -> { }));
        ImageBootstrap ib = new ImageBootstrap(gt, f.imageIds());
        ImageBootstrap.Paired p = ib.resamplePaired(ib.match(f.detections()), ib.match(q.detections()), 1000, 0);
        assertEquals(p.ap(), boot.ap());
        assertEquals(p.ap50().high(), boot.ap50().high());
        CenterDistanceBootstrap cb = new CenterDistanceBootstrap(ib, 0.25);
        ImageBootstrap.Difference d = cb.resamplePaired(cb.match(f.detections()), cb.match(q.detections()), 1000, 0)
                .map();
        assertEquals(d, boot.bevMap());
        assertTrue(d.low() <= d.high() && d.sd() > 0, "an interval of the change " + d);
    }
}
