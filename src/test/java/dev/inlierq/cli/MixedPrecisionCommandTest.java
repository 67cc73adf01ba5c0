package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.error.ExitCode;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.testing.OutlierChain;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quantize --mixed-precision}: on a tiny model whose two 4-bit candidates have the same size, a budget of half
 * their weights promotes the one with outlier weights; the file's {@code inlierq.layer_bits}, the printed line and
 * the JSON say so. Bad values are one line.
 */
class MixedPrecisionCommandTest {
    @TempDir
    Path tmp;

    private String[] args(Path model, Path spec, Path images, String... more) {
        String[] base = {"quantize", "--model", model.toString(), "--spec", spec.toString(), "--calib",
            images.toString(), "--num-calib", "4", "--batch", "2", "--method", "minmax",
            "--check-images", "1", "--stats-images", "1", "--out", tmp.resolve("q.onnx").toString()};
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void halfTheBudgetPromotesTheOutlierLayer() throws Exception {
        Path model = OutlierChain.model(tmp);
        Path spec = OutlierChain.specFile(tmp);
        Path images = OutlierChain.images(tmp, 4);
        Path json = tmp.resolve("q.json");
        CliErrorsTest.Run r = CliErrorsTest.run(args(model, spec, images, "--w-bits", "4", "--mixed-precision", "0.5",
                "--json", json.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*mixed precision: 1 of 2 weights at 8 bit \\(50\\.0% of 4608 parameters, "
                + "66\\.7% of their stored bytes; budget 50\\.0% of the parameters; scored alone by boxes with nearest "
                + "rounding in [0-9.]+ s\\): mid_outliers.*"), r.out());
        Map<String, String> bits = Arrays.stream(OnnxReader.read(tmp.resolve("q.onnx")).metadata()
                .get("inlierq.layer_bits").split(",")).map(e -> e.split(":"))
                .collect(Collectors.toMap(e -> e[0], e -> e[1]));
        assertEquals(Map.of("first", "w8a8", "mid_plain", "w4a8", "mid_outliers", "w8a8", "last", "w8a8"), bits);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        JsonNode mp = root.get("mixed_precision");
        assertTrue(root.get("seconds").asDouble() > mp.get("scoring_seconds").asDouble(),
                "seconds counts the whole job, the mixed-precision scoring included");
        assertEquals(4608, mp.get("candidate_parameters").asLong());
        assertEquals("nearest", mp.get("rounding").asText(), "--method minmax rounds to nearest");
        assertEquals("alone", mp.get("scoring").asText(), "the default scoring");
        assertTrue(mp.get("scoring_seconds").asDouble() > 0);
        assertTrue(mp.get("promoted_parameters").asLong() <= 0.5 * 4608);
        assertEquals(2304 * 8.0 / (2304 * 8 + 2304 * 4), mp.get("promoted_byte_share").asDouble(), 1e-12,
                "half the parameters at 8 bit, the other half at 4: two thirds of the stored bits");
        assertEquals(8, mp.get("layer_bits").get("mid_outliers").asInt());
        assertEquals(4, mp.get("layer_bits").get("mid_plain").asInt());
        assertEquals("parameters", mp.get("budget_unit").asText(), "the default budget counts parameters");

        CliErrorsTest.Run bytes = CliErrorsTest.run(args(model, spec, images, "--w-bits", "4", "--mixed-precision",
                "0.5", "--mixed-budget", "bytes"));
        assertEquals(0, bytes.code(), bytes.err());
        assertTrue(bytes.out().contains("mixed precision: 0 of 2 weights at 8 bit"), "either layer at 8 bit stores "
                + "two thirds of the bytes, over half: " + bytes.out());
        CliErrorsTest.Run bytes70 = CliErrorsTest.run(args(model, spec, images, "--w-bits", "4", "--mixed-precision",
                "0.7", "--mixed-budget", "Bytes"));
        assertEquals(0, bytes70.code(), bytes70.err());
        assertTrue(bytes70.out().contains("budget 70.0% of the bytes"), bytes70.out());
        assertTrue(OnnxReader.read(tmp.resolve("q.onnx")).metadata().get("inlierq.layer_bits")
                .contains("mid_outliers:w8a8"), "two thirds of the bytes fit in 70%");

        CliErrorsTest.Run none = CliErrorsTest.run(args(model, spec, images, "--w-bits", "4", "--mixed-precision",
                "0.2", "--mixed-measure", "heatmap"));
        assertEquals(0, none.code(), none.err());
        assertTrue(none.out().contains("scored alone by heatmap"), "the measure asked for: " + none.out());
        assertTrue(none.out().contains("mixed precision: 0 of 2 weights at 8 bit"), "budget below either layer: "
                + none.out());
        assertTrue(OnnxReader.read(tmp.resolve("q.onnx")).metadata().get("inlierq.layer_bits")
                .contains("mid_outliers:w4a8"));
    }

    @Test
    void aGptqMethodScoresWithGptqRoundingAndMarginalScoringIsChosen() throws Exception {
        Path model = OutlierChain.model(tmp);
        Path spec = OutlierChain.specFile(tmp);
        Path images = OutlierChain.images(tmp, 4);
        Path json = tmp.resolve("q.json");
        String[] a = args(model, spec, images, "--w-bits", "4", "--mixed-precision", "0.5", "--mixed-scoring",
                "Marginal", "--json", json.toString());
        a[Arrays.asList(a).indexOf("minmax")] = "gptq";
        CliErrorsTest.Run r = CliErrorsTest.run(a);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("scored marginal by boxes with gptq rounding"), r.out());
        JsonNode mp = new ObjectMapper().readTree(json.toFile()).get("mixed_precision");
        assertEquals("gptq", mp.get("rounding").asText());
        assertEquals("boxes", mp.get("measure").asText(), "the default for a head with box values (yolox)");
        assertEquals("marginal", mp.get("scoring").asText());
        assertEquals(1, mp.get("rounds").asInt());
        assertEquals(4, mp.get("score_images").asInt(), "16 by default, 4 calibration images");
        assertEquals(2, mp.get("choices").size());
    }

    @Test
    void badValuesAreOneLine() throws Exception {
        Path model = OutlierChain.model(tmp);
        Path spec = OutlierChain.specFile(tmp);
        Path images = tmp.resolve("none");
        for (List<String> more : List.of(List.of("--w-bits", "4", "--mixed-precision", "1.5"),
                List.of("--w-bits", "4", "--mixed-precision", "-1"), List.of("--mixed-precision", "0.5"),
                List.of("--w-bits", "4", "--mixed-scoring", "marginal"), List.of("--w-bits", "4", "--mixed-rounds", "2"),
                List.of("--w-bits", "4", "--mixed-budget", "bytes"),
                List.of("--w-bits", "4", "--mixed-measure", "detections"),
                List.of("--w-bits", "4", "--mixed-precision", "0.5", "--mixed-rounds", "2"),
                List.of("--w-bits", "4", "--mixed-precision", "0.5", "--mixed-scoring", "marginal", "--mixed-rounds",
                        "0"), List.of("--w-bits", "4", "--mixed-precision", "0.5", "--mixed-images", "0"))) {
            CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, spec, images, more.toArray(String[]::new))),
                    ExitCode.USAGE, "--mixed-");
        }
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, spec, images, "--w-bits", "4", "--mixed-precision",
                "0.5", "--mixed-scoring", "loo")), ExitCode.USAGE, "expected alone or marginal");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, spec, images, "--w-bits", "4", "--mixed-precision",
                "0.5", "--mixed-budget", "kilobytes")), ExitCode.USAGE, "expected parameters or bytes");
        CliErrorsTest.assertOnlyLine(CliErrorsTest.run(args(model, spec, images, "--w-bits", "4", "--mixed-precision",
                "0.5", "--mixed-measure", "iou")), ExitCode.USAGE, "expected heatmap, boxes or detections");
    }
}
