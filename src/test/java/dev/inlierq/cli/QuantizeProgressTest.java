package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.testing.TinyDetectors;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantize's progress off a terminal: one plain line per phase and per reconstruction unit (every few units when
 * there are many) with an ETA, no progress-bar control characters; and in a real run, the phases in order.
 */
class QuantizeProgressTest {
    @TempDir
    Path tmp;

    @Test
    void plainLinesPerPhaseAndUnitWithEta() {
        StringWriter s = new StringWriter();
        long[] now = {0};
        try (QuantizeProgress p = new QuantizeProgress(8, 10, new PrintWriter(s), () -> now[0])) {
            p.phase("calibrating");
            p.calibrated(8);
            p.phase("reconstructing");
            for (int unit = 0; unit < 3; unit++) {
                for (int it = 1; it <= 10; it++) {
                    p.update(unit, 3, it);
                }
                now[0] += 30_000_000_000L; // 30 s per unit
            }
            p.phase("writing");
        }
        List<String> lines = s.toString().lines().toList();
        assertEquals(List.of("[    0.0 s] calibrating", "[    0.0 s] reconstructing", "[    0.0 s] reconstructing unit 1/3",
                "[   30.0 s] reconstructing unit 2/3, ETA 1m 00s", "[   60.0 s] reconstructing unit 3/3, ETA 30s",
                "[   90.0 s] writing"), lines);
    }

    @Test
    void manyUnitsGetALineEveryFewUnitsAndTheLast() {
        StringWriter s = new StringWriter();
        try (QuantizeProgress p = new QuantizeProgress(1, 1, new PrintWriter(s), () -> 0L)) {
            for (int unit = 0; unit < 100; unit++) {
                p.update(unit, 100, 1);
            }
        }
        List<String> lines = s.toString().lines().toList();
        assertEquals(26, lines.size(), s.toString());
        assertTrue(lines.get(1).contains("unit 5/100"), lines.get(1));
        assertTrue(lines.get(25).contains("unit 100/100"), lines.get(25));
    }

    @Test
    void aRealRunOffATerminalPrintsThePhasesInOrder() throws Exception {
        Path model = TinyDetectors.perLevel(tmp, List.of(8, 16), 80, 3, true);
        Path images = Files.createDirectories(tmp.resolve("images"));
        Random r = new Random(9);
        for (int i = 0; i < 4; i++) {
            BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    img.setRGB(x, y, r.nextInt(1 << 24));
                }
            }
            ImageIO.write(img, "png", images.resolve("img" + i + ".png").toFile());
        }
        Path spec = tmp.resolve("tiny.yaml");
        Files.writeString(spec, "input: {name: images, width: 64, height: 64, channelOrder: RGB, resize: STRETCH,"
                + " scale: 1/255}\npostprocess: {scoreThreshold: 0.05}\nhead: {family: gfl, strides: [8, 16],"
                + " regMax: 3, cls: [cls8, cls16], clsLayout: CHANNELS_LAST, reg: [reg8, reg16]}\n");
        Path log = tmp.resolve("log.txt");
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        int code = Subprocess.run(scratch, log, "quantize", "--model", model.toString(), "--spec", spec.toString(),
                "--calib", images.toString(), "--num-calib", "4", "--method", "adaround", "--iters", "2",
                "--recon-batch", "2", "--batch", "2", "--equalize", "--check-images", "1", "--stats-images", "1",
                "--out", tmp.resolve("q.onnx").toString());
        String out = Subprocess.output(log);
        assertEquals(0, code, out);
        assertFalse(out.contains("\r") || out.contains("\u001b"), "no progress-bar control characters: " + out);
        List<String> phases = new ArrayList<>();
        for (String line : out.lines().toList()) {
            if (line.matches("\\[ *[0-9.]+ s\\] .*")) {
                phases.add(line.substring(line.indexOf("] ") + 2).replaceAll(" [0-9]+/.*", ""));
            }
        }
        List<String> expected = List.of("equalising", "calibrating", "reconstructing", "reconstructing unit",
                "writing", "checking with ONNX Runtime", "measuring clipping and SQNR");
        assertEquals(expected, phases.stream().distinct().toList(), out);
        assertTrue(out.contains("reconstructing unit 1/4") && out.contains("reconstructing unit 4/4, ETA"), out);
    }
}
