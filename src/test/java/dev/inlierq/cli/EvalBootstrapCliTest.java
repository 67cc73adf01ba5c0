package dev.inlierq.cli;

import static dev.inlierq.cli.CliErrorsTest.assertOnlyLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.api.Evaluation;
import dev.inlierq.cli.CliErrorsTest.Run;
import dev.inlierq.error.ExitCode;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.eval.CocoResults;
import dev.inlierq.eval.ImageBootstrap;
import dev.inlierq.testing.Shared;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval --bootstrap N [--bootstrap-seed S] [--baseline B]}: the printed lines and JSON keys on the shared
 * YOLOX-Nano (its first 24 val2017 images; the baseline is the same file, so the difference is exactly 0), the
 * numbers those of the library; one line and exit 2 for a bad count or a baseline without resamples.
 */
class EvalBootstrapCliTest {
    private static final int IMAGES = 24;

    @TempDir
    Path tmp;

    private static List<String> eval(Path model, String... more) {
        List<String> args = new ArrayList<>(List.of("eval", "--model", model.toString(), "--spec", "yolox",
                "--images", Shared.valImages().toString(), "--annotations", Shared.valAnnotations().toString(),
                "--limit", String.valueOf(IMAGES)));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void bootstrapWithBaselineWritesTheJsonKeys() throws Exception {
        Path model = Shared.model("yolox");
        Path json = tmp.resolve("m.json");
        Path dets = tmp.resolve("dets.json");
        Run r = CliErrorsTest.run(eval(model, "--bootstrap", "300", "--bootstrap-seed", "3", "--baseline",
                model.toString(), "--json", json.toString(), "--detections", dets.toString()).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        int at = lines.indexOf(lines.stream().filter(l -> l.startsWith("bootstrap (300 image resamples, seed 3): AP "
                + "95% interval [")).findFirst().orElseThrow(() -> new AssertionError(r.out())));
        assertTrue(lines.get(at + 1).startsWith("  AP50 95% interval ["), r.out());
        assertTrue(lines.get(at + 2).startsWith("  AP75 95% interval ["), r.out());
        assertTrue(lines.get(at + 3).startsWith("versus baseline yolox_nano.onnx (AP "), r.out());
        assertTrue(lines.get(at + 3).contains("): AP +0.0000, 95% interval [0.0000, 0.0000], sd 0.0000, below zero "
                + "in 0.0% of samples"), r.out());
        assertTrue(lines.get(at + 4).startsWith("  AP50 +0.0000, 95% interval [0.0000, 0.0000]"), r.out());
        assertTrue(lines.get(at + 5).startsWith("  AP75 +0.0000, 95% interval [0.0000, 0.0000]"), r.out());

        JsonNode m = new ObjectMapper().readTree(json.toFile());
        List<String> keys = new ArrayList<>();
        m.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl",
                "images", "seconds", "engine", "model", "spec", "bootstrap", "baseline", "difference"), keys);
        JsonNode boot = m.get("bootstrap");
        assertEquals(300, boot.get("samples").intValue());
        assertEquals(3, boot.get("seed").longValue());
        assertEquals(0.95, boot.get("level").doubleValue(), 0.0);
        JsonNode base = m.get("baseline");
        assertEquals(model.toString(), base.get("model").textValue());
        for (String k : List.of("AP", "AP50", "AP75")) {
            JsonNode iv = boot.get(k);
            assertTrue(iv.get("low").doubleValue() < iv.get("high").doubleValue() && iv.get("sd").doubleValue() > 0,
                    k + ": " + iv);
            assertEquals(m.get(k).doubleValue(), base.get(k).doubleValue(), 0.0, k);
            JsonNode d = m.get("difference").get(k);
            for (String f : List.of("value", "low", "high", "sd", "share_below_zero")) {
                assertEquals(0.0, d.get(f).doubleValue(), 0.0, k + "." + f + ": " + d);
            }
        }

        // the library on the written detections and the same images gives the same numbers
        CocoDataset gt = CocoDataset.load(Shared.valAnnotations());
        List<Long> ids = Evaluation.match(Shared.valImages(), gt, IMAGES).ids();
        ImageBootstrap lib = new ImageBootstrap(gt, ids);
        ImageBootstrap.Summary s = lib.resample(lib.match(CocoResults.read(dets)), 300, 3);
        assertEquals(s.ap().low(), boot.get("AP").get("low").doubleValue(), 0.0);
        assertEquals(s.ap50().high(), boot.get("AP50").get("high").doubleValue(), 0.0);
        assertEquals(s.ap75().sd(), boot.get("AP75").get("sd").doubleValue(), 0.0);
        assertEquals(s.point().ap(), m.get("AP").doubleValue(), 0.0);
    }

    @Test
    void withoutBootstrapNothingChanges() throws Exception {
        Path json = tmp.resolve("m.json");
        Run r = CliErrorsTest.run(eval(Shared.model("yolox"), "--json", json.toString()).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("bootstrap"), r.out());
        JsonNode m = new ObjectMapper().readTree(json.toFile());
        assertFalse(m.has("bootstrap") || m.has("baseline") || m.has("difference"), m.toString());
    }

    @Test
    void badValuesAreOneLineAndExitTwo() {
        Path model = tmp.resolve("m.onnx"); // checked after the options: need not exist
        assertOnlyLine(run(model, "--bootstrap", "-1"), ExitCode.USAGE, "--bootstrap", "-1", "100000");
        assertOnlyLine(run(model, "--bootstrap", "100001"), ExitCode.USAGE, "--bootstrap", "100001");
        assertOnlyLine(run(model, "--baseline", model.toString()), ExitCode.USAGE, "--baseline", "--bootstrap");
        assertOnlyLine(run(model, "--bootstrap", "0", "--baseline", model.toString()), ExitCode.USAGE, "--baseline");
        assertOnlyLine(run(model, "--bootstrap", "10", "--baseline", tmp.resolve("no.onnx").toString()),
                ExitCode.MISSING_INPUT, "--baseline", "no.onnx");
    }

    private Run run(Path model, String... more) {
        List<String> args = new ArrayList<>(List.of("eval", "--model", model.toString(), "--spec", "yolox",
                "--images", tmp.toString(), "--annotations", tmp.resolve("a.json").toString()));
        args.addAll(List.of(more));
        return CliErrorsTest.run(args.toArray(String[]::new));
    }
}
