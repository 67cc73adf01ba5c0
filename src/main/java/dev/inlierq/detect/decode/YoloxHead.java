package dev.inlierq.detect.decode;

import static dev.inlierq.detect.InvalidSpecException.check;

import dev.inlierq.detect.decode.HeatmapRecipe.Activation;
import dev.inlierq.detect.decode.HeatmapRecipe.Part;
import dev.inlierq.detect.decode.HeatmapRecipe.Term;
import dev.inlierq.tensor.FloatTensor;
import java.util.List;
import java.util.Map;

/**
 * Anchor-free grid with objectness (YOLOX; family {@code yolox}). One output [N, L, 5 + C]
 * ({@link TensorLayout#CHANNELS_LAST}), rows = the grid points of every stride, level by level,
 * row-major. For the point (col, row) of stride s:
 * <pre>
 *   cx = (col + t0) * s      cy = (row + t1) * s
 *   w  = exp(t2) * s         h  = exp(t3) * s
 *   score[c] = p(t4) * p(t[5 + c])        p = identity if decoded, else sigmoid
 * </pre>
 *
 * @param output output name; default {@code output}
 * @param strides strides of the levels in output order; default 8, 16, 32
 * @param decoded objectness and class channels already sigmoid (the official ONNX export); default true
 */
public record YoloxHead(String output, List<Integer> strides, boolean decoded) implements Head {

    public YoloxHead {
        check(output != null && !output.isBlank(), "output", "must name a model output");
        strides = Grid.checkStrides(strides, "strides");
    }

    @Override
    public HeatmapRecipe heatmap(int numClasses) {
        Activation a = Activations.of(decoded, Activation.SIGMOID);
        return new HeatmapRecipe(numClasses, List.of(new Part(output, TensorLayout.CHANNELS_LAST, 1,
                Term.of(5, numClasses, a), Term.of(4, 1, a))));
    }

    @Override
    public LocationBoxes boxes(Map<String, FloatTensor> outputs, int numClasses, int inputWidth, int inputHeight) {
        TensorView v = TensorView.of(outputs, output, TensorLayout.CHANNELS_LAST, 1);
        v.requireChannels(5 + numClasses, "4 box values, objectness, " + numClasses + " classes");
        Grid g = Grid.of(strides, inputWidth, inputHeight);
        v.requireLocations(g.size(), g.describe(strides, inputWidth, inputHeight));
        return new LocationBoxes(g.size(), (n, l, b) -> {
            int i = v.index(n, 0, l);
            double s = g.stride[l];
            LocationBoxes.centerSize(b, (g.col[l] + v.data[i]) * s, (g.row[l] + v.data[i + 1]) * s,
                    Math.exp(v.data[i + 2]) * s, Math.exp(v.data[i + 3]) * s);
        });
    }

    @Override
    public List<String> outputNames() {
        return List.of(output);
    }
}
