package dev.inlierq.htmlreport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.eval.ImageBootstrap;
import dev.inlierq.inlier.InlierMixture;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML writer on a hand-built {@link ReportModel} whose names carry markup: every text is escaped, every
 * section is there, charts and overlays are inline PNGs that decode, nothing points outside the file, and the
 * sensitivity column is a dash until a sensitivity list is given.
 */
class HtmlWriterTest {
    private static final String EVIL = "<script>alert('x')</script>&\"q\"";

    @TempDir
    Path tmp;

    @Test
    void escapesEveryTextAndHasEverySection() throws Exception {
        String html = HtmlWriter.write(model(Map.of()));
        assertFalse(html.contains("<script"), "markup in names is escaped");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;q&quot;"), "escaped form");
        for (String id : HtmlWriter.SECTIONS) {
            assertTrue(html.contains("id=\"" + id + "\""), "section " + id);
        }
        assertFalse(html.toLowerCase().contains("http://"), "no http reference");
        assertFalse(html.toLowerCase().contains("https://"), "no https reference");
        assertFalse(Pattern.compile("(src|href)=\"(?!data:|#)").matcher(html).find(), "only data: and # references");
        assertTrue(html.contains("<style>"), "inline CSS");
        assertFalse(html.contains("<link"), "no stylesheet link");
    }

