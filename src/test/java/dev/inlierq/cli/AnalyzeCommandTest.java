package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.error.ExitCode;
import dev.inlierq.testing.NoBoxSpec;
import dev.inlierq.testing.OutlierChain;
import dev.inlierq.testing.Shared;
import dev.inlierq.testing.TinyDetectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inlierq analyze}: on FastestDet with a labelled subset, the table, the rank correlation line and the JSON
 * rows; {@code --weight-rounding gptq} on a tiny model; bad input is one line and a distinct exit code, before any
 * work.
 */
class AnalyzeCommandTest {
    @TempDir
    Path tmp;

    private static String[] args(Path model, String spec, Path calib, String... more) {
        String[] base = {"analyze", "--model", model.toString(), "--spec", spec, "--calib", calib.toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void fastestDetWithAnnotationsPrintsTheTableAndTheRankCorrelation() throws Exception {
        Path json = tmp.resolve("sens.json");
        CliErrorsTest.Run r = CliErrorsTest.run(args(Shared.model("fastestdet"), "fastestdet", Shared.trainImages(),
                "--num-calib", "2", "--score-images", "1", "--batch", "2", "--layers", "3", "--annotations",
                Shared.valAnnotations().toString(), "--images", Shared.valImages().toString(), "--num-images", "2",
                "--json", json.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("layer "), r.out());
        assertTrue(r.out().contains("w dAP"), r.out());
        assertTrue(r.out().contains("Spearman (loss change vs AP change, weights):"), r.out());
        assertTrue(r.out().contains("over 3 layers"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(3, j.get("layers").size());
        assertEquals(2, j.get("labelled").get("images").asInt());
        assertEquals(3, j.get("labelled").get("spearman_loss_vs_ap").get("activations").get("layers").asInt());
        for (JsonNode row : j.get("layers")) {
            assertTrue(row.get("weights").get("ap_change").isNumber(), row.toString());
            assertTrue(row.get("weights").get("loss_change").isNumber(), row.toString());
            assertTrue(row.get("weight_bytes").asLong() > 0, row.toString());
        }
        assertEquals(List.of("sens.json"), Files.list(tmp).map(p -> p.getFileName().toString()).toList(),
                "no file besides the JSON");
    }

    @Test
    void badInputIsOneLineWithItsExitCode() throws Exception {
        Path model = TinyDetectors.perLevel(tmp, List.of(8, 16), 80, 3, true);
        Path calib = tmp.resolve("calib");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, "fastestdet", calib, "--annotations", "a.json")),
                ExitCode.USAGE, "--annotations and --images go together");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, "fastestdet", calib, "--variants", "bias")),
                ExitCode.USAGE, "--variants", "bias");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, "fastestdet", calib, "--layers", "-1")),
                ExitCode.USAGE, "--layers");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, "fastestdet", calib, "--w-bits", "9")),
                ExitCode.USAGE, "--w-bits 9");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, "fastestdet", calib, "--placement", "some")),
                ExitCode.USAGE, "placement 'some'");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(tmp.resolve("none.onnx"), "fastestdet", calib)),
                ExitCode.MISSING_INPUT, "none.onnx");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, "fastestdet", calib, "--annotations",
                tmp.resolve("a.json").toString(), "--images", tmp.toString())), ExitCode.MISSING_INPUT, "a.json");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, "fastestdet", calib, "--json", model.toString())),
                ExitCode.OUTPUT_CONFLICT, "refusing to overwrite");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, "fastestdet", calib)), ExitCode.BAD_SPEC);
        assertFalse(Files.exists(calib));
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, "fastestdet", calib, "--weight-rounding", "best")),
                ExitCode.USAGE, "unknown weight rounding 'best' (expected nearest or gptq)");
        Path anchors = NoBoxSpec.file(tmp); // a head family without box values per heatmap location
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, anchors.toString(), calib, "--measure", "boxes")),
                ExitCode.USAGE, "--measure boxes needs a head with box values");
    }

    @Test
    void weightRoundingGptqScoresWithGptqsCodesAndSaysSo() throws Exception {
        Path model = OutlierChain.model(tmp);
        Path spec = OutlierChain.specFile(tmp);
        Path images = OutlierChain.images(tmp, 4);
        Map<String, JsonNode> json = new LinkedHashMap<>();
        for (String rounding : List.of("nearest", "gptq")) {
            Path out = tmp.resolve(rounding + ".json");
            CliErrorsTest.Run r = CliErrorsTest.run(args(model, spec.toString(), images, "--num-calib", "4",
                    "--score-images", "2", "--batch", "2", "--variants", "weights", "--weight-rounding", rounding,
                    "--no-equalize", "--json", out.toString()));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("weights rounded " + rounding), r.out());
            json.put(rounding, new ObjectMapper().readTree(out.toFile()));
            assertEquals(rounding, json.get(rounding).get("weight_rounding").asText());
        }
        Map<String, Double> nearest = weightLoss(json.get("nearest"));
        Map<String, Double> gptq = weightLoss(json.get("gptq"));
        assertEquals(nearest.keySet(), gptq.keySet());
        assertTrue(nearest.keySet().stream().anyMatch(l -> !nearest.get(l).equals(gptq.get(l))),
                "GPTQ's codes differ from nearest rounding: " + nearest + " " + gptq);
    }

    /** {@code --weight-scoring marginal} says so and scores from the quantized model (other numbers than alone). */
    @Test
    void weightScoringMarginalSaysSo() throws Exception {
        Path model = OutlierChain.model(tmp);
        Path spec = OutlierChain.specFile(tmp);
        Path images = OutlierChain.images(tmp, 4);
        Map<String, Map<String, Double>> loss = new LinkedHashMap<>();
        for (String scoring : List.of("alone", "marginal")) {
            Path out = tmp.resolve(scoring + ".json");
            CliErrorsTest.Run r = CliErrorsTest.run(args(model, spec.toString(), images, "--num-calib", "4",
                    "--score-images", "2", "--batch", "2", "--variants", "weights", "--weight-scoring", scoring,
                    "--no-equalize", "--json", out.toString()));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("weights rounded nearest, scored " + scoring), r.out());
            JsonNode j = new ObjectMapper().readTree(out.toFile());
            assertEquals(scoring, j.get("weight_scoring").asText());
            loss.put(scoring, weightLoss(j));
        }
        assertEquals(loss.get("alone").keySet(), loss.get("marginal").keySet());
        assertTrue(loss.get("alone").keySet().stream().noneMatch(l -> loss.get("alone").get(l).equals(
                loss.get("marginal").get(l))), loss.toString());
    }

    private static Map<String, Double> weightLoss(JsonNode j) {
        Map<String, Double> m = new LinkedHashMap<>();
        j.get("layers").forEach(row -> m.put(row.get("layer").asText(), row.get("weights").get("loss_change")
                .asDouble()));
        return m;
    }
}
