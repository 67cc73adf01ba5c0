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
 * @param batchAxis axis 0 of the output is the batch; default true (false: [N*L, 5 + C], e.g. [3549, 85])
 * @param decoded objectness and class channels already sigmoid (the official ONNX export); default true
 */
public record YoloxHead(String output, List<Integer> strides, boolean batchAxis, boolean decoded) implements Head {

    public YoloxHead {
        check(output != null && !output.isBlank(), "output", "must name a model output");
        strides = Grid.checkStrides(strides, "strides");
    }

    /** A head whose output has a batch axis. */
    public YoloxHead(String output, List<Integer> strides, boolean decoded) {
        this(output, strides, true, decoded);
    }

    private int sampleRows(int inputWidth, int inputHeight) {
        return batchAxis ? 0 : Grid.points(strides, inputWidth, inputHeight);
    }

    @Override
    public HeatmapRecipe heatmap(int numClasses, int inputWidth, int inputHeight) {
        Activation a = Activations.of(decoded, Activation.SIGMOID);
        return new HeatmapRecipe(numClasses, List.of(new Part(output, TensorLayout.CHANNELS_LAST, 1,
                Term.of(5, numClasses, a), Term.of(4, 1, a), sampleRows(inputWidth, inputHeight))));
    }

    /** Channels 0-3 of the output: centre offsets in strides and log sizes, one group per location. */
    @Override
    public BoxValues boxValues(int inputWidth, int inputHeight) {
        return new BoxValues(output, TensorLayout.CHANNELS_LAST, 0, sampleRows(inputWidth, inputHeight), null);
    }

    @Override
    public LocationBoxes boxes(Map<String, FloatTensor> outputs, int numClasses, int inputWidth, int inputHeight) {
        TensorView v = TensorView.of(outputs, output, TensorLayout.CHANNELS_LAST, 1, sampleRows(inputWidth, inputHeight));
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
