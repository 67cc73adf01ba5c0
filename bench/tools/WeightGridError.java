import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.quant.Granularity;
import dev.inlierq.quant.QuantSpec;
import dev.inlierq.quant.WeightEncodings;
import dev.inlierq.quant.WeightGrid;
import dev.inlierq.quant.WeightType;
import java.nio.file.Path;

/**
 * The 4-bit weight error of a model's convolutions on symmetric and on affine per-channel grids (docs/methods.md,
 * "Weight grid"): every Conv with a constant weight, each channel's clipping chosen for least squared error
 * (the project's MseEstimator, as the calibrated grids are), nearest rounding; prints the error as a fraction of
 * the weights' energy, summed over all layers, and the ratio of the two. With GROUP, also affine grids per block of
 * GROUP input channels at each kernel tap (ONNX blocked quantization along axis 1; a layer with fewer input channels
 * per group than GROUP, such as a depthwise one, keeps its per-channel grid) and the weights per scale of each.
 * Usage: java -cp target/inlierq.jar bench/tools/WeightGridError.java MODEL.onnx [BITS [GROUP]]
 */
public class WeightGridError {
    public static void main(String[] args) {
        Graph g = OnnxReader.read(Path.of(args[0]));
        int bits = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int group = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        double energy = 0;
        double symmetric = 0;
        double affine = 0;
        double blocked = 0;
        long weights = 0;
        long channelScales = 0;
        long blockScales = 0;
        int layers = 0;
        QuantSpec sym = WeightType.INT8.weightSpec(bits, WeightGrid.SYMMETRIC)
                .withGranularity(new Granularity.PerChannel(0));
        QuantSpec aff = WeightType.INT8.weightSpec(bits, WeightGrid.ASYMMETRIC)
                .withGranularity(new Granularity.PerChannel(0));
        QuantSpec blk = group > 0 ? WeightType.INT8.weightSpec(bits, WeightGrid.ASYMMETRIC)
                .withGranularity(new Granularity.PerGroup(1, group)) : null;
        for (Node n : g.nodes()) {
            if (n.op() != OpType.Conv || n.inputs().size() < 2 || !g.isConstant(n.input(1))) {
                continue;
            }
            ConstTensor t = g.constant(n.input(1));
            float[] w = t.floats();
            long[] s = t.shape();
            float[] qs = WeightEncodings.mse(w, s, sym).fakeQuantize(w, s);
            float[] qa = WeightEncodings.mse(w, s, aff).fakeQuantize(w, s);
            boolean blocks = blk != null && s[1] >= group;
            float[] qb = blocks ? WeightEncodings.mse(w, s, blk).fakeQuantize(w, s) : qa;
            for (int i = 0; i < w.length; i++) {
                energy += (double) w[i] * w[i];
                symmetric += (w[i] - qs[i]) * (double) (w[i] - qs[i]);
                affine += (w[i] - qa[i]) * (double) (w[i] - qa[i]);
                blocked += (w[i] - qb[i]) * (double) (w[i] - qb[i]);
            }
            weights += w.length;
            channelScales += s[0];
            blockScales += blocks ? s[0] * ((s[1] + group - 1) / group) * (w.length / (s[0] * s[1])) : s[0];
            layers++;
        }
        System.out.printf("%s: %d convolutions, %d-bit weight error / energy: symmetric %.5f, affine %.5f, "
                + "ratio %.3f%n", Path.of(args[0]).getFileName(), layers, bits, symmetric / energy, affine / energy,
                affine / symmetric);
        if (group > 0) {
            System.out.printf("  affine per block of %d input channels: %.5f, ratio to per channel %.3f; weights per "
                    + "scale %.1f (per channel %.1f)%n", group, blocked / energy, blocked / affine,
                    weights / (double) blockScales, weights / (double) channelScales);
        }
    }
}
