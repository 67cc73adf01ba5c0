package dev.inlierq.detect.spec;

import static dev.inlierq.detect.InvalidSpecException.check;

import dev.inlierq.detect.ClassMap;
import dev.inlierq.detect.InputSpec;
import dev.inlierq.detect.PostprocessSpec;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.detect.decode.Decoder;
import dev.inlierq.detect.decode.Head;

/**
 * Everything the toolkit needs to know about a detector besides its weights: how images become its
 * input and how its outputs become COCO detections. Load one with {@link DetectorSpecs#resolve}.
 *
 * <h2>File format (YAML, or the same structure in JSON; keys are case-sensitive, enum values are not)</h2>
 * <pre>
 * name: yolox                    # optional; default: the file name without extension
 * input:                         # see {@link InputSpec}
 *   name: images                 # model input name
 *   width: 416
 *   height: 416
 *   layout: NCHW                 # default NCHW (the only layout)
 *   channelOrder: BGR            # RGB | BGR
 *   resize: LETTERBOX_TOP_LEFT   # LETTERBOX_TOP_LEFT | LETTERBOX_CENTER | STRETCH
 *   interpolation: LINEAR        # LINEAR (default) | NEAREST
 *   padValue: 114                # letterbox canvas value, 0..255; default 114
 *   scale: 1                     # e.g. "1/255"; default 1
 *   mean: [0, 0, 0]              # default 0, 0, 0 (in channelOrder, after scaling)
 *   std: [1, 1, 1]               # default 1, 1, 1
 * head:                          # one of the families below, see each record's Javadoc
 *   family: yolox                # yolox | box_score | center_offset | anchor_yolo | gfl | centernet
 *   output: output
 *   strides: [8, 16, 32]
 *   decoded: true
 * postprocess:                   # optional section; see {@link PostprocessSpec} (defaults shown)
 *   scoreThreshold: 0.001
 *   nms: CLASS_AWARE             # CLASS_AWARE | AGNOSTIC | NONE
 *   iouThreshold: 0.65
 *   maxDetections: 100
 *   preNmsTopK: 0                # 0 = no limit
 *   multiLabel: true
 * classes: coco80                # default; or a list of category ids, one per class channel
 * </pre>
 * Head fields by family (defaults in parentheses; no default = required):
 * <ul>
 *   <li>{@code yolox} ({@link dev.inlierq.detect.decode.YoloxHead}): output (output),
 *       strides (8, 16, 32), batchAxis (true), decoded (true)</li>
 *   <li>{@code box_score} ({@link dev.inlierq.detect.decode.BoxScoreHead}): scores (scores),
 *       scoresLayout (CHANNELS_FIRST), boxes (boxes), boxFormat (XYXY | CXCYWH), decoded (true)</li>
 *   <li>{@code center_offset} ({@link dev.inlierq.detect.decode.CenterOffsetHead}): output,
 *       objExponent (0.6), clsExponent (0.4), decoded (true)</li>
 *   <li>{@code anchor_yolo} ({@link dev.inlierq.detect.decode.AnchorYoloHead}): levels (list of
 *       output, stride, anchors: [w0, h0, w1, h1, ...]), layout (CHANNELS_FIRST), formula (V5 | V3),
 *       batchAxis (true), decoded (false)</li>
 *   <li>{@code anchor_yolo} with {@code layout} a mapping, one packed output
 *       ({@link dev.inlierq.detect.decode.PackedAnchorHead}): output, layout (box, objectness, classes:
 *       first column of each group), levels (list of stride, anchors, size: [columns, rows]
 *       (ceil(input / stride))), formula (V5 | V3), batchAxis (true), decoded (false)</li>
 *   <li>{@code gfl} ({@link dev.inlierq.detect.decode.DistributionHead}): strides, regMax, cls (one
 *       name or one per stride), clsLayout, reg (likewise), regLayout (CHANNELS_LAST),
 *       regChannelOffset (0), cellOffset (0.5), batchAxis (true), decoded (false)</li>
 *   <li>{@code centernet} ({@link dev.inlierq.detect.decode.CenterNetHead}): heatmap, size, offset
 *       (none), stride (4), decoded (false), yaw (none: an output [N, 2, H, W] of each cell's heading as
 *       (sin, cos)), dim (none: an output [N, 3, H, W] of each cell's ln length, ln width (input pixels) and
 *       ln height (metres); needs yaw), z (none: an output [N, 1, H, W] of each cell's centre height in metres)</li>
 * </ul>
 * {@code batchAxis: false} describes outputs exported without the batch axis (e.g. {@code [1600, 80]}
 * per level); at batch N the images' locations follow one another along the first axis.
 * Every command checks the spec against the model before any work ({@link SpecCheck}).
 * Unknown keys are errors. Every error is one line with exit code BAD_SPEC naming the field, e.g.
 * {@code my.yaml: input.std[1]: must be a finite non-zero number, got 0.0}.
 *
 * @param name a label for reports
 * @param input pre-processing
 * @param head output decoding family and its parameters
 * @param postprocess thresholds, NMS and caps
 * @param classes class index to category id
 */
public record DetectorSpec(String name, InputSpec input, Head head, PostprocessSpec postprocess, ClassMap classes) {

    public DetectorSpec {
        check(name != null && !name.isBlank(), "name", "must not be empty");
        check(input != null, "input", "is required");
        check(head != null, "head", "is required");
        check(postprocess != null, "postprocess", "is required");
        check(classes != null, "classes", "is required");
    }

    /** A pre-processor for this spec's input. */
    public Preprocessor preprocessor() {
        return new Preprocessor(input);
    }

    /** The recipe for the score heatmap H[N, C, L] of this spec's outputs (InlierQ's loss reads it). */
    public dev.inlierq.detect.decode.HeatmapRecipe heatmapRecipe() {
        return decoder().heatmapRecipe(input.width(), input.height());
    }

    /** Where this spec's head keeps its box values for the task loss's box term (null: not one group per location). */
    public dev.inlierq.detect.decode.BoxValues boxValues() {
        return decoder().boxValues(input.width(), input.height());
    }

    /** A decoder for this spec's outputs. */
    public Decoder decoder() {
        return new Decoder(head, postprocess, classes);
    }
}
