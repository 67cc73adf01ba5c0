package dev.inlierq.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --box-weight}: the task loss's box term, end to end on the real FastestDet at W4A8 with 8 calibration
 * images, through GPTQ's inlier-weighted Hessians (the cheapest path that reads the task loss's gradients). With
 * the term the inlier weights, hence the Hessians and the file, change; the provenance records the weight; the
 * same settings give the same bytes; without it the provenance has no box weight.
 */
class BoxWeightQuantizationTest {
    @TempDir
    Path tmp;

    @Test
    void theBoxTermChangesTheInlierHessiansAndIsRecorded() throws Exception {
        Shared.require();
        String[] common = {"--method", "gptq", "--w-bits", "4", "--gptq-inputs", "quantized", "--hessian", "inlier"};
        Path plain = run("plain", common);
        Path box = run("box", with(common, "--box-weight", "1"));
        Path again = run("again", with(common, "--box-weight", "1"));
        assertArrayEquals(Files.readAllBytes(box), Files.readAllBytes(again), "same settings, same bytes");
        assertFalse(Arrays.equals(Files.readAllBytes(plain), Files.readAllBytes(box)), "the box term moves the file");
        Map<String, String> pm = OnnxReader.read(plain).metadata();
        Map<String, String> bm = OnnxReader.read(box).metadata();
        assertNull(pm.get("inlierq.box_weight"), "no box weight recorded without the term");
        assertEquals("1.0", bm.get("inlierq.box_weight"), bm.toString());
        JsonNode pj = layers("plain");
        JsonNode bj = layers("box");
        int moved = 0;
        for (int i = 0; i < pj.size(); i++) {
            moved += pj.get(i).get("output_error_nearest").asDouble() != bj.get(i).get("output_error_nearest")
                    .asDouble() ? 1 : 0;
        }
        assertTrue(moved >= pj.size() / 4, moved + " of " + pj.size() + " layers' weighted Hessians moved");
    }

    private Path run(String name, String... args) {
        Path out = tmp.resolve(name + ".onnx");
        assertEquals(0, QuantizationTest.quantize(out, tmp.resolve(name + ".json"), args), name);
        return out;
    }

    private JsonNode layers(String name) throws Exception {
        return new ObjectMapper().readTree(tmp.resolve(name + ".json").toFile()).get("gptq").get("layers");
    }

    private static String[] with(String[] a, String... more) {
        String[] all = Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, all, a.length, more.length);
        return all;
    }
}
