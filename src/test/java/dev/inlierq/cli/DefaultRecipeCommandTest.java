package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.testing.OutlierChain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quantize} with no {@code --method} at 4-bit weights searches each activation's equalisation strength
 * (the default 4-bit recipe, {@code Method.defaultRecipe}); {@code --no-search-alpha} and an explicit method keep
 * the single strength. Read from the written file's provenance, on a tiny model with two reconstruction steps.
 */
class DefaultRecipeCommandTest {
    @TempDir
    Path tmp;

    private String equalizeAlpha(String name, String... more) throws Exception {
        Path model = OutlierChain.model(tmp);
        Path spec = OutlierChain.specFile(tmp);
        Path images = OutlierChain.images(tmp, 4);
        Path out = tmp.resolve(name + ".onnx");
        List<String> args = new ArrayList<>(List.of("quantize", "--model", model.toString(), "--spec",
                spec.toString(), "--calib", images.toString(), "--num-calib", "4", "--batch", "2", "--w-bits", "4",
                "--iters", "2", "--check-images", "1", "--stats-images", "1", "--out", out.toString()));
        args.addAll(List.of(more));
        CliErrorsTest.Run r = CliErrorsTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return OnnxReader.read(out).metadata().get("inlierq.equalize_alpha");
    }

    @Test
    void theDefault4BitRecipeSearchesTheStrength() throws Exception {
        assertEquals("searched", equalizeAlpha("default"));
        assertEquals("0.5", equalizeAlpha("off", "--no-search-alpha"));
        assertEquals("0.5", equalizeAlpha("adaround", "--method", "adaround"));
        assertEquals("searched", equalizeAlpha("brecq", "--method", "brecq", "--search-alpha"));
    }
}
