package dev.inlierq.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.testing.TinyCenterNet;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Demo#run} end to end on a tiny CenterNet-style model with real ONNX Runtime and the real quantizer, at tiny
 * counts (6 validation and 4 calibration images, one InlierQ step): the JSON document, the cache reused on a second
 * run with the same results, the output folder rule, and the bundled model missing from the class path.
 */
class DemoTest {
    @TempDir
    Path tmp;

    /** The demo on the user's tiny model (given as --model and --spec would give it), at tiny counts. */
    private DemoConfig.Builder tiny(Path json) {
        Path in = tmp.resolve("in");
        Path model = TinyCenterNet.write(in, "tiny", 64, 8, 1);
        Path spec = TinyCenterNet.writeSpec(in, "tiny", 64);
        return counts(DemoConfig.builder().model(model, spec.toString()), json);
    }

    private DemoConfig.Builder counts(DemoConfig.Builder b, Path json) {
        return b.cache(tmp.resolve("cache")).out(tmp.resolve("out")).json(json).valImages(6).calibImages(4)
                .iterations(1).latencyRuns(2).threads(2);
    }

    /** A tiny model bundled as the tool bundles its own: {@code demo/tiny.onnx} and {@code demo/tiny.yaml}. */
    private BundledModel bundled(URLClassLoader loader) {
        return new BundledModel("demo/tiny.onnx", "demo/tiny.yaml", loader);
    }

    private URLClassLoader classPathWithTinyModel() throws IOException {
        Path demo = tmp.resolve("classes/demo");
        TinyCenterNet.write(demo, "tiny", 64, 8, 1);
        TinyCenterNet.writeSpec(demo, "tiny", 64);
        return new URLClassLoader(new URL[] {tmp.resolve("classes").toUri().toURL()}, null);
    }

    /** Records the phases and results a run reports. */
    static final class Recorder implements Demo.Listener {
        final List<String> phases = new ArrayList<>();
        final List<String> results = new ArrayList<>();

        @Override
        public void phase(int index, int count, String label) {
            phases.add(index + "/" + count + " " + label);
        }

        @Override
        public void result(String line) {
            results.add(line);
        }
    }

