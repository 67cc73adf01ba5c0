package dev.inlierq.detect.decode;

import static dev.inlierq.detect.InvalidSpecException.check;

import dev.inlierq.detect.decode.HeatmapRecipe.Activation;
import dev.inlierq.detect.decode.HeatmapRecipe.Part;
import dev.inlierq.detect.decode.HeatmapRecipe.Term;
import dev.inlierq.tensor.FloatTensor;
import java.util.List;
import java.util.Map;

/**
 * A single map of centre offsets (FastestDet; family {@code center_offset}). One output
 * [N, 5 + C, H, W] ({@link TensorLayout#CHANNELS_FIRST}); channel 0 objectness, 1-2 centre offsets,
 * 3-4 width and height as fractions of the image, 5.. class probabilities. At cell (col, row):
 * <pre>
 *   cx = (col + tanh(t1)) / W * inW      cy = (row + tanh(t2)) / H * inH
 *   w  = sigmoid(t3) * inW               h  = sigmoid(t4) * inH
 *   score[c] = p(t0)^a * q(t[5 + c])^b   p = identity if decoded, else sigmoid;
 *                                        q = identity if decoded, else softmax over the C classes
 * </pre>
 *
 * @param output output name; required (FastestDet's export calls it {@code 758})
 * @param objExponent a, positive; default 0.6
 * @param clsExponent b, positive; default 0.4
 * @param decoded objectness already sigmoid and classes already softmax; default true
 */
public record CenterOffsetHead(String output, double objExponent, double clsExponent, boolean decoded)
        implements Head {

    public CenterOffsetHead {
        check(output != null && !output.isBlank(), "output", "must name a model output");
        check(objExponent > 0 && Double.isFinite(objExponent), "objExponent", "must be positive, got " + objExponent);
        check(clsExponent > 0 && Double.isFinite(clsExponent), "clsExponent", "must be positive, got " + clsExponent);
    }

    @Override
    public HeatmapRecipe heatmap(int numClasses, int inputWidth, int inputHeight) {
        return new HeatmapRecipe(numClasses, List.of(new Part(output, TensorLayout.CHANNELS_FIRST, 1,
                new Term(5, numClasses, Activations.of(decoded, Activation.SOFTMAX), clsExponent),
                new Term(0, 1, Activations.of(decoded, Activation.SIGMOID), objExponent))));
    }

    /** Channels 1-4: the centre offsets and sizes before their tanh and sigmoid. */
    @Override
    public BoxValues boxValues(int inputWidth, int inputHeight) {
        return BoxValues.raw(output, TensorLayout.CHANNELS_FIRST, 1);
    }

    @Override
    public LocationBoxes boxes(Map<String, FloatTensor> outputs, int numClasses, int inputWidth, int inputHeight) {
        TensorView v = TensorView.of(outputs, output, TensorLayout.CHANNELS_FIRST, 1);
        v.requireChannels(5 + numClasses, "objectness, 4 box values, " + numClasses + " classes");
        if (v.shape.length != 4) {
            throw v.mismatch("expected [N, 5 + C, H, W]");
        }
        int gw = (int) v.shape[3];
        int gh = (int) v.shape[2];
        int step = v.channelStride();
        return new LocationBoxes(v.locations, (n, l, b) -> {
            int i = v.index(n, 1, l);
            LocationBoxes.centerSize(b,
                    (l % gw + Math.tanh(v.data[i])) / gw * inputWidth,
                    (l / gw + Math.tanh(v.data[i + step])) / gh * inputHeight,
                    Activations.sigmoid(v.data[i + 2 * step]) * inputWidth,
                    Activations.sigmoid(v.data[i + 3 * step]) * inputHeight);
        });
    }

    @Override
    public List<String> outputNames() {
        return List.of(output);
    }
}
