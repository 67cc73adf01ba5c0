package dev.inlierq.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.graph.Graph;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.plan.Role;
import dev.inlierq.recon.Reconstruction;
import dev.inlierq.recon.ReconstructionOptions;
import dev.inlierq.recon.Units;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.TinyDetectors;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantization configured and run through the library API only ({@link QuantizationConfig}'s builder and
 * {@link Quantization#run}), as the README's "Library API" shows, on a tiny detector built here (a shared GFL head
 * on two levels) with random calibration PNGs: the written file runs in ONNX Runtime close to the float model, the
 * {@link Quantization.Result} agrees with the config, the plan and the file's metadata, {@code toBuilder()} gives
 * the same bytes, and a reconstruction method reports its units. (The builder's defaults and checks without a run:
 * {@link QuantizationConfigTest}.)
 */
class QuantizationApiTest {
    private static final String SPEC = """
            input: {name: images, width: 64, height: 64, channelOrder: RGB, resize: STRETCH, scale: 1/255}
            head: {family: gfl, strides: [8, 16], regMax: 3, cls: [cls8, cls16], clsLayout: CHANNELS_LAST,
                   reg: [reg8, reg16]}
            postprocess: {scoreThreshold: 0.05}
            """;
    private static final int IMAGES = 6;

    @TempDir
    static Path tmp;
    static Path model;
    static Path calib;
    static DetectorSpec spec;

    @BeforeAll
    static void tinyDetectorAndImages() throws Exception {
        model = TinyDetectors.sharedHead(Files.createDirectory(tmp.resolve("model")), List.of(8, 16), 80, 3);
        spec = DetectorSpecs.load(Files.writeString(tmp.resolve("tiny.yaml"), SPEC));
        calib = Files.createDirectory(tmp.resolve("calib"));
        Random r = new Random(5);
        for (int i = 0; i < IMAGES; i++) { // smooth random blobs of several sizes, resized by the spec
            int w = 48 + 16 * (i % 3);
            int h = 64 - 8 * (i % 2);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int[] base = {r.nextInt(256), r.nextInt(256), r.nextInt(256)};
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int red = (base[0] + 3 * x + r.nextInt(32)) & 0xff;
                    int green = (base[1] + 2 * y + r.nextInt(32)) & 0xff;
                    int blue = (base[2] + x * y / 16 + r.nextInt(32)) & 0xff;
                    img.setRGB(x, y, red << 16 | green << 8 | blue);
                }
            }
            ImageIO.write(img, "png", calib.resolve(String.format("img%02d.png", i)).toFile());
        }
    }

    private static QuantizationConfig.Builder builder() {
        return QuantizationConfig.builder(model, spec, calib).calibImages(4).batch(2).threads(1).checkImages(1)
                .statsImages(2).seed(3);
    }

    /** Records what a run tells its listener. */
    private static final class Recorder implements Quantization.Listener {
        final List<String> phases = new ArrayList<>();
        int calibrated;
        int updates;

        @Override
        public void calibrated(int images) {
            calibrated = Math.max(calibrated, images);
        }

        @Override
        public void phase(String name) {
            phases.add(name);
        }

        @Override
        public void update(int unit, int units, int iteration) {
            updates++;
        }
    }

    @Test
    void minmaxRunWritesAFileOnnxRuntimeRunsAndAResultThatMatchesTheConfig() throws Exception {
        QuantizationConfig config = builder().method(Method.MINMAX).build();
        Path out = tmp.resolve("minmax.onnx");
        Recorder listener = new Recorder();
        Quantization.Result r = Quantization.run(config, out, listener);

        // the file: ONNX Runtime runs it with the float model's outputs, close to them at W8A8
        FloatTensor x = spec.preprocessor().prepare(r.calibration().files().get(0)).tensor();
        try (OrtRunner f = new OrtRunner(model, 1); OrtRunner q = new OrtRunner(out, 1)) {
            Map<String, FloatTensor> want = f.run(x);
            Map<String, FloatTensor> got = q.run(x);
            assertEquals(want.keySet(), got.keySet());
            for (String k : want.keySet()) {
                double db = QuantizationTest.sqnrDb(want.get(k).data(), got.get(k).data());
                assertTrue(db > 25, k + ": float vs quantized file " + db + " dB");
            }
        }

        // the result: the config's plan and images, encodings of every planned tensor, the checks asked for
        QuantPlan plan = Quantization.plan(model, spec, config.plan());
        assertEquals(plan.points(), r.plan().points(), "the plan run is the plan of the config");
        Set<String> planned = new HashSet<>(); // the int32 biases follow from their layer's scales
        r.plan().points().stream().filter(p -> p.role() != Role.BIAS).forEach(p -> planned.add(p.tensor()));
        assertEquals(planned, r.encodings().keySet(), "one encoding per planned weight and activation");
        assertEquals(planned, new HashSet<>(r.tensors().stream().map(Quantization.TensorReport::tensor).toList()));
        for (QuantPoint w : r.plan().weights()) {
            assertEquals(8, w.bits(), w.tensor());
        }
        assertEquals(4, r.calibration().files().size());
        assertEquals(3, r.calibration().seed());
        try (Stream<Path> files = Files.list(calib)) {
            assertTrue(files.toList().containsAll(r.calibration().files()), "images from the calibration folder");
        }
        assertEquals(1, r.agreement().images());
        assertEquals(Set.of("cls8", "reg8", "cls16", "reg16"), r.agreement().simVsOrtSqnrDb().keySet());
        r.agreement().simVsOrtSqnrDb().forEach((k, db) -> assertTrue(db > 40, k + ": simulation vs ORT " + db));
        assertTrue(r.gptq().isEmpty() && r.units().isEmpty() && r.inliers().isEmpty() && r.overlays().isEmpty(),
                "minmax has no rounding stage");
        assertTrue(r.seconds() > 0 && r.peakRssBytes() > 0);
        assertEquals(4, listener.calibrated);
        assertTrue(listener.phases.containsAll(List.of("calibrating", "writing")), listener.phases.toString());

        // the provenance returned is the file's metadata
        Graph g = OnnxReader.read(out);
        r.provenance().forEach((k, v) -> assertEquals(v, g.metadata().get(k), k));
        assertEquals("minmax", r.provenance().get("inlierq.method"));
        assertEquals("4", r.provenance().get("inlierq.calibration_images"));
        assertEquals("3", r.provenance().get("inlierq.seed"));

        // toBuilder() round-trips: the same settings, the same bytes
        QuantizationConfig again = config.toBuilder().build();
        assertEquals(config.toString(), again.toString());
        Path second = tmp.resolve("minmax-again.onnx");
        Quantization.run(again, second, new Recorder());
        assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(second), "same config, same bytes");
    }

    @Test
    void reconstructionRunReportsEveryUnit() throws Exception {
        ReconstructionOptions recon = ReconstructionOptions.builder(Units.Kind.LAYER).iterations(4).batch(2).seed(3)
                .build();
        QuantizationConfig config = builder().method(Method.ADAROUND).weightBits(4).firstLastAt8Bit(false)
                .reconstruction(recon).build();
        assertEquals(recon, config.reconstruction(), "the reconstruction settings given are kept");
        Recorder listener = new Recorder();
        Path out = tmp.resolve("adaround.onnx");
        Quantization.Result r = Quantization.run(config, out, listener);
        assertTrue(Files.size(out) > 0);
        assertTrue(r.gptq().isEmpty(), "AdaRound from nearest rounding");
        List<String> reconstructed = new ArrayList<>();
        for (Reconstruction.UnitReport u : r.units()) {
            assertTrue(u.iterations() <= 4 && u.iterations() > 0, u.name() + ": " + u.iterations());
            assertTrue(Double.isFinite(u.firstLoss()) && Double.isFinite(u.lastLoss()), u.name());
            reconstructed.addAll(u.layers());
        }
        assertEquals(new HashSet<>(r.plan().layers()), new HashSet<>(reconstructed), "every quantized layer");
        for (QuantPoint w : r.plan().weights()) {
            assertEquals(4, w.bits(), "every layer at 4 bits without the 8-bit first and last layers: " + w.tensor());
        }
        assertTrue(listener.updates > 0, "reconstruction reports its steps");
        assertTrue(listener.phases.contains("reconstructing"), listener.phases.toString());
        assertTrue(r.provenance().get("inlierq.reconstruction").contains("iterations=4"),
                r.provenance().get("inlierq.reconstruction"));
        try (OrtRunner q = new OrtRunner(out, 1)) {
            FloatTensor x = spec.preprocessor().prepare(r.calibration().files().get(0)).tensor();
            q.run(x).forEach((k, v) -> {
                for (float f : v.data()) {
                    assertTrue(Float.isFinite(f), k);
                }
            });
        }
    }
}