    @Test
    void chartsAndOverlaysAreInlinePngsThatDecode() throws Exception {
        String html = HtmlWriter.write(model(Map.of()));
        Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int images = 0;
        while (m.find()) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
            assertTrue(img != null && img.getWidth() > 0, "image " + images + " decodes");
            images++;
        }
        // SQNR + 2 histograms + loss + 1 mixture + 2 overlays; no sensitivity chart without a list
        assertEquals(7, images);
        assertEquals(2, count(html, "<figure>"), "overlay figures");
        assertTrue(html.contains("No sensitivity list given."));
        assertTrue(html.contains("3.06x smaller"), "size ratio");
        assertTrue(html.contains("30.89") && html.contains("17.81"), "AP in percent");
    }

    @Test
    void sensitivityColumnIsADashUntilGiven() {
        String without = HtmlWriter.write(model(Map.of()));
        assertEquals(3, count(table(without), "<td class=\"n\">\u2014</td></tr>"), "a dash in each of 3 rows");
        String with = HtmlWriter.write(model(Map.of("conv_a", 0.125)));
        assertTrue(table(with).contains("<td class=\"n\">0.1250</td></tr>"), "the layer's sensitivity");
        assertEquals(2, count(table(with), "<td class=\"n\">\u2014</td></tr>"), "rows without a layer value");
        assertTrue(with.contains("alt=\"Sensitivity per layer\""), "sensitivity chart drawn");
    }

    @Test
    void notMeasuredPartsSaySo() {
        ReportModel full = model(Map.of());
        ReportModel bare = new ReportModel(new ReportModel.Summary(full.summary().run(), full.summary().sizes(), null,
                null), new ReportModel.Details(List.of(), Map.of(), List.of(), List.of(), List.of(), List.of()));
        String html = HtmlWriter.write(bare);
        for (String id : HtmlWriter.SECTIONS) {
            assertTrue(html.contains("id=\"" + id + "\""), "section " + id);
        }
        assertTrue(html.contains("Not measured: give --report-annotations JSON and --report-images DIR."));
        assertTrue(html.contains("No reconstruction in this run"));
        assertFalse(html.contains("<img"), "nothing to draw");
    }

    @Test
    void theBevMapLineAppearsOnlyWhenGiven() {
        String coco = HtmlWriter.write(model(Map.of()));
        assertFalse(coco.contains("BEV"), "no BEV line without a BEV mAP");
        assertTrue(coco.contains("Accuracy (COCO, ONNX Runtime)"));

        var rows = List.of(new ReportModel.BevRow("car" + EVIL, 0.914, 0.851),
                new ReportModel.BevRow("pedestrian", 0.819, 0.424));
        var byDistance = List.of(new ReportModel.BevRow("0.5 m", 0.61, 0.40), new ReportModel.BevRow("4 m", 0.9, 0.8));
        var errors = List.of(new ReportModel.BevRow("mATE, translation (m)", 0.2, 0.25),
                new ReportModel.BevRow("mAOE, orientation (rad)", 0.5, 0.625));
        String full = HtmlWriter.write(withBev(new ReportModel.Bev(0.7993, 0.7742, 0.25, rows, byDistance, errors)));
        assertTrue(full.contains("<td>" + HtmlWriter.BEV_LABEL + "</td><td>79.93</td><td>77.42</td><td>-2.51</td>"),
                "the BEV row next to AP and AP50");
        assertTrue(full.indexOf("<td>AP50</td>") < full.indexOf(HtmlWriter.BEV_LABEL), "after AP50");
        assertTrue(full.contains("<td>AP</td><td>30.89</td><td>17.81</td>"), "COCO AP unchanged");
        assertTrue(full.contains("Accuracy (COCO and BEV centre distance, ONNX Runtime)"));
        assertTrue(full.contains("maps of 0.25 m per pixel"), "the cell size");
        assertTrue(full.contains("<td>car&lt;script&gt;"), "class names escaped");
        assertFalse(full.contains("<script"));
        assertTrue(full.contains("<td>pedestrian</td><td>81.90</td><td>42.40</td><td>-39.50</td>"), "per class");
        assertTrue(full.contains("<td>all classes within 0.5 m</td><td>61.00</td><td>40.00</td>"), "per distance");
        assertTrue(full.contains("<td>mATE, translation (m)</td><td>0.200</td><td>0.250</td><td>0.050</td>"), "errors");
        assertTrue(full.contains("<td>mAOE, orientation (rad)</td><td>0.500</td><td>0.625</td><td>0.125</td>"));
        assertTrue(full.contains("true-positive errors"));

        String bare = HtmlWriter.write(withBev(new ReportModel.Bev(0.7993, 0.7742)));
        assertTrue(bare.contains("<td>" + HtmlWriter.BEV_LABEL + "</td><td>79.93</td><td>77.42</td>"));
        assertFalse(bare.contains("class=\"bev\""), "no breakdown table without a breakdown");
        assertFalse(bare.contains("m per pixel"), "no cell size when not known");
        assertFalse(bare.contains("true-positive errors"), "no error table without errors");
    }

    @Test
    void thePairedBootstrapAppearsNextToTheChange() {
        String plain = HtmlWriter.write(model(Map.of()));
        assertFalse(plain.contains("bootstrap"), "no interval without a bootstrap");
        var ap = new ImageBootstrap.Difference(-0.1308, -0.1612, -0.0987, 0.0158, 1.0);
        var ap50 = new ImageBootstrap.Difference(-0.249, -0.31, -0.19, 0.03, 1.0);
        var bevMap = new ImageBootstrap.Difference(-0.0251, -0.0402, -0.0113, 0.0072, 1.0);
        ReportModel m = withBev(new ReportModel.Bev(0.7993, 0.7742));
        ReportModel.Summary s = m.summary();
        ReportModel.Accuracy a = s.accuracy();
        var acc = new ReportModel.Accuracy(a.floatAp(), a.quantAp(), a.floatAp50(), a.quantAp50(), a.images(),
                a.bev(), new ReportModel.Bootstrap(1000, 7, "the run's --seed", ap, ap50, bevMap));
        String html = HtmlWriter.write(new ReportModel(new ReportModel.Summary(s.run(), s.sizes(), s.speed(), acc),
                m.details()));
        assertTrue(html.contains("<td>AP</td><td>30.89</td><td>17.81</td><td>-13.08</td><td>[-16.12, -9.87], sd "
                + "1.58</td>"), "the interval next to the change");
        assertTrue(html.contains("<td>AP50</td><td>53.81</td><td>28.91</td><td>-24.90</td><td>[-31.00, -19.00], sd "
                + "3.00</td>"));
        assertTrue(html.contains("<td>" + HtmlWriter.BEV_LABEL + "</td><td>79.93</td><td>77.42</td><td>-2.51</td>"
                + "<td>[-4.02, -1.13], sd 0.72</td>"));
        assertTrue(html.contains("Paired bootstrap, quantized minus float (1000 resamples of the 8 images, seed 7: "
                + "the run&#39;s --seed): AP -13.08, 95% interval [-16.12, -9.87], sd 1.58; BEV mAP -2.51, 95% "
                + "interval [-4.02, -1.13], sd 0.72."), "the bootstrap line");
        assertTrue(html.contains("choice of evaluation images only, not the quantization seed"), "what it covers");
    }

    /** {@link #model} with a BEV mAP in its accuracy. */
    private static ReportModel withBev(ReportModel.Bev bev) {
        ReportModel m = model(Map.of());
        ReportModel.Summary s = m.summary();
        ReportModel.Accuracy a = s.accuracy();
        var acc = new ReportModel.Accuracy(a.floatAp(), a.quantAp(), a.floatAp50(), a.quantAp50(), a.images(), bev);
        return new ReportModel(new ReportModel.Summary(s.run(), s.sizes(), s.speed(), acc), m.details());
    }

    @Test
    void writesAtomicallyWithNothingLeftBeside() throws Exception {
        Path file = tmp.resolve("sub/r.html");
        long n = HtmlReport.write(file, model(Map.of()));
        assertEquals(n, Files.size(file));
        assertTrue(Files.readString(file, StandardCharsets.UTF_8).startsWith("<!DOCTYPE html>"));
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertEquals(List.of(file), s.toList(), "no temporary file left");
        }
    }

    @Test
    void histogramsKeepTheirCounts() {
        ReportModel.ValueHistogram h = new ReportModel.ValueHistogram("t", -1, 0.5, new long[] {1, 0, 3}, -1, 0.5, 20);
        long[] c = h.counts();
        c[0] = 99;
        assertArrayEquals(new long[] {1, 0, 3}, h.counts(), "defensive copies");
    }

    private static String table(String html) {
        return html.substring(html.indexOf("id=\"layers\""), html.indexOf("id=\"plots\""));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** A report of three tensors named with markup, a bimodal mixture fit and two overlay thumbnails. */
    static ReportModel model(Map<String, Double> sensitivity) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("method", "inlierq");
        settings.put("placement", "inputs");
        settings.put("seed", "0");
        var run = new ReportModel.Run("/m/" + EVIL + ".onnx", "/o/q.onnx", "yolox", settings, 4, 12.5,
                Map.of("output", 30.0));
        var speed = new ReportModel.Speed(10, 20, 2, 5, "104 QLinearConv; float layers: 3 Conv",
                List.of("slower " + EVIL));
        var acc = new ReportModel.Accuracy(0.3089, 0.1781, 0.5381, 0.2891, 8);
        var summary = new ReportModel.Summary(run, new ReportModel.FileSizes(3_660_092, 1_197_324), speed, acc);
        List<ReportModel.TensorRow> rows = List.of(
                new ReportModel.TensorRow(null, "images", "activation", 8, 0, 255, 1, 0, Double.POSITIVE_INFINITY),
                new ReportModel.TensorRow("conv_a", "w" + EVIL, "weight", 4, -0.5, 0.5, 16, 0.001, 21.5),
                new ReportModel.TensorRow("conv_b", "act", "activation", 8, -1, 6, 1, 0.0002, 30.25));
        List<ReportModel.ValueHistogram> hist = List.of(
                new ReportModel.ValueHistogram(EVIL, -2, 0.25, new long[] {1, 5, 20, 50, 20, 0, 2}, -1.5, 0.5, 12),
                new ReportModel.ValueHistogram("act", 0, 1, new long[] {100, 10, 1}, 0, 2.5, 30));
        List<ReportModel.UnitCurve> curves = List.of(new ReportModel.UnitCurve("block " + EVIL,
                new double[] {1, 0.5, 0.25}, false), new ReportModel.UnitCurve("b2", new double[] {2, 1.9}, true));
        var mix = new ReportModel.Mixture("act" + EVIL, bimodalFit(), 0.6);
        BufferedImage img = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 3, 0xff0000);
        byte[] png = ReportModels.png(img);
        var overlays = List.of(new ReportModel.OverlayImage("act", "a" + EVIL + ".jpg", png),
                new ReportModel.OverlayImage("act", "b.jpg", png));
        return new ReportModel(summary, new ReportModel.Details(rows, sensitivity, hist, curves, List.of(mix),
                overlays));
    }

    /** A real fit on saliency-like scores: 40% around exp(-6), 60% around exp(-2). */
    private static InlierMixture.Fit bimodalFit() {
        Random r = new Random(3);
        float[] s = new float[2000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.exp(i < 800 ? -6 + r.nextGaussian() : -2 + 0.7 * r.nextGaussian());
        }
        InlierMixture.Fit f = InlierMixture.fit(s, InlierMixture.Options.defaults());
        assertFalse(f.fellBack(), "the test data splits");
        return f;
    }
}
