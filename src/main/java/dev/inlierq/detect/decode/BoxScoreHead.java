package dev.inlierq.detect.decode;

import static dev.inlierq.detect.InvalidSpecException.check;

import dev.inlierq.detect.decode.HeatmapRecipe.Activation;
import dev.inlierq.detect.decode.HeatmapRecipe.Part;
import dev.inlierq.detect.decode.HeatmapRecipe.Term;
import dev.inlierq.tensor.FloatTensor;
import java.util.List;
import java.util.Map;

/**
 * Boxes decoded inside the graph plus a score map (PP-PicoDet exported without NMS; family
 * {@code box_score}). {@code scores} is [N, C, L] ({@link TensorLayout#CHANNELS_FIRST}) or [N, L, C];
 * {@code boxes} is [N, L, 4] in network-input pixels:
 * <pre>
 *   box(l)      = boxes[n, l, :]  as x1, y1, x2, y2 (or cx, cy, w, h)
 *   score[c](l) = p(scores[n, c, l])        p = identity if decoded, else sigmoid
 * </pre>
 *
 * @param scores score output name; default {@code scores}
 * @param scoresLayout layout of the score output; default {@code CHANNELS_FIRST} ([N, C, L])
 * @param boxes box output name; default {@code boxes}
 * @param boxFormat {@code XYXY} (default) or {@code CXCYWH}
 * @param decoded scores are already probabilities; default true
 */
public record BoxScoreHead(String scores, TensorLayout scoresLayout, String boxes, BoxFormat boxFormat,
        boolean decoded) implements Head {

    public BoxScoreHead {
        check(scores != null && !scores.isBlank(), "scores", "must name a model output");
        check(scoresLayout != null, "scoresLayout", "is required");
        check(boxes != null && !boxes.isBlank(), "boxes", "must name a model output");
        check(boxFormat != null, "boxFormat", "is required");
    }

    @Override
    public HeatmapRecipe heatmap(int numClasses, int inputWidth, int inputHeight) {
        return new HeatmapRecipe(numClasses, List.of(Part.of(scores, scoresLayout,
                Term.of(0, numClasses, Activations.of(decoded, Activation.SIGMOID)))));
    }

    /** The {@code boxes} output, [N, L, 4] in input pixels, aligned with the score locations. */
    @Override
    public BoxValues boxValues(int inputWidth, int inputHeight) {
        return new BoxValues(boxes, TensorLayout.CHANNELS_LAST, 0, 0, boxFormat);
    }

    @Override
    public LocationBoxes boxes(Map<String, FloatTensor> outputs, int numClasses, int inputWidth, int inputHeight) {
        TensorView v = TensorView.of(outputs, boxes, TensorLayout.CHANNELS_LAST, 1);
        v.requireChannels(4, "box coordinates");
        boolean corners = boxFormat == BoxFormat.XYXY;
        return new LocationBoxes(v.locations, (n, l, b) -> {
            int i = v.index(n, 0, l);
            if (corners) {
                for (int k = 0; k < 4; k++) {
                    b[k] = v.data[i + k];
                }
            } else {
                LocationBoxes.centerSize(b, v.data[i], v.data[i + 1], v.data[i + 2], v.data[i + 3]);
            }
        });
    }

    @Override
    public List<String> outputNames() {
        return List.of(scores, boxes);
    }
}
