package dev.inlierq.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.testing.OnnxModelBuilder;
import dev.inlierq.testing.TinyDetectors;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comparison on a tiny detector and QDQ copies of it made in this test (Q/DQ pairs with chosen steps, named as
 * the QDQ writer names them): the coarser step gives the lower SQNR, errors flow to the tensors computed from a
 * dequantized value, untouched tensors and identical models give infinite SQNR.
 */
class ComparisonTest {
    private static final String SPEC = "input: {name: images, width: 64, height: 64, channelOrder: RGB,"
            + " resize: STRETCH, scale: 1/255}\npostprocess: {scoreThreshold: 0.05}\n"
            + "head: {family: gfl, strides: [8, 16], regMax: 3, cls: [cls8, cls16], clsLayout: CHANNELS_LAST,"
            + " reg: [reg8, reg16]}\n";

    @TempDir
    Path tmp;
    Path floatModel;
    Path images;
    DetectorSpec spec;

    @BeforeEach
    void setUp() throws Exception {
        floatModel = TinyDetectors.perLevel(tmp, List.of(8, 16), 80, 3, true);
        images = Files.createDirectories(tmp.resolve("images"));
        Random r = new Random(5);
        for (int i = 0; i < 3; i++) {
            BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    img.setRGB(x, y, r.nextInt(1 << 24));
                }
            }
            ImageIO.write(img, "png", images.resolve("img" + i + ".png").toFile());
        }
        Path specFile = tmp.resolve("tiny.yaml");
        Files.writeString(specFile, SPEC);
        spec = DetectorSpecs.load(specFile);
    }

    private Comparison.Result compare(Path quantized) {
        return Comparison.run(Comparison.Options.builder(floatModel, quantized, images).spec(spec).numImages(3)
                .build(), done -> { });
    }

    @Test
    void coarserStepGivesLowerSqnrAndTheErrorFlowsDownstream() {
        Path qdq = withQdq(Map.of("cls8_conv", 0.5f, "reg8_conv", 0.1f), "q.onnx");
        Comparison.Result r = compare(qdq);
        Map<String, TensorError> rows = r.tensors().stream().collect(Collectors.toMap(TensorError::tensor,
                Function.identity()));
        TensorError coarse = rows.get("cls8_conv");
        TensorError fine = rows.get("reg8_conv");
        assertEquals("cls8_conv_dequantized", coarse.pair().quantizedTensor());
        assertEquals(TensorMatch.Kind.QUANTIZED, coarse.pair().kind());
        assertTrue(Double.isFinite(coarse.sqnrDb()) && Double.isFinite(fine.sqnrDb()));
        assertTrue(coarse.sqnrDb() + 5 < fine.sqnrDb(), "a 5 times coarser step (14 dB more noise) on a signal of "
                + "similar size; " + coarse + " vs " + fine);
        assertTrue(coarse.maxAbsError() > fine.maxAbsError());
        assertTrue(coarse.maxAbsError() <= 0.25 + 1e-4 && fine.maxAbsError() <= 0.05 + 1e-4, "no clipping, round to nearest: at most half a step");
        assertTrue(coarse.cosine() < fine.cosine() && fine.cosine() <= 1 + 1e-9);
        assertTrue(coarse.relMeanError() > fine.relMeanError());
        // the Transpose after the coarse tensor reads its dequantized copy: the same error, a float tensor there
        TensorError after = rows.get("cls8_nhwc");
        assertEquals(TensorMatch.Kind.UNQUANTIZED, after.pair().kind());
        assertEquals(coarse.sqnrDb(), after.sqnrDb(), 1e-6);
        assertEquals(TensorMatch.Kind.OUTPUT, rows.get("cls8").pair().kind());
        // the other level is untouched
        assertEquals(Double.POSITIVE_INFINITY, rows.get("cls16_conv").sqnrDb());
        assertEquals(1.0, rows.get("cls16_conv").cosine(), 1e-12);
        // worst first: the coarse chain leads
        assertTrue(r.tensors().get(0).tensor().startsWith("cls8"), r.tensors().get(0).toString());
        for (int i = 1; i < r.tensors().size(); i++) {
            assertTrue(r.tensors().get(i - 1).sqnrDb() <= r.tensors().get(i).sqnrDb());
        }
        // the deployed file's outputs: the coarse level's output carries the error, the other none
        Map<String, Double> deployed = r.deployed().stream().collect(Collectors.toMap(TensorError::tensor,
                TensorError::sqnrDb));
        assertEquals(List.of("cls8", "reg8", "cls16", "reg16"), r.deployed().stream().map(TensorError::tensor).toList());
        assertEquals(coarse.sqnrDb(), deployed.get("cls8"), 0.5);
        assertEquals(Double.POSITIVE_INFINITY, deployed.get("cls16"));
        String table = ComparisonReport.table(r, 3);
        assertTrue(table.startsWith("worst 3 of " + r.tensors().size()), table);
        assertTrue(table.contains("cls8_conv (vs cls8_conv_dequantized)") || table.contains("cls8_nhwc"), table);
    }

    @Test
    void theInputIsComparedWithItsDequantizedCopy() {
        Comparison.Result r = compare(withQdq(Map.of("images", 1 / 255f), "qi.onnx"));
        TensorError in = r.tensors().stream().filter(e -> e.tensor().equals("images")).findFirst().orElseThrow();
        assertEquals(TensorMatch.Kind.INPUT, in.pair().kind());
        assertEquals("images_dequantized", in.pair().quantizedTensor());
        // 8-bit pixels scaled by 1/255 are on the grid: only float rounding
        assertTrue(in.sqnrDb() > 100 && Double.isFinite(in.sqnrDb()), in.toString());
    }

    @Test
    void identicalModelsHaveInfiniteSqnrEverywhere() {
        Comparison.Result r = compare(floatModel);
        assertFalse(r.tensors().isEmpty());
        for (TensorError e : r.tensors()) {
            assertEquals(Double.POSITIVE_INFINITY, e.sqnrDb(), e.toString());
            assertEquals(0.0, e.maxAbsError());
        }
        r.deployed().forEach(e -> assertEquals(Double.POSITIVE_INFINITY, e.sqnrDb()));
        assertEquals(0, r.unmatched());
    }

    @Test
    void modelsWithOtherInputsAreAMismatch() {
        Path other = OnnxModelBuilder.opset(13).input("pixels", -1, 3, 64, 64)
                .node("Relu", "pixels").out("cls8").end().output("cls8").write(Files.exists(tmp.resolve("o"))
                        ? tmp.resolve("o") : mkdir(tmp.resolve("o")));
        UserError e = assertThrows(UserError.class, () -> compare(other));
        assertEquals(ExitCode.MODEL_MISMATCH, e.exitCode());
        assertTrue(e.getMessage().contains("pixels"), e.getMessage());
    }

    @Test
    void withoutSpecTheRecordedBuiltInOneIsUsedElseItIsAsked() {
        OnnxMl.ModelProto m = OnnxReader.parse(floatModel).toBuilder().addMetadataProps(OnnxMl.StringStringEntryProto
                .newBuilder().setKey(Comparison.SPEC_METADATA_KEY).setValue("fastestdet")).build();
        assertEquals("fastestdet", Comparison.recordedSpec(m, floatModel).name());
        UserError e = assertThrows(UserError.class, () -> Comparison.run(Comparison.Options.builder(floatModel,
                floatModel, images).build(), done -> { }));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("--spec"), e.getMessage());
    }

    private static Path mkdir(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The float model with a QuantizeLinear/DequantizeLinear pair (uint8, zero point 128, the given step) after
     * each named tensor, its readers moved to the dequantized copy: the QDQ writer's layout and names.
     */
    private Path withQdq(Map<String, Float> steps, String file) {
        OnnxMl.ModelProto m = OnnxReader.parse(floatModel);
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
        List<OnnxMl.NodeProto> nodes = new ArrayList<>();
        for (String in : steps.keySet()) {
            if (g.getInputList().stream().anyMatch(v -> v.getName().equals(in))) {
                nodes.addAll(qdq(g, in, steps.get(in), 0));
            }
        }
        for (OnnxMl.NodeProto n : m.getGraph().getNodeList()) {
            OnnxMl.NodeProto.Builder b = n.toBuilder();
            for (int i = 0; i < b.getInputCount(); i++) {
                if (steps.containsKey(b.getInput(i))) {
                    b.setInput(i, b.getInput(i) + "_dequantized");
                }
            }
            nodes.add(b.build());
            for (String o : n.getOutputList()) {
                if (steps.containsKey(o)) {
                    nodes.addAll(qdq(g, o, steps.get(o), 128));
                }
            }
        }
        g.clearNode().addAllNode(nodes);
        Path out = tmp.resolve(file);
        try {
            Files.write(out, m.toBuilder().setGraph(g).build().toByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    private static List<OnnxMl.NodeProto> qdq(OnnxMl.GraphProto.Builder g, String t, float step, int zero) {
        g.addInitializer(OnnxModelBuilder.floatTensor(t + "_scale", new long[0], new float[] {step}));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName(t + "_zero_point")
                .setDataType(OnnxMl.TensorProto.DataType.UINT8_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) zero})));
        return List.of(OnnxMl.NodeProto.newBuilder().setName(t + "_QuantizeLinear").setOpType("QuantizeLinear")
                        .addInput(t).addInput(t + "_scale").addInput(t + "_zero_point").addOutput(t + "_quantized").build(),
                OnnxMl.NodeProto.newBuilder().setName(t + "_DequantizeLinear").setOpType("DequantizeLinear")
                        .addInput(t + "_quantized").addInput(t + "_scale").addInput(t + "_zero_point")
                        .addOutput(t + "_dequantized").build());
    }
}
