package dev.inlierq.detect.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.ClassMap;
import dev.inlierq.detect.InputLayout;
import dev.inlierq.detect.InputSpec;
import dev.inlierq.detect.InvalidSpecException;
import dev.inlierq.detect.NmsMode;
import dev.inlierq.detect.PostprocessSpec;
import dev.inlierq.detect.ResizeMode;
import dev.inlierq.detect.decode.AnchorYoloHead.Anchor;
import dev.inlierq.detect.decode.AnchorYoloHead.Level;
import dev.inlierq.detect.decode.AnchorYoloHead;
import dev.inlierq.detect.decode.BoxFormat;
import dev.inlierq.detect.decode.BoxScoreHead;
import dev.inlierq.detect.decode.CenterNetHead;
import dev.inlierq.detect.decode.CenterOffsetHead;
import dev.inlierq.detect.decode.DistributionHead;
import dev.inlierq.detect.decode.TensorLayout;
import dev.inlierq.detect.decode.YoloxHead;
import dev.inlierq.detect.image.ChannelOrder;
import dev.inlierq.detect.image.Interpolation;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DetectorSpecsTest {
    @TempDir
    Path dir;

    static final String CUSTOM = """
            name: custom
            input:
              name: data
              width: 64
              height: 48
              channelOrder: rgb
              resize: LETTERBOX_CENTER
              scale: 1/255
              mean: [0.5, 0.5, 0.5]
              std: [0.25, 0.25, 0.25]
            head:
              family: anchor_yolo
              formula: v3
              layout: CHANNELS_LAST
              levels:
                - {output: p3, stride: 8, anchors: [10, 13, 16, 30]}
                - {output: p4, stride: 16, anchors: [[30, 61], [62, 45]]}
            postprocess:
              scoreThreshold: 0.25
              nms: AGNOSTIC
              iouThreshold: 0.5
              maxDetections: 10
              preNmsTopK: 50
              multiLabel: false
            classes: [3, 5, 7]
            """;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void yoloxBuiltInFollowsTheModelsReadme() {
        DetectorSpec s = DetectorSpecs.resolve("yolox");
        assertEquals(new InputSpec("images", 416, 416, InputLayout.NCHW, ChannelOrder.BGR,
                ResizeMode.LETTERBOX_TOP_LEFT, Interpolation.LINEAR, 114, InputSpec.Normalization.NONE), s.input());
        assertEquals(new YoloxHead("output", List.of(8, 16, 32), true), s.head());
        assertEquals(new PostprocessSpec(0.001, NmsMode.CLASS_AWARE, 0.65, 100, 0, true), s.postprocess());
        assertSame(ClassMap.COCO80, s.classes());
        assertEquals("yolox", s.name());
    }

    @Test
    void picodetBuiltInFollowsTheModelsReadme() {
        DetectorSpec s = DetectorSpecs.resolve("PicoDet");
        assertEquals(new InputSpec("image", 320, 320, InputLayout.NCHW, ChannelOrder.RGB, ResizeMode.STRETCH,
                Interpolation.LINEAR, 114, new InputSpec.Normalization(1 / 255.0,
                        new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225})), s.input());
        assertEquals(new BoxScoreHead("scores", TensorLayout.CHANNELS_FIRST, "boxes", BoxFormat.XYXY, true), s.head());
        assertEquals(new PostprocessSpec(0.025, NmsMode.CLASS_AWARE, 0.6, 100, 0, true), s.postprocess());
    }

    @Test
    void fastestdetBuiltInFollowsTheModelsReadme() {
        DetectorSpec s = DetectorSpecs.resolve("fastestdet");
        assertEquals("input.1", s.input().name());
        assertEquals(352, s.input().width());
        assertEquals(ChannelOrder.BGR, s.input().channelOrder());
        assertEquals(ResizeMode.STRETCH, s.input().resize());
        assertEquals(1 / 255.0, s.input().normalization().scale());
        assertEquals(new CenterOffsetHead("758", 0.6, 0.4, true), s.head());
        assertEquals(new PostprocessSpec(0.001, NmsMode.CLASS_AWARE, 0.5, 100, 0, true), s.postprocess());
    }

    @Test
    void coco80MapsToTheNinetyIds() {
        assertEquals(80, ClassMap.COCO80.size());
        assertEquals(1, ClassMap.COCO80.categoryId(0));
        assertEquals(13, ClassMap.COCO80.categoryId(11)); // stop sign: id 12 is unused
        assertEquals(90, ClassMap.COCO80.categoryId(79));
    }

    @Test
    void loadsYamlWithDefaultsAndTypedValues() throws IOException {
        DetectorSpec s = DetectorSpecs.resolve(write("custom.yaml", CUSTOM).toString());
        InputSpec in = s.input();
        assertEquals("data", in.name());
        assertEquals(ChannelOrder.RGB, in.channelOrder());
        assertEquals(InputLayout.NCHW, in.layout());
        assertEquals(Interpolation.LINEAR, in.interpolation());
        assertEquals(114, in.padValue());
        assertEquals(1 / 255.0, in.normalization().scale());
        assertArrayEquals(new double[] {0.25, 0.25, 0.25}, in.normalization().std());
        assertEquals(new AnchorYoloHead(List.of(
                new Level("p3", 8, List.of(new Anchor(10, 13), new Anchor(16, 30))),
                new Level("p4", 16, List.of(new Anchor(30, 61), new Anchor(62, 45)))),
                TensorLayout.CHANNELS_LAST, AnchorYoloHead.Formula.V3, false), s.head());
        assertEquals(new PostprocessSpec(0.25, NmsMode.AGNOSTIC, 0.5, 10, 50, false), s.postprocess());
        assertEquals(List.of(3, 5, 7), s.classes().categoryIds());
    }

    @Test
    void loadsJsonAndAppliesDefaults() throws IOException {
        String json = """
                {"input": {"name": "x", "width": 320, "height": 256, "channelOrder": "BGR", "resize": "STRETCH"},
                 "head": {"family": "gfl", "strides": [8, 16, 32, 64], "regMax": 7,
                          "cls": "out", "clsLayout": "CHANNELS_LAST", "reg": "out", "regChannelOffset": 80,
                          "cellOffset": 0}}
                """;
        DetectorSpec s = DetectorSpecs.load(write("nanodet-plus.json", json));
        assertEquals("nanodet-plus", s.name());
        assertEquals(new DistributionHead(List.of(8, 16, 32, 64), 7, List.of("out"), TensorLayout.CHANNELS_LAST,
                List.of("out"), TensorLayout.CHANNELS_LAST, 80, 0.0, false), s.head());
        assertEquals(new PostprocessSpec(0.001, NmsMode.CLASS_AWARE, 0.65, 100, 0, true), s.postprocess());
        assertSame(ClassMap.COCO80, s.classes());
    }

    @Test
    void centernetOffsetIsOptional() throws IOException {
        String yaml = """
                input: {name: x, width: 512, height: 512, channelOrder: RGB, resize: LETTERBOX_CENTER, padValue: 0}
                head: {family: centernet, heatmap: hm, size: wh}
                postprocess: {nms: NONE, preNmsTopK: 100}
                """;
        DetectorSpec s = DetectorSpecs.load(write("cn.yml", yaml));
        assertEquals(new CenterNetHead("hm", "wh", null, 4, false), s.head());
        assertEquals(NmsMode.NONE, s.postprocess().nms());
        assertEquals(0, s.input().padValue());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "width: 64                  | width: 0                     | input.width: must be in 1..16384",
        "width: 64                  | widht: 64                    | input.width: is required (is 'widht' a misspelling?)",
        "width: 64                  | width: [64]                  | input.width: must be an integer",
        "scoreThreshold: 0.25       | scoreThreshold: high         | postprocess.scoreThreshold: must be a number",
        "preNmsTopK: 50             | preNmsTopk: 50               | postprocess.preNmsTopk: unknown field (known here: scoreThreshold",
        "resize: LETTERBOX_CENTER   | resize: FIT                  | input.resize: must be one of LETTERBOX_TOP_LEFT",
        "std: [0.25, 0.25, 0.25]    | std: [0.25, 0, 0.25]         | input.std[1]: must be a finite non-zero number",
        "mean: [0.5, 0.5, 0.5]      | mean: [0.5, 0.5]             | input.mean: needs exactly 3 values",
        "scale: 1/255               | scale: one                   | input.scale: must be a number",
        "channelOrder: rgb          | padValue: 114                | input.channelOrder: is required",
        "family: anchor_yolo        | family: ssd                  | head.family: must be one of",
        "anchors: [10, 13, 16, 30]  | anchors: [10, 13, 16]        | head.levels[0].anchors: must list width, height pairs",
        "stride: 16                 | stride: -16                  | head.levels[1].stride: must be a positive integer",
        "classes: [3, 5, 7]         | classes: [3, 5, 3]           | classes[2]: repeats category id 3",
        "classes: [3, 5, 7]         | classes: voc                 | classes: must be coco80 or a list",
        "iouThreshold: 0.5          | iouThreshold: 1.5            | postprocess.iouThreshold: must be in (0, 1]",
        "maxDetections: 10          | maxDetections: 2.5           | postprocess.maxDetections: must be an integer",
        "multiLabel: false          | multiLabel: nope             | postprocess.multiLabel: must be true or false",
        "name: custom               | nmae: custom                 | nmae: unknown field",
    })
    void badFieldIsNamedInOneLine(String original, String replacement, String expected) throws IOException {
        assertTrue(CUSTOM.contains(original), original);
        Path f = write("bad.yaml", CUSTOM.replace(original, replacement));
        UserError e = assertThrows(UserError.class, () -> DetectorSpecs.resolve(f.toString()));
        assertEquals(ExitCode.BAD_SPEC, e.exitCode());
        assertTrue(e.getMessage().startsWith(f + ": " + expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    /**
     * With several bad input values the first in file order is the error (the pixel values, a record of their own,
     * after the geometry); values that do not parse come before values out of range. "; " is a new key.
     */
    @ParameterizedTest(name = "{4}")
    @CsvSource(delimiter = '|', value = {
        "width: 64 | width: 0      | std: [0.25, 0.25, 0.25] | std: [0.25, 0, 0.25] | input.width: must be in 1..16384",
        "scale: 1/255 | scale: 0   | std: [0.25, 0.25, 0.25] | std: [0.25, 0, 0.25] | input.scale: must be a finite non-zero",
        "mean: [0.5, 0.5, 0.5] | mean: [0.5] | std: [0.25, 0.25, 0.25] | std: [0] | input.mean: needs exactly 3 values",
        "width: 64 | width: 0      | scale: 1/255            | scale: one           | input.scale: must be a number",
        "height: 48 | height: 48; padValue: 256 | scale: 1/255 | scale: 0          | input.padValue: must be in 0..255",
    })
    void firstBadInputValueInFileOrderIsNamed(String a, String badA, String b, String badB, String expected)
            throws IOException {
        assertTrue(CUSTOM.contains(a) && CUSTOM.contains(b), a + " / " + b);
        Path f = write("bad.yaml", CUSTOM.replace(a, badA.replace("; ", "\n  ")).replace(b, badB));
        UserError e = assertThrows(UserError.class, () -> DetectorSpecs.resolve(f.toString()));
        assertTrue(e.getMessage().startsWith(f + ": " + expected), e.getMessage());
    }

    @Test
    void gflNeedsOneOutputOrOnePerStride() throws IOException {
        String yaml = """
                input: {name: x, width: 64, height: 64, channelOrder: RGB, resize: STRETCH}
                head: {family: gfl, strides: [8, 16, 32], regMax: 7, cls: [a, b], clsLayout: CHANNELS_FIRST, reg: r}
                """;
        Path f = write("gfl.yaml", yaml);
        UserError e = assertThrows(UserError.class, () -> DetectorSpecs.load(f));
        assertTrue(e.getMessage().contains("head.cls: needs one output (all levels) or one per stride (3), got 2"),
                e.getMessage());
    }

    @Test
    void missingSectionAndBrokenSyntax() throws IOException {
        Path noInput = write("a.yaml", "head: {family: yolox}\n");
        UserError e = assertThrows(UserError.class, () -> DetectorSpecs.load(noInput));
        assertEquals(noInput + ": input: is required", e.getMessage());

        Path broken = write("b.yaml", "input: [unclosed\n");
        e = assertThrows(UserError.class, () -> DetectorSpecs.load(broken));
        assertEquals(ExitCode.BAD_SPEC, e.exitCode());
        assertTrue(e.getMessage().startsWith(broken + ": not valid YAML at line"), e.getMessage());

        Path duplicate = write("c.json", "{\"name\": \"a\", \"name\": \"b\"}");
        e = assertThrows(UserError.class, () -> DetectorSpecs.load(duplicate));
        assertEquals(ExitCode.BAD_SPEC, e.exitCode());
        assertTrue(e.getMessage().contains("Duplicate field 'name'"), e.getMessage());
    }

    @Test
    void missingFileAndUnknownExtension() throws IOException {
        UserError e = assertThrows(UserError.class, () -> DetectorSpecs.resolve(dir.resolve("none.yaml").toString()));
        assertEquals(ExitCode.MISSING_INPUT, e.exitCode());
        Path txt = write("spec.txt", CUSTOM);
        e = assertThrows(UserError.class, () -> DetectorSpecs.resolve(txt.toString()));
        assertEquals(ExitCode.BAD_SPEC, e.exitCode());
    }

    @Test
    void recordsValidateWhenBuiltInCode() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> new YoloxHead("output", List.of(8, 0), true));
        assertEquals("strides[1]", e.field());
        assertNull(new CenterNetHead("hm", "wh", null, 4, false).offset());
    }
}
