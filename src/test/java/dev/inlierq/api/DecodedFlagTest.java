package dev.inlierq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.cli.Main;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.testing.Shared;
import dev.inlierq.testing.TinyDetectors;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A wrong {@code decoded} flag is told from the score range of the first batch (issue 11 item 9). */
class DecodedFlagTest {
    @TempDir
    Path tmp;

    private static UserError evaluate(Path model, DetectorSpec spec) {
        return assertThrows(UserError.class, () -> Evaluation.run(new Evaluation.Options(model, spec,
                Shared.valImages(), Shared.valAnnotations(), EngineKind.ORT, 2, 2, 2), n -> { }));
    }

    @Test
    void probabilitiesReadAsLogitsAreRefused() throws Exception {
        Shared.require();
        String text;
        try (InputStream in = DetectorSpecs.class.getResourceAsStream("/specs/fastestdet.yaml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        DetectorSpec wrong = DetectorSpecs.parse(text.replace("decoded: true", "decoded: false"),
                DetectorSpecs.Format.YAML, "wrong.yaml", "wrong");
        UserError e = evaluate(Shared.model("fastestdet"), wrong);
        assertEquals(ExitCode.BAD_SPEC, e.exitCode());
        assertTrue(e.getMessage().contains("head.decoded is false but output '758'")
                && e.getMessage().contains("set decoded: true"), e.getMessage());
        Path spec = tmp.resolve("wrong.yaml");
        Files.writeString(spec, text.replace("decoded: true", "decoded: false"));
        Path out = tmp.resolve("q.onnx");
        assertEquals(ExitCode.BAD_SPEC.code(), Main.execute("quantize", "--model", Shared.model("fastestdet").toString(),
                "--spec", spec.toString(), "--calib", Shared.trainImages().toString(), "--num-calib", "2",
                "--method", "minmax", "--out", out.toString()));
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void logitsReadAsProbabilitiesAreRefused() {
        Shared.require();
        Path model = TinyDetectors.perLevel(tmp, List.of(8, 16), 80, 3, true);
        DetectorSpec wrong = DetectorSpecs.parse("input: {name: images, width: 64, height: 64, channelOrder: RGB,"
                + " resize: STRETCH, scale: 1/255}\nhead: {family: gfl, strides: [8, 16], regMax: 3,"
                + " cls: [cls8, cls16], clsLayout: CHANNELS_LAST, reg: [reg8, reg16], decoded: true}\n",
                DetectorSpecs.Format.YAML, "wrong.yaml", "wrong");
        UserError e = evaluate(model, wrong);
        assertEquals(ExitCode.BAD_SPEC, e.exitCode());
        assertTrue(e.getMessage().contains("head.decoded is true but output 'cls8'")
                && e.getMessage().contains("'cls16'") && e.getMessage().contains("set decoded: false"), e.getMessage());
    }
}
