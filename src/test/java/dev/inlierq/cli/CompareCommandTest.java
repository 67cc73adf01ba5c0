package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.error.ExitCode;
import dev.inlierq.testing.OnnxModelBuilder;
import dev.inlierq.testing.TinyDetectors;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlierq compare} on the command line: the table and JSON, and one line with its exit code for bad input. */
class CompareCommandTest {
    @TempDir
    Path tmp;
    Path model;
    Path images;
    Path spec;

    @BeforeEach
    void setUp() throws Exception {
        model = TinyDetectors.perLevel(tmp, List.of(8, 16), 80, 3, true);
        images = Files.createDirectories(tmp.resolve("images"));
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 5, 0xff8040);
        ImageIO.write(img, "png", images.resolve("a.png").toFile());
        spec = tmp.resolve("tiny.yaml");
        Files.writeString(spec, "input: {name: images, width: 64, height: 64, channelOrder: RGB, resize: STRETCH,"
                + " scale: 1/255}\npostprocess: {scoreThreshold: 0.05}\nhead: {family: gfl, strides: [8, 16],"
                + " regMax: 3, cls: [cls8, cls16], clsLayout: CHANNELS_LAST, reg: [reg8, reg16]}\n");
    }

    private CliErrorsTest.Run compare(Path quantized, Path imageDir, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("compare", "--float", model.toString(), "--quantized",
                quantized.toString(), "--images", imageDir.toString()));
        args.addAll(List.of(more));
        return CliErrorsTest.run(args.toArray(String[]::new));
    }

    @Test
    void printsTheWorstTensorsAndWritesEveryRow() throws Exception {
        Path json = tmp.resolve("c.json");
        CliErrorsTest.Run r = compare(model, images, "--spec", spec.toString(), "--top", "2", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("worst 2 of "), r.out());
        assertTrue(r.out().contains("model outputs, quantized file as deployed"), r.out());
        assertTrue(r.out().contains("'cls8': SQNR inf dB"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertTrue(j.get("tensors").size() > 2, "every row in the JSON");
        assertEquals("inf", j.get("tensors").get(0).get("sqnr_db").asText());
        assertEquals(4, j.get("outputs_deployed").size());
    }

    @Test
    void badInputIsOneLineWithItsExitCode() throws Exception {
        CliErrorsTest.assertOnlyLine(compare(tmp.resolve("nope.onnx"), images, "--spec", spec.toString()),
                ExitCode.MISSING_INPUT, "--quantized", "nope.onnx");
        Path text = Files.writeString(tmp.resolve("text.onnx"), "not a model at all\n");
        CliErrorsTest.assertOnlyLine(compare(text, images, "--spec", spec.toString()), ExitCode.INVALID_MODEL,
                "text.onnx");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliErrorsTest.assertOnlyLine(compare(model, empty, "--spec", spec.toString()), ExitCode.BAD_IMAGE, "empty");
        Path otherDir = Files.createDirectories(tmp.resolve("other"));
        Path other = OnnxModelBuilder.opset(13).input("pixels", -1, 3, 64, 64).node("Relu", "pixels").out("cls8").end()
                .output("cls8").write(otherDir);
        CliErrorsTest.assertOnlyLine(compare(other, images, "--spec", spec.toString()), ExitCode.MODEL_MISMATCH,
                "pixels", "images");
        CliErrorsTest.assertOnlyLine(compare(model, images), ExitCode.USAGE, "--spec");
        CliErrorsTest.assertOnlyLine(compare(model, images, "--spec", spec.toString(), "--num-images", "0"),
                ExitCode.USAGE, "--num-images");
        CliErrorsTest.assertOnlyLine(compare(model, images, "--spec", spec.toString(), "--json", model.toString()),
                ExitCode.OUTPUT_CONFLICT, "refusing to overwrite");
    }
}
