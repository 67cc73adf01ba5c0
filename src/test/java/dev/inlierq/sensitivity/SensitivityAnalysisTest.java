package dev.inlierq.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.testing.OutlierChain;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analysis on a tiny model built in test code ({@link OutlierChain}): the layer whose weights carry outliers
 * ranks above its twin with plain Gaussian weights, the plan's first/last 8-bit rule shows in the rows, and the
 * same seed gives the same numbers.
 */
class SensitivityAnalysisTest {
    @TempDir
    static Path tmp;
    static QuantizationConfig config;
    static SensitivityReport report;

    @BeforeAll
    static void analyse() throws Exception {
        Path model = OutlierChain.model(tmp);
        Path spec = OutlierChain.specFile(tmp);
        config = QuantizationConfig.builder(model, DetectorSpecs.load(spec), OutlierChain.images(tmp, 6))
                .weightBits(4).activationBits(8).equalize(false).calibImages(6).batch(3).build();
        report = SensitivityAnalysis.run(config, SensitivityOptions.builder().scoreImages(4).build(),
                new SensitivityAnalysis.Listener() { });
    }

    private static Map<String, LayerSensitivity> byLayer(SensitivityReport r) {
        return r.layers().stream().collect(Collectors.toMap(LayerSensitivity::layer, Function.identity()));
    }

    @Test
    void outlierWeightsRankAboveTheirPlainTwin() {
        Map<String, LayerSensitivity> rows = byLayer(report);
        LayerSensitivity.Score plain = rows.get("mid_plain").weight().score();
        LayerSensitivity.Score outliers = rows.get("mid_outliers").weight().score();
        assertTrue(outliers.lossChange() > 2 * plain.lossChange(), "loss change: outliers " + outliers.lossChange()
                + " vs plain " + plain.lossChange());
        assertTrue(outliers.sqnrDb() < plain.sqnrDb() - 3, "SQNR: outliers " + outliers.sqnrDb() + " dB vs plain "
                + plain.sqnrDb() + " dB");
        List<String> order = report.layers().stream().map(LayerSensitivity::layer).toList();
        assertTrue(order.indexOf("mid_outliers") < order.indexOf("mid_plain"), "worst first: " + order);
    }

    @Test
    void everyPlannedLayerHasARowWithThePlansBits() {
        Map<String, LayerSensitivity> rows = byLayer(report);
        assertEquals(List.of("first", "last", "mid_outliers", "mid_plain"), rows.keySet().stream().sorted().toList());
        assertEquals(8, rows.get("first").weight().bits(), "first layer at 8 bit");
        assertEquals(8, rows.get("last").weight().bits(), "last layer at 8 bit");
        assertEquals(4, rows.get("mid_plain").weight().bits());
        assertEquals(16 * 16 * 9, rows.get("mid_plain").weight().parameters());
        assertEquals(16 * 16 * 9 / 2, rows.get("mid_plain").weight().bytes());
        assertEquals("Conv", rows.get("mid_plain").op());
        for (LayerSensitivity l : report.layers()) {
            for (Variant v : Variant.values()) {
                LayerSensitivity.Score s = l.score(v);
                assertNotNull(s, l.layer() + " " + v);
                assertTrue(Double.isFinite(s.lossChange()) && s.lossChange() >= 0, l + "");
                assertTrue(s.sqnrDb() > 0, l + "");
                assertNull(s.apChange(), "no AP without annotations");
            }
        }
        assertEquals("images", rows.get("first").input().tensor(), "the first layer's input is the graph input");
        assertEquals(4, report.scoreImages());
        assertEquals(6, report.calibrationImages());
        assertNull(report.accuracy());
    }

    @Test
    void sameSettingsSameNumbersAndLayerSelection() {
        SensitivityReport again = SensitivityAnalysis.run(config, SensitivityOptions.builder().scoreImages(4)
                .maxLayers(2).variants(EnumSet.of(Variant.WEIGHTS)).build(), new SensitivityAnalysis.Listener() { });
        Map<String, LayerSensitivity> rows = byLayer(again);
        // the two 3x3 layers hold the most weights
        assertEquals(List.of("mid_outliers", "mid_plain"), rows.keySet().stream().sorted().toList());
        Map<String, LayerSensitivity> first = byLayer(report);
        for (String l : rows.keySet()) {
            assertEquals(first.get(l).weight().score(), rows.get(l).weight().score(), l);
            assertNull(rows.get(l).input().score(), "activations not measured");
        }
    }
}
