package dev.inlierq.train;

import dev.inlierq.detect.NmsMode;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The detector spec of a trained detector, as YAML text: RGB input stretched to the input side, values
 * {@code (v / 255 - 0.5) / 0.25}, family {@code centernet} on the outputs of {@link CenterNetGraph} (logits, so
 * {@code decoded: false}), CenterNet's top-100 peaks, and classes = category ids 1..K of the synthetic benchmark;
 * with a heading output ({@link Architecture#yaw()}) the head also names it, {@code yaw: yaw}, and with the 3D
 * outputs ({@link Architecture#box3d()}) those too, {@code dim: dim} and {@code z: z}.
 */
public final class DetectorSpecText {
    /** Name of the spec (and of the committed demo detector). */
    public static final String NAME = "synthdet";

    private DetectorSpecText() {
    }

    /** The spec text; {@code comments} become leading {@code #} lines (provenance). */
    public static String yaml(Architecture a, NmsMode nms, List<String> comments) {
        StringBuilder b = new StringBuilder();
        for (String c : comments) {
            b.append("# ").append(c).append('\n');
        }
        String classes = IntStream.rangeClosed(1, a.numClasses()).mapToObj(Integer::toString)
                .collect(Collectors.joining(", "));
        b.append(String.format(Locale.ROOT, """
                name: %s
                input:
                  name: %s
                  width: %d
                  height: %d
                  layout: NCHW
                  channelOrder: RGB
                  resize: STRETCH
                  interpolation: LINEAR
                  scale: 1/255
                  mean: [0.5, 0.5, 0.5]
                  std: [0.25, 0.25, 0.25]
                head:
                  family: centernet
                  heatmap: %s
                  size: %s
                  offset: %s
                %s  stride: %d
                  decoded: false
                postprocess:
                  scoreThreshold: 0.001
                  nms: %s
                  iouThreshold: 0.65
                  maxDetections: 100
                  preNmsTopK: 100
                  multiLabel: true
                classes: [%s]
                """, NAME, CenterNetGraph.INPUT, a.inputSize(), a.inputSize(), CenterNetGraph.HEATMAP,
                CenterNetGraph.SIZE, CenterNetGraph.OFFSET, extraOutputs(a),
                Architecture.STRIDE, nms.name(), classes));
        return b.toString();
    }

    /** The head's lines naming the outputs beyond size and offset: yaw, then dim and z (none for a plain head). */
    private static String extraOutputs(Architecture a) {
        StringBuilder b = new StringBuilder();
        if (a.yaw()) {
            b.append("  yaw: ").append(CenterNetGraph.YAW).append('\n');
        }
        if (a.box3d()) {
            b.append("  dim: ").append(CenterNetGraph.DIM).append('\n');
            b.append("  z: ").append(CenterNetGraph.Z).append('\n');
        }
        return b.toString();
    }

    /** The parsed spec of {@link #yaml}. */
    public static DetectorSpec spec(Architecture a, NmsMode nms) {
        return DetectorSpecs.parse(yaml(a, nms, List.of()), DetectorSpecs.Format.YAML, NAME, NAME);
    }
}
