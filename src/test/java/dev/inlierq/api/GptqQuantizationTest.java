package dev.inlierq.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.cli.Main;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.testing.GraphAssertions;
import dev.inlierq.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --method gptq} end to end on the real FastestDet at W4A8 with 8 calibration images: the rounded
 * convolutions report a lower output error than nearest rounding, the file runs in ONNX Runtime (the quantize
 * command checks it before writing), GPTQ is the method when none is given at 8-bit weights, and the same seed
 * writes the same bytes.
 */
class GptqQuantizationTest {
    @TempDir
    Path tmp;

    @Test
    void gptqLowersTheLayerOutputErrorAndIsReproducible() throws Exception {
        Shared.require();
        Path a = tmp.resolve("a.onnx");
        Path b = tmp.resolve("b.onnx");
        assertEquals(0, QuantizationTest.quantize(a, tmp.resolve("a.json"), "--method", "gptq", "--w-bits", "4",
                "--a-bits", "8"));
        JsonNode gptq = new ObjectMapper().readTree(tmp.resolve("a.json").toFile()).get("gptq");
        JsonNode layers = gptq.get("layers");
        assertTrue(layers.size() > 50, "FastestDet has over 50 quantized convolutions, GPTQ rounded " + layers.size());
        int better = 0;
        for (JsonNode l : layers) {
            assertTrue(l.get("samples").asLong() > 0, l.toString());
            better += l.get("output_error_gptq").asDouble() < l.get("output_error_nearest").asDouble() ? 1 : 0;
        }
        assertTrue(better >= 0.9 * layers.size(), better + " of " + layers.size() + " layers improved on nearest");
        assertTrue(gptq.get("output_error_gptq").asDouble() < 0.8 * gptq.get("output_error_nearest").asDouble(),
                gptq.get("output_error_gptq") + " vs nearest " + gptq.get("output_error_nearest"));
        assertTrue(OnnxReader.read(a).metadata().get("inlierq.method").startsWith("gptq"));
        assertEquals("searched", OnnxReader.read(a).metadata().get("inlierq.gptq_scales"), "4-bit default");
        // the calibrated MSE scales are one of the searched candidates: searching can only lower GPTQ's error
        Path m = tmp.resolve("m.onnx");
        assertEquals(0, QuantizationTest.quantize(m, tmp.resolve("m.json"), "--method", "gptq", "--w-bits", "4",
                "--a-bits", "8", "--gptq-scales", "mse"));
        JsonNode mse = new ObjectMapper().readTree(tmp.resolve("m.json").toFile()).get("gptq");
        assertTrue(gptq.get("output_error_gptq").asDouble() < 0.95 * mse.get("output_error_gptq").asDouble(),
                "searched " + gptq.get("output_error_gptq") + " vs mse scales " + mse.get("output_error_gptq"));
        assertEquals("mse", OnnxReader.read(m).metadata().get("inlierq.gptq_scales"));
        // --method gptq at 8-bit weights (layer inputs, equalisation): same seed, same bytes
        Path g8 = tmp.resolve("g8.onnx");
        Path again = tmp.resolve("g8-again.onnx");
        assertEquals(0, QuantizationTest.quantize(g8, tmp.resolve("g8.json"), "--method", "gptq"));
        assertEquals(0, QuantizationTest.quantize(again, tmp.resolve("g8-again.json"), "--method", "gptq"));
        assertArrayEquals(Files.readAllBytes(g8), Files.readAllBytes(again), "same seed, same bytes");
        assertTrue(OnnxReader.read(g8).metadata().get("inlierq.equalized_activations").matches("[1-9][0-9]*"),
                "GPTQ equalises by default");
        // no --method at 8-bit weights: InlierQ from GPTQ's start; with 8 calibration images none is held out
        assertEquals(0, Main.execute("quantize", "--model", Shared.model("fastestdet").toString(), "--spec",
                "fastestdet", "--calib", Shared.trainImages().toString(), "--num-calib", "8", "--check-images", "1",
                "--stats-images", "1", "--out", b.toString()));
        var meta = OnnxReader.read(b).metadata();
        assertTrue(meta.get("inlierq.method").startsWith("inlierq"), meta.get("inlierq.method"));
        assertTrue(meta.get("inlierq.reconstruction").contains("start=gptq holdout=4 holdout_from=16"),
                meta.get("inlierq.reconstruction"));
        // the file lists the bits of every layer: 4-bit weights everywhere but the first and last layers
        String bits = OnnxReader.read(a).metadata().get("inlierq.layer_bits");
        int w4 = 0;
        int w8 = 0;
        for (String entry : bits.split(",")) {
            assertTrue(entry.matches(".+:w[48]a(8|f)"), entry);
            w4 += entry.contains(":w4") ? 1 : 0;
            w8 += entry.contains(":w8") ? 1 : 0;
        }
        assertTrue(w4 >= layers.size() - 4 && w8 >= 1 && w8 <= 4, w4 + " 4-bit and " + w8 + " 8-bit layers: " + bits);
    }

    /**
     * {@code --start gptq}: learned rounding starts from GPTQ's. With no optimisation step, AdaRound writes GPTQ's
     * weight codes exactly (same ranges: both start from MSE ranges, layer inputs and equalisation).
     */
    @Test
    void learnedRoundingStartsFromGptqs() throws Exception {
        Shared.require();
        Path g = tmp.resolve("g.onnx");
        Path r = tmp.resolve("r.onnx");
        assertEquals(0, QuantizationTest.quantize(g, tmp.resolve("g.json"), "--method", "gptq", "--w-bits", "4",
                "--a-bits", "8", "--gptq-inputs", "float", "--calib-select", "random")); // the one-pass form --start
        // gptq starts from, on the images adaround draws (gptq's default at 4 bits takes the densest)
        assertEquals(0, QuantizationTest.quantize(r, tmp.resolve("r.json"), "--method", "adaround", "--start", "gptq",
                "--iters", "0", "--w-bits", "4", "--a-bits", "8"));
        dev.inlierq.graph.Graph rg = OnnxReader.read(r);
        GraphAssertions.assertSameWeights(OnnxReader.read(g), rg);
        assertTrue(rg.metadata().get("inlierq.reconstruction").contains("start=gptq"), rg.metadata().toString());
        JsonNode json = new ObjectMapper().readTree(tmp.resolve("r.json").toFile());
        assertTrue(json.get("gptq").get("layers").size() > 50, "the GPTQ start is reported");
        // no --method at 4-bit weights: AdaRound from GPTQ's start on windows (two steps here, to keep it short);
        // a valid file, checked by ONNX Runtime before it is written
        Path d = tmp.resolve("d.onnx");
        assertEquals(0, Main.execute("quantize", "--model", Shared.model("fastestdet").toString(), "--spec",
                "fastestdet", "--calib", Shared.trainImages().toString(), "--num-calib", "8", "--check-images", "1",
                "--stats-images", "1", "--w-bits", "4", "--iters", "2", "--out", d.toString()));
        java.util.Map<String, String> meta = OnnxReader.read(d).metadata();
        assertEquals("adaround", meta.get("inlierq.method"));
        assertTrue(meta.get("inlierq.reconstruction").contains("iterations=2") && meta.get("inlierq.reconstruction")
                .contains("start=gptq") && meta.get("inlierq.reconstruction").contains("window=32"), meta.toString());
    }
}
