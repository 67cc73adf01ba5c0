package dev.inlierq.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.cli.Main;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --method gptq} end to end on the real FastestDet at W4A8 with 8 calibration images: the rounded
 * convolutions report a lower output error than nearest rounding, the file runs in ONNX Runtime (the quantize
 * command checks it before writing), GPTQ is the method when none is given at 4-bit weights, and the same seed
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
        // no --method at 4-bit weights: GPTQ (with its defaults: layer inputs, equalisation); same seed, same bytes
        assertEquals(0, Main.execute("quantize", "--model", Shared.model("fastestdet").toString(), "--spec",
                "fastestdet", "--calib", Shared.trainImages().toString(), "--num-calib", "8", "--check-images", "1",
                "--stats-images", "1", "--w-bits", "4", "--a-bits", "8", "--out", b.toString()));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "same seed, same bytes");
        assertTrue(OnnxReader.read(b).metadata().get("inlierq.equalized_activations").matches("[1-9][0-9]*"),
                "GPTQ equalises by default");
    }
}
