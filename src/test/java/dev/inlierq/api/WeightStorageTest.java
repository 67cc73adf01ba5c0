package dev.inlierq.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.onnx.Int4Packing;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.runtime.DjlRunner;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --weight-storage int4} end to end on the real FastestDet at W4A8 (8 calibration images, as in
 * {@link QuantizationTest}): the 4-bit weights become INT4/UINT4 initializers at opset 21, the first and last
 * layers' 8-bit weights stay in 8-bit containers, ONNX Runtime loads and runs the file, and with the same
 * codes it computes what the INT8-container file of the same quantization computes. Same seed, same bytes.
 */
class WeightStorageTest {
    @TempDir
    Path tmp;

    @Test
    void int4FileHoldsPackedWeightsAndRunsAsTheInt8ContainerFile() throws Exception {
        Shared.require();
        Path int8 = tmp.resolve("int8.onnx");
        Path int4 = tmp.resolve("int4.onnx");
        Path again = tmp.resolve("int4-again.onnx");
        assertEquals(0, QuantizationTest.quantize(int8, tmp.resolve("int8.json"), "--w-bits", "4", "--a-bits", "8"));
        assertEquals(0, QuantizationTest.quantize(int4, tmp.resolve("int4.json"), "--w-bits", "4", "--a-bits", "8",
                "--weight-storage", "int4"));
        assertEquals(0, QuantizationTest.quantize(again, tmp.resolve("again.json"), "--w-bits", "4", "--a-bits", "8",
                "--weight-storage", "int4"));
        assertArrayEquals(Files.readAllBytes(int4), Files.readAllBytes(again), "same seed, same bytes");

        OnnxMl.ModelProto m = OnnxReader.parse(int4);
        assertEquals(21, m.getOpsetImport(0).getVersion());
        assertEquals(10, m.getIrVersion());
        Map<String, String> meta = OnnxReader.read(int4).metadata();
        assertEquals("int4", meta.get("inlierq.weight_storage"));
        boolean signed = !meta.get("inlierq.weight_type").equals("UINT8"); // INT8, or INT7 for --placement all
        int fourBit = signed ? Int4Packing.INT4 : Int4Packing.UINT4;
        Map<String, Integer> types = new java.util.HashMap<>();
        for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
            types.put(t.getName(), t.getDataType());
        }
        int packedCodes = 0;
        int byteCodes = 0;
        for (var e : types.entrySet()) {
            if (!e.getKey().endsWith("_quantized") || e.getValue() == 6) { // int32 codes are biases
                continue;
            }
            String zp = e.getKey().replaceFirst("_quantized$", "_zero_point");
            if (e.getValue() == fourBit) {
                packedCodes++;
                assertEquals(fourBit, types.get(zp), "zero point of the same type as x: " + zp);
            } else {
                byteCodes++;
                assertTrue(e.getValue() == 2 || e.getValue() == 3, e.getKey() + " type " + e.getValue());
            }
        }
        assertEquals(70, packedCodes + byteCodes, "one weight per quantized layer");
        assertTrue(byteCodes >= 2 && byteCodes <= 6, "the first and last layers stay at 8 bits: " + byteCodes);
        long s8 = Files.size(int8);
        long s4 = Files.size(int4);
        assertTrue(s4 < 0.8 * s8, "INT4 file " + s4 + " bytes vs INT8 containers " + s8);

        FloatTensor x = DetectorSpecs.builtIn("fastestdet").preprocessor()
                .prepare(Shared.valImages().resolve("000000000139.jpg")).tensor();
        // QDQ as written (no integer fusion): the same codes give the same values
        try (OrtRunner a = new OrtRunner(int8, 2, OrtRunner.Optimization.BASIC);
                OrtRunner b = new OrtRunner(int4, 2, OrtRunner.Optimization.BASIC)) {
            Map<String, FloatTensor> ya = a.run(x);
            Map<String, FloatTensor> yb = b.run(x);
            for (var e : ya.entrySet()) {
                double db = QuantizationTest.sqnrDb(e.getValue().data(), yb.get(e.getKey()).data());
                assertTrue(db > 100, "INT8 containers vs INT4 in ONNX Runtime: " + db + " dB");
            }
        }
        try (OrtRunner all = new OrtRunner(int4, 2, OrtRunner.Optimization.ALL);
                DjlRunner sim = new DjlRunner(int4); DjlRunner sim8 = new DjlRunner(int8)) {
            Map<String, FloatTensor> y = all.run(x);
            Map<String, FloatTensor> s = sim.run(x);
            assertEquals(s.keySet(), y.keySet(), "ONNX Runtime runs the INT4 file with all optimisations");
            for (var e : s.entrySet()) {
                assertArrayEquals(sim8.run(x).get(e.getKey()).data(), e.getValue().data(),
                        "the engine reads the packed codes back");
            }
        }
    }
}
