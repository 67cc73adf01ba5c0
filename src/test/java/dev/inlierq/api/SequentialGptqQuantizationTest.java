package dev.inlierq.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.cli.Main;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.recon.ReconstructionOptions;
import dev.inlierq.rounding.GptqInputs;
import dev.inlierq.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --method gptq} on the quantized network's inputs ({@link GptqInputs#QUANTIZED}, recon.SequentialGptq's
 * sequential form): how the config resolves it, and end to end on the real FastestDet at W4A8 with 8 calibration
 * images against the one-pass form on the float network's inputs: a different rounding, deterministic, said in
 * the provenance, and the network output on the calibration images closer to the float model's.
 */
class SequentialGptqQuantizationTest {
    @TempDir
    Path tmp;

    @Test
    void theInputsResolveByTheWeightBits() {
        QuantizationConfig.Builder b = QuantizationConfig.builder(Path.of("m.onnx"), DetectorSpecs.resolve("yolox"),
                Path.of("calib")).method(Method.GPTQ);
        QuantizationConfig w4 = b.weightBits(4).build();
        assertEquals(GptqInputs.QUANTIZED, w4.gptqInputs());
        assertEquals(ReconstructionOptions.Start.SEQUENTIAL, w4.reconstruction().start());
        assertEquals(0, w4.reconstruction().iterations(), "GPTQ alone: no learning step");
        assertTrue(w4.runsGptq());
        QuantizationConfig w8 = b.weightBits(8).build();
        assertEquals(GptqInputs.FLOAT, w8.gptqInputs(), "W8A8 keeps the one-pass form");
        assertNull(w8.reconstruction());
        QuantizationConfig one = b.weightBits(4).gptqInputs(GptqInputs.FLOAT).build();
        assertNull(one.reconstruction());
        assertNull(QuantizationConfig.builder(Path.of("m.onnx"), DetectorSpecs.resolve("yolox"), Path.of("calib"))
                .weightBits(8).build().reconstruction(), "the default W8A8 recipe (GPTQ) is unchanged");
        assertThrows(IllegalArgumentException.class, () -> b.method(Method.ADAROUND).build(),
                "--gptq-inputs is GPTQ's");
    }

    private static int quantize(Path out, String... more) {
        String[] args = {"quantize", "--model", Shared.model("fastestdet").toString(), "--spec", "fastestdet",
            "--calib", Shared.trainImages().toString(), "--num-calib", "8", "--check-images", "8",
            "--stats-images", "1", "--method", "gptq", "--w-bits", "4", "--out", out.toString(), "--json",
            out + ".json"};
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return Main.execute(all);
    }

    private static double outputSqnr(Path out) throws Exception {
        return new ObjectMapper().readTree(Path.of(out + ".json").toFile()).get("agreement")
                .get("float_vs_sim_sqnr_db").elements().next().asDouble();
    }

    @Test
    void quantizedInputsBringTheOutputCloserToFloat() throws Exception {
        Shared.require();
        Path onePass = tmp.resolve("float.onnx");
        Path seq = tmp.resolve("seq.onnx");
        Path again = tmp.resolve("seq2.onnx");
        assertEquals(0, quantize(onePass, "--gptq-inputs", "float"));
        assertEquals(0, quantize(seq));
        assertEquals(0, quantize(again, "--gptq-inputs", "quantized"));
        assertArrayEquals(Files.readAllBytes(seq), Files.readAllBytes(again), "the default, and deterministic");
        assertFalse(Arrays.equals(Files.readAllBytes(onePass), Files.readAllBytes(seq)), "a different rounding");
        Map<String, String> meta = OnnxReader.read(seq).metadata();
        assertEquals("gptq", meta.get("inlierq.method"), meta.toString());
        assertTrue(meta.get("inlierq.reconstruction").contains("iterations=0 ")
                && meta.get("inlierq.reconstruction").contains("start=sequential"), meta.toString());
        assertFalse(OnnxReader.read(onePass).metadata().containsKey("inlierq.reconstruction"));
        double one = outputSqnr(onePass);
        double sequential = outputSqnr(seq);
        assertTrue(sequential > one + 0.5, "float vs simulation SQNR on the calibration images: float inputs " + one
                + " dB, quantized inputs " + sequential + " dB");
    }
}
