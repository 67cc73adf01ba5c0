package dev.inlierq.graph;

import dev.inlierq.error.UnsupportedModelException;
import java.util.List;

/**
 * The quantization family's rules: QuantizeLinear and DequantizeLinear keep their input's shape; a
 * DequantizeLinear of constant codes (a QDQ model's weights and biases) is folded. Kernels:
 * {@code engine.QdqKernels}.
 */
final class QdqOps {
    private QdqOps() {
    }

    static List<OpRule> rules() {
        return new OpRule.Builder()
                .notFoldable(ShapeInference::same, OpType.QuantizeLinear)
                .folding(ShapeInference::same, QdqOps::dequantize, OpType.DequantizeLinear)
                .build();
    }

    /**
     * DequantizeLinear of constant codes: y = (q - zero_point) * scale, computed in float32 as ONNX Runtime
     * does; per-axis when the scale is a vector.
     */
    private static ConstTensor dequantize(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
        long[] shape = in[0].shape();
        float[] scale = in[1].floats();
        long[] zp = in.length > 2 && in[2] != null ? in[2].longs() : new long[scale.length];
        long[] q = in[0].longs();
        float[] out = new float[q.length];
        if (scale.length == 1) {
            for (int i = 0; i < q.length; i++) {
                out[i] = (float) (q[i] - zp[0]) * scale[0];
            }
            return ConstTensor.ofFloats(shape, out);
        }
        int axis = Shapes.axis(n.attrs().getInt("axis", 1), shape.length);
        long inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        long dim = shape[axis];
        if (scale.length != dim) {
            throw new UnsupportedModelException(n, "blocked DequantizeLinear is not supported");
        }
        for (int i = 0; i < q.length; i++) {
            int c = (int) ((i / inner) % dim);
            out[i] = (float) (q[i] - zp[c]) * scale[c];
        }
        return ConstTensor.ofFloats(shape, out);
    }
}
