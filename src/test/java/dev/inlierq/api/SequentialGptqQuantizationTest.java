package dev.inlierq.api;

import static dev.inlierq.testing.GraphAssertions.assertSameWeights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.recon.ReconstructionOptions;
import dev.inlierq.rounding.GptqInputs;
import dev.inlierq.rounding.HessianWeighting;
import dev.inlierq.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --method gptq} on the quantized network's inputs ({@link GptqInputs#QUANTIZED}, recon.SequentialGptq's
 * sequential form, and {@link GptqInputs#ASYMMETRIC}, the default at 4 bits): how the config resolves them, and end
 * to end on the real FastestDet at W4A8 with 8 calibration images: the sequential form a rounding other than the
 * one-pass form's and GPTAQ's (whose per-unit target is the float output), deterministic, and said in the
 * provenance; the asymmetric form GPTAQ's rounding, weight for weight. (Its network output on those 8 images is
 * not closer to the float
 * model's than the one-pass form's, 8.22 against 8.40 dB: it does not aim at the float output; its AP is measured in
 * docs/experiments.md, stop 31.) That the target is the layer's own weights when both sources agree is GptqTest's.
 */
class SequentialGptqQuantizationTest {
    @TempDir
    Path tmp;

    @Test
    void theInputsResolveByTheWeightBits() {
        QuantizationConfig.Builder b = QuantizationConfig.builder(Path.of("m.onnx"), DetectorSpecs.resolve("yolox"),
                Path.of("calib")).method(Method.GPTQ);
        QuantizationConfig w4 = b.weightBits(4).build();
        assertEquals(GptqInputs.ASYMMETRIC, w4.gptqInputs(), "GPTAQ's target at 4 bits");
        assertEquals(ReconstructionOptions.Start.GPTAQ, w4.reconstruction().start());
        assertEquals(0, w4.reconstruction().iterations(), "GPTQ alone: no learning step");
        assertEquals(HessianWeighting.SLOPES, w4.hessian(), "GPTAQ's Hessians unless told otherwise");
        assertTrue(w4.runsGptq());
        QuantizationConfig w8 = b.weightBits(8).build();
        assertEquals(GptqInputs.FLOAT, w8.gptqInputs(), "W8A8 keeps the one-pass form");
        assertNull(w8.reconstruction());
        QuantizationConfig seq = b.weightBits(4).gptqInputs(GptqInputs.QUANTIZED).build();
        assertEquals(ReconstructionOptions.Start.SEQUENTIAL, seq.reconstruction().start());
        assertEquals(HessianWeighting.PLAIN, seq.hessian());
        QuantizationConfig one = b.weightBits(4).gptqInputs(GptqInputs.FLOAT).build();
        assertNull(one.reconstruction());
        QuantizationConfig d8 = QuantizationConfig.builder(Path.of("m.onnx"), DetectorSpecs.resolve("yolox"),
                Path.of("calib")).weightBits(8).build();
        assertEquals(ReconstructionOptions.Start.GPTQ, d8.reconstruction().start(),
                "the default W8A8 recipe (InlierQ) starts from GPTQ's rounding");
        assertThrows(IllegalArgumentException.class, () -> b.method(Method.ADAROUND).build(),
                "--gptq-inputs is GPTQ's");
    }

    /** FastestDet W4A8 with 8 calibration images ({@link QuantizationTest#quantize}). */
    private int quantize(Path out, String method, String... more) {
        String[] args = new String[more.length + 4];
        args[0] = "--method";
        args[1] = method;
        args[2] = "--w-bits";
        args[3] = "4";
        System.arraycopy(more, 0, args, 4, more.length);
        return QuantizationTest.quantize(out, tmp.resolve(out.getFileName() + ".json"), args);
    }

    @Test
    void roundsEachLayerAgainForItsQuantizedInputsTowardsItsOwnWeights() throws Exception {
        Shared.require();
        Path onePass = tmp.resolve("float.onnx");
        Path seq = tmp.resolve("seq.onnx");
        Path again = tmp.resolve("seq2.onnx");
        Path asym = tmp.resolve("asym.onnx");
        Path gptaq = tmp.resolve("gptaq.onnx");
        assertEquals(0, quantize(onePass, "gptq", "--gptq-inputs", "float"));
        assertEquals(0, quantize(seq, "gptq", "--gptq-inputs", "quantized"));
        assertEquals(0, quantize(again, "gptq", "--gptq-inputs", "quantized"));
        assertEquals(0, quantize(asym, "gptq", "--calib-select", "random")); // gptaq's images (not gptq's dense)
        assertEquals(0, quantize(gptaq, "gptaq"));
        byte[] bytes = Files.readAllBytes(seq);
        assertArrayEquals(bytes, Files.readAllBytes(again), "deterministic");
        assertFalse(Arrays.equals(Files.readAllBytes(onePass), bytes), "not the one-pass rounding");
        assertFalse(Arrays.equals(Files.readAllBytes(asym), bytes), "not GPTAQ's (towards the float outputs)");
        assertSameWeights(OnnxReader.read(gptaq), OnnxReader.read(asym)); // the default at 4 bits: GPTAQ's rounding
        Map<String, String> meta = OnnxReader.read(seq).metadata();
        assertEquals("gptq", meta.get("inlierq.method"), meta.toString());
        assertTrue(meta.get("inlierq.reconstruction").contains("iterations=0 ")
                && meta.get("inlierq.reconstruction").contains("start=sequential"), meta.toString());
        Map<String, String> asymMeta = OnnxReader.read(asym).metadata();
        assertEquals("gptq", asymMeta.get("inlierq.method"), asymMeta.toString());
        assertTrue(asymMeta.get("inlierq.reconstruction").contains("start=gptaq"), asymMeta.toString());
        assertFalse(OnnxReader.read(onePass).metadata().containsKey("inlierq.reconstruction"));
    }
}