    @Test
    void runsEndToEndThenReusesTheCacheAndRefreshesItsOwnFiles() throws Exception {
        Path json = tmp.resolve("d.json");
        try (URLClassLoader loader = classPathWithTinyModel()) {
            DemoConfig config = counts(DemoConfig.builder().bundled(bundled(loader)), json).build();
            Recorder first = new Recorder();
            DemoResult r1 = Demo.run(config, first);
            assertEquals(9, first.phases.size(), first.phases.toString());
            assertTrue(first.phases.get(0).startsWith("1/9 model: the bundled demo detector"), first.phases.toString());
            assertTrue(first.phases.get(5).contains("W4A8 with inlierq, 1 optimisation step per block"),
                    first.phases.toString());
            assertFalse(r1.setup().data().reused());
            assertTrue(r1.setup().modelFile().getParent().getFileName().toString().matches("model-[0-9a-f]{12}"),
                    "the bundled model is copied to the cache: " + r1.setup().modelFile());
            checkJson(json);
            String header = r1.table().lines().findFirst().orElseThrow();
            assertTrue(header.startsWith("run                              bits      AP   AP50      size    latency  "
                    + "seconds") && header.endsWith(" AP change [95%]"), header);
            assertFalse(header.contains("BEV"), "the shapes table has no BEV column");
            assertTrue(r1.table().contains(DemoResult.change(r1.runs().get(0).bootstrap().ap())), r1.table());
            assertTrue(r1.table().contains("95% interval of 1000 paired resamples of the val images (seed "),
                    r1.table());
            assertTrue(Files.readString(tmp.resolve("out/tiny-w8a8.html")).contains("Paired bootstrap, quantized "
                    + "minus float"), "the report shows the interval");
            assertTrue(r1.floatModel().bevMap().isEmpty() && r1.runs().get(0).measured().bevMap().isEmpty());
            assertEquals(Set.of("inlierq-demo.json", "tiny-w8a8.onnx", "tiny-w8a8.html", "tiny-w4a8-inlierq.onnx",
                    "tiny-w4a8-inlierq.html"), names(tmp.resolve("out")));
            assertTrue(Files.readString(tmp.resolve("out/tiny-w4a8-inlierq.html")).contains("<html"));

            Path data = r1.setup().data().folder();
            FileTime images = Files.getLastModifiedTime(data.resolve("val/000001.jpg"));
            FileTime model = Files.getLastModifiedTime(r1.setup().modelFile());
            byte[] w8a8 = Files.readAllBytes(tmp.resolve("out/tiny-w8a8.onnx"));
            byte[] w4a8 = Files.readAllBytes(tmp.resolve("out/tiny-w4a8-inlierq.onnx"));
            DemoConfig again = counts(DemoConfig.builder().bundled(bundled(loader)), json).reports(false).build();
            DemoResult r2 = Demo.run(again, Demo.Listener.NONE);
            assertTrue(r2.setup().data().reused(), "the second run finds the images in the cache");
            assertEquals(images, Files.getLastModifiedTime(data.resolve("val/000001.jpg")), "not regenerated");
            assertEquals(model, Files.getLastModifiedTime(r2.setup().modelFile()), "the model is not copied again");
            assertEquals(Set.of(data.getFileName().toString(), r1.setup().modelFile().getParent().getFileName()
                    .toString()), names(tmp.resolve("cache")), "nothing else in the cache: no temporary folder");
            assertEquals(r1.floatModel().ap(), r2.floatModel().ap());
            for (int i = 0; i < 2; i++) {
                assertEquals(r1.runs().get(i).measured().ap(), r2.runs().get(i).measured().ap(), "same seed, same AP");
                assertEquals(r1.runs().get(i).bootstrap(), r2.runs().get(i).bootstrap(), "same seed, same interval");
            }
            assertArrayEquals(w8a8, Files.readAllBytes(tmp.resolve("out/tiny-w8a8.onnx")), "same seed, same file");
            assertArrayEquals(w4a8, Files.readAllBytes(tmp.resolve("out/tiny-w4a8-inlierq.onnx")), "same W4A8 file");

            Files.writeString(tmp.resolve("out/tiny-w8a8.html"), "my notes");
            UserError e = assertThrows(UserError.class, () -> Demo.run(config, Demo.Listener.NONE));
            assertEquals(ExitCode.OUTPUT_CONFLICT, e.exitCode());
            assertTrue(e.getMessage().contains("tiny-w8a8.html"), e.getMessage());
            assertEquals("my notes", Files.readString(tmp.resolve("out/tiny-w8a8.html")), "an edited file survives");
        }
    }

    /** The --json document: the keys, AP as fractions, sizes matching the files. */
    private static void checkJson(Path json) throws IOException {
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertFraction(doc.path("float").path("AP"));
        assertFraction(doc.path("float").path("AP50"));
        JsonNode runs = doc.path("runs");
        assertEquals(2, runs.size());
        for (JsonNode run : runs) {
            for (String key : List.of("method", "w_bits", "a_bits", "AP", "AP50", "seconds", "size_bytes")) {
                assertTrue(run.has(key), key + " in " + run);
            }
            assertFraction(run.path("AP"));
            assertFraction(run.path("AP50"));
            assertTrue(run.path("seconds").asDouble() > 0, run.toString());
            assertEquals(Files.size(Path.of(run.path("file").asText())), run.path("size_bytes").asLong());
            JsonNode diff = run.path("AP_diff");
            for (String key : List.of("value", "low", "high", "sd")) {
                assertTrue(diff.path(key).isNumber(), key + " in " + diff);
            }
            assertEquals(run.path("AP").asDouble() - doc.path("float").path("AP").asDouble(),
                    diff.path("value").asDouble(), 1e-9, "the paired change is quantized minus float");
            assertTrue(diff.path("low").asDouble() <= diff.path("high").asDouble() && diff.path("sd").asDouble() >= 0,
                    diff.toString());
            assertFalse(run.has("bev_mAP_diff"), "no BEV change on the shapes benchmark");
        }
        assertEquals("inlierq", runs.get(0).path("method").asText(), "W8A8: the default recipe");
        assertEquals(8, runs.get(0).path("w_bits").asInt());
        assertEquals(8, runs.get(0).path("a_bits").asInt());
        assertEquals("inlierq", runs.get(1).path("method").asText());
        assertEquals(4, runs.get(1).path("w_bits").asInt());
        assertEquals(8, runs.get(1).path("a_bits").asInt());
        assertFalse(doc.path("float").has("bev_mAP"), "no BEV mAP on the shapes benchmark");
        assertEquals("shapes", doc.path("benchmark").asText());
        assertEquals(6, doc.path("val_images").asInt());
        assertEquals(4, doc.path("calib_images").asInt());
    }

