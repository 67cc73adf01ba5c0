package dev.inlierq.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.cli.Main;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --start gptaq} (recon.SequentialGptq): GPTQ with asymmetric calibration inside the reconstruction pass, end
 * to end on the real FastestDet at W4A8 with 8 calibration images and no learning steps, so the file holds the
 * start itself: against the plain GPTQ start, its network output on the calibration images is closer to the
 * float model's (the objective it minimises layer after layer), its provenance says so, and it is deterministic;
 * the same with the slope-weighted Hessians of {@code --hessian slopes}.
 */
class GptaqQuantizationTest {
    @TempDir
    Path tmp;

    private static int quantize(Path out, String start, String... more) {
        String[] args = {"quantize", "--model", Shared.model("fastestdet").toString(), "--spec", "fastestdet",
            "--calib", Shared.trainImages().toString(), "--num-calib", "8", "--check-images", "8",
            "--stats-images", "1", "--method", "adaround", "--start", start, "--iters", "0", "--w-bits", "4",
            "--out", out.toString(), "--json", out + ".json"};
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return Main.execute(all);
    }

    private static double outputSqnr(Path out) throws Exception {
        JsonNode a = new ObjectMapper().readTree(Path.of(out + ".json").toFile()).get("agreement")
                .get("float_vs_sim_sqnr_db");
        return a.elements().next().asDouble();
    }

    @Test
    void asymmetricStartBringsTheOutputCloserToFloat() throws Exception {
        Shared.require();
        Path gptq = tmp.resolve("gptq.onnx");
        Path gptaq = tmp.resolve("gptaq.onnx");
        Path again = tmp.resolve("gptaq2.onnx");
        assertEquals(0, quantize(gptq, "gptq"));
        assertEquals(0, quantize(gptaq, "gptaq", "--hessian", "plain"));
        assertEquals(0, quantize(again, "gptaq", "--hessian", "plain"));
        assertArrayEquals(Files.readAllBytes(gptaq), Files.readAllBytes(again), "same seed, same bytes");
        assertFalse(Arrays.equals(Files.readAllBytes(gptq), Files.readAllBytes(gptaq)), "a different rounding");
        Map<String, String> meta = OnnxReader.read(gptaq).metadata();
        assertTrue(meta.get("inlierq.reconstruction").contains("start=gptaq"), meta.toString());
        double plain = outputSqnr(gptq);
        double asym = outputSqnr(gptaq);
        assertTrue(asym > plain + 0.5, "float vs simulation SQNR on the calibration images: gptq " + plain
                + " dB, gptaq " + asym + " dB");

        // --hessian slopes, GPTAQ's default: each position weighted by the slope of the ReLU after the layer
        Path slopes = tmp.resolve("slopes.onnx");
        Path slopes2 = tmp.resolve("slopes2.onnx");
        assertEquals(0, quantize(slopes, "gptaq", "--hessian", "slopes"));
        assertEquals(0, quantize(slopes2, "gptaq"));
        assertArrayEquals(Files.readAllBytes(slopes), Files.readAllBytes(slopes2), "the default, and deterministic");
        assertFalse(Arrays.equals(Files.readAllBytes(gptaq), Files.readAllBytes(slopes)), "weighted Hessians");
        Map<String, String> sm = OnnxReader.read(slopes).metadata();
        assertEquals("slopes", sm.get("inlierq.gptq_hessian"), sm.toString());
        double weighted = outputSqnr(slopes);
        assertTrue(weighted > plain + 0.5, "float vs simulation SQNR: gptq " + plain + " dB, gptaq with slopes "
                + weighted + " dB (gptaq " + asym + " dB)");
    }
}
