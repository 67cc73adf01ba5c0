package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.cli.CliErrorsTest.Run;
import dev.inlierq.error.ExitCode;
import dev.inlierq.htmlreport.HtmlWriter;
import dev.inlierq.testing.Chromium;
import dev.inlierq.testing.Shared;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quantize --report} end to end on real models: the report of a quick YOLOX-Nano run (minmax, 4
 * calibration images, AP on 4 annotated images) is under 5 MB, references nothing outside itself, and renders in
 * headless Chromium to a page that is not blank with every section in its DOM; InlierQ's run on FastestDet adds
 * its loss curves, mixture fits and posterior overlays (drawn in memory, no --saliency-dir); a report path that
 * is the model or the output file is refused before any work.
 */
class HtmlReportCliTest {
    private static final long MAX_BYTES = 5L << 20;

    @TempDir
    Path tmp;

    @Test
    void yoloxReportIsSmallSelfContainedAndRendersInChromium() throws Exception {
        Shared.require();
        Chromium chromium = Chromium.require(Files.createDirectories(tmp.resolve("browser")));
        Path out = tmp.resolve("q.onnx");
        Path report = tmp.resolve("report.html");
        Run r = CliErrorsTest.run("quantize", "--model", Shared.model("yolox").toString(), "--spec", "yolox",
                "--calib", Shared.trainImages().toString(), "--method", "minmax", "--num-calib", "4",
                "--check-images", "1", "--stats-images", "2", "--seed", "3", "--out", out.toString(), "--report",
                report.toString(),
                "--report-annotations", Shared.valAnnotations().toString(), "--report-images",
                Shared.valImages().toString(), "--report-limit", "4", "--report-runs", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote report " + report), r.out());
        long size = Files.size(report);
        assertTrue(size < MAX_BYTES, "report of " + size + " bytes");
        String html = Files.readString(report, StandardCharsets.UTF_8);
        assertFalse(html.contains("http://") || html.contains("https://"), "no external reference");
        assertTrue(html.contains("Latency (ONNX Runtime, batch 1, 2 threads, median of 3 runs)"), "latency measured");
        assertTrue(html.contains("<td>AP</td>"), "AP measured");
        assertTrue(html.contains("Paired bootstrap, quantized minus float (1000 resamples of the 4 images, seed 3: the "
                + "run&#39;s --seed): AP "), "the bootstrap line with the run's seed");
        assertTrue(html.contains("<td>minmax</td>"), "settings");

        BufferedImage shot = chromium.screenshot(report, 1200, 2000);
        assertEquals(1200, shot.getWidth());
        double variance = Chromium.luminanceVariance(shot);
        assertTrue(variance > 100, "a rendered page, not a blank one: luminance variance " + variance);
        String dom = chromium.dumpDom(report);
        for (String id : HtmlWriter.SECTIONS) {
            assertTrue(dom.contains("id=\"" + id + "\""), "section " + id + " in the rendered DOM");
        }
        assertTrue(dom.contains("<img src=\"data:image/png;base64,"), "charts inline");
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(3, files.count(), "q.onnx, report.html and the browser's folder only");
        }
    }

    @Test
    void inlierqReportDrawsLossCurvesMixturesAndOverlays() throws Exception {
        Shared.require();
        Path out = tmp.resolve("q.onnx");
        Path report = tmp.resolve("r.html");
        Run r = CliErrorsTest.run("quantize", "--model", Shared.model("fastestdet").toString(), "--spec",
                "fastestdet", "--calib", Shared.trainImages().toString(), "--method", "inlierq", "--w-bits", "4",
                "--num-calib", "4", "--recon-batch", "2", "--iters", "2", "--check-images", "1", "--stats-images", "1",
                "--out", out.toString(), "--report", report.toString(), "--report-runs", "2");
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(html.contains("alt=\"Reconstruction loss per unit\""), "loss curves");
        assertTrue(html.contains("alt=\"Mixture fit of "), "mixture fits");
        int figures = html.split("<figure>", -1).length - 1;
        assertTrue(figures >= 2 && figures <= 6, figures + " overlays: up to 3 tensors on 2 images");
        assertTrue(html.contains("--placement inputs"), "the latency explanation names the placement");
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(2, files.count(), "no overlay folder, no temporary file");
        }
    }

    @Test
    void aReportPathThatIsTheModelOrTheOutputIsRefusedBeforeAnyWork() throws Exception {
        Path model = Shared.model("fastestdet");
        Path out = tmp.resolve("q.onnx");
        String[] base = {"quantize", "--model", model.toString(), "--spec", "fastestdet", "--calib",
            Shared.trainImages().toString(), "--out", out.toString()};
        Run same = CliErrorsTest.run(concat(base, "--report", out.toString()));
        CliErrorsTest.assertOnlyLine(same, ExitCode.OUTPUT_CONFLICT, "--report " + out, "same file as --out");
        Run overModel = CliErrorsTest.run(concat(base, "--report", model.toString()));
        CliErrorsTest.assertOnlyLine(overModel, ExitCode.OUTPUT_CONFLICT, "same file as --model");
        Run half = CliErrorsTest.run(concat(base, "--report", tmp.resolve("r.html").toString(),
                "--report-annotations", Shared.valAnnotations().toString()));
        CliErrorsTest.assertOnlyLine(half, ExitCode.USAGE, "--report-annotations and --report-images go together");
        Run noReport = CliErrorsTest.run(concat(base, "--report-images", Shared.valImages().toString()));
        CliErrorsTest.assertOnlyLine(noReport, ExitCode.USAGE, "need --report");
        assertFalse(Files.exists(out), "no work was done");
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