    @Test
    void aUserFileAtAnOutputNameIsNeverOverwritten() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("tiny-w4a8-inlierq.onnx"), "mine");
        Files.writeString(out.resolve("notes.txt"), "keep");
        DemoConfig config = tiny(tmp.resolve("d.json")).build();
        UserError e = assertThrows(UserError.class, () -> Demo.run(config, Demo.Listener.NONE));
        assertEquals(ExitCode.OUTPUT_CONFLICT, e.exitCode());
        assertTrue(e.getMessage().contains("tiny-w4a8-inlierq.onnx") && e.getMessage().contains("did not write it"),
                e.getMessage());
        assertEquals("mine", Files.readString(out.resolve("tiny-w4a8-inlierq.onnx")));
        assertEquals(Set.of("tiny-w4a8-inlierq.onnx", "notes.txt"), names(out), "nothing written");
        assertFalse(Files.exists(tmp.resolve("cache")), "checked before any work");
        assertFalse(Files.exists(tmp.resolve("d.json")));

        Files.delete(out.resolve("tiny-w4a8-inlierq.onnx"));
        Files.writeString(out.resolve(DemoOutputs.MANIFEST), "{\"files\": {}}");
        UserError m = assertThrows(UserError.class, () -> Demo.run(config, Demo.Listener.NONE));
        assertEquals(ExitCode.OUTPUT_CONFLICT, m.exitCode());
        assertTrue(m.getMessage().contains("not a manifest of the demo"), m.getMessage());

        Files.delete(out.resolve(DemoOutputs.MANIFEST));
        DemoConfig clash = tiny(out.resolve("tiny-w8a8.onnx")).build();
        UserError j = assertThrows(UserError.class, () -> Demo.run(clash, Demo.Listener.NONE));
        assertEquals(ExitCode.OUTPUT_CONFLICT, j.exitCode());
        assertTrue(j.getMessage().startsWith("--json"), j.getMessage());
    }

    @Test
    void aMissingBundledModelIsOneErrorWithItsOwnCodeAndNothingWritten() throws Exception {
        DemoConfig config = DemoConfig.builder().bundled(new BundledModel("demo/absent.onnx", "demo/absent.yaml",
                getClass().getClassLoader())).cache(tmp.resolve("cache")).out(tmp.resolve("out"))
                .json(tmp.resolve("d.json")).build();
        UserError e = assertThrows(UserError.class, () -> Demo.run(config, Demo.Listener.NONE));
        assertEquals(ExitCode.MISSING_RESOURCE, e.exitCode());
        assertEquals(12, e.exitCode().code());
        assertTrue(e.getMessage().contains("demo/absent.onnx") && e.getMessage().contains("--model"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(Set.of(), names(tmp), "no cache, output folder or JSON file");
    }

    private static void assertFraction(JsonNode v) {
        assertTrue(v.isNumber(), "a number: " + v);
        assertTrue(v.asDouble() >= 0 && v.asDouble() <= 1, "in [0, 1]: " + v);
    }

    static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(java.util.TreeSet::new));
        }
    }
}
