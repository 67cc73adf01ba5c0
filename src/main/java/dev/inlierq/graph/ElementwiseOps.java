package dev.inlierq.graph;

import static dev.inlierq.graph.ConstantFolder.broadcastIndex;
import static dev.inlierq.graph.ConstantFolder.make;
import static dev.inlierq.graph.ShapeInference.one;

import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * The element-wise family's rules: unary ops keep their input's shape, the others broadcast numpy-style;
 * Identity, Cast, the unary math of shape arithmetic (Neg, Abs, Floor, Ceil, Sqrt, Exp), the binary
 * arithmetic and comparison ops and Where fold; activations, Pow, Log and BatchNormalization do not.
 * Kernels: {@code engine.ElementwiseKernels}.
 */
final class ElementwiseOps {
    private ElementwiseOps() {
    }

    static List<OpRule> rules() {
        return new OpRule.Builder()
                .notFoldable(ElementwiseOps::batchNorm, OpType.BatchNormalization)
                .notFoldable(ShapeInference::same, OpType.Relu, OpType.LeakyRelu,
                        OpType.PRelu, OpType.Sigmoid, OpType.Tanh, OpType.HardSigmoid, OpType.HardSwish, OpType.Clip,
                        OpType.Log)
                .notFoldable(ElementwiseOps::broadcast, OpType.Pow)
                .folding(ShapeInference::same, (n, in, s, o, v) -> in[0], OpType.Identity)
                .folding(ShapeInference::same, (n, in, s, o, v) -> in[0].cast(DType.fromOnnx((int) n.attrs()
                        .getInt("to", 1))), OpType.Cast)
                .folding(ShapeInference::same, ElementwiseOps::unaryMath, OpType.Neg, OpType.Abs, OpType.Floor,
                        OpType.Ceil, OpType.Sqrt, OpType.Exp)
                .folding(ElementwiseOps::broadcast, ElementwiseOps::binary, OpType.Add, OpType.Sub, OpType.Mul,
                        OpType.Div, OpType.Equal)
                .folding(ElementwiseOps::broadcast, ElementwiseOps::variadic, OpType.Max, OpType.Min)
                .folding(ElementwiseOps::broadcast, ElementwiseOps::where, OpType.Where)
                .build();
    }

    /** Y keeps X's shape; a training-mode node's running mean and variance have one value per channel. */
    private static long[][] batchNorm(Node n, long[] x, ValueLookup v) {
        if (n.outputs().size() == 1) {
            return one(x);
        }
        long[] c = {x[1]};
        return new long[][] {x, c, c.clone()};
    }

    /** Numpy-style broadcast of all inputs; null if one is unknown. */
    private static long[][] broadcast(Node n, long[] x, ValueLookup v) {
        long[] out = x;
        for (int i = 1; i < n.inputs().size(); i++) {
            long[] s = v.shape(n.input(i));
            if (s == null) {
                return null;
            }
            out = Shapes.broadcast(out, s);
        }
        return one(out);
    }

    private static ConstTensor unaryMath(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
        double[] out = new double[in[0].size()];
        for (int i = 0; i < out.length; i++) {
            double x = in[0].get(i);
            out[i] = switch (n.op()) {
                case Neg -> -x;
                case Abs -> Math.abs(x);
                case Floor -> Math.floor(x);
                case Ceil -> Math.ceil(x);
                case Sqrt -> Math.sqrt(x);
                default -> Math.exp(x);
            };
        }
        return make(in[0].isFloating(), in[0].type(), outShape, out);
    }

    /** Two-input arithmetic and comparison. */
    private static ConstTensor binary(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
        return binary(n.op(), in[0], in[1], outShape);
    }

    /**
     * Max and Min of one or more inputs (ONNX allows 1 to 2^31 - 1), folded left to right with broadcasting; a
     * single input is returned as it is.
     */
    private static ConstTensor variadic(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
        ConstTensor acc = in[0];
        for (int k = 1; k < in.length; k++) {
            acc = binary(n.op(), acc, in[k], Shapes.broadcast(acc.shape(), in[k].shape()));
        }
        return acc;
    }

    private static ConstTensor binary(OpType op, ConstTensor x, ConstTensor y, long[] outShape) {
        boolean floating = x.isFloating() || y.isFloating();
        LongUnaryOperator ix = broadcastIndex(x.shape(), outShape);
        LongUnaryOperator iy = broadcastIndex(y.shape(), outShape);
        double[] out = new double[(int) Shapes.numel(outShape)];
        for (int i = 0; i < out.length; i++) {
            double p = x.get((int) ix.applyAsLong(i));
            double q = y.get((int) iy.applyAsLong(i));
            out[i] = switch (op) {
                case Add -> p + q;
                case Sub -> p - q;
                case Mul -> p * q;
                case Div -> floating ? p / q : (double) ((long) p / (long) q);
                case Equal -> p == q ? 1 : 0;
                case Max -> Math.max(p, q);
                default -> Math.min(p, q);
            };
        }
        if (op == OpType.Equal) {
            long[] l = new long[out.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = (long) out[i];
            }
            return ConstTensor.ofLongs(DType.BOOL, outShape, l);
        }
        return make(floating, x.isFloating() ? x.type() : y.type(), outShape, out);
    }

    private static ConstTensor where(Node n, ConstTensor[] in, long[] inShape0, long[] outShape, ValueLookup v) {
        LongUnaryOperator ic = broadcastIndex(in[0].shape(), outShape);
        LongUnaryOperator ix = broadcastIndex(in[1].shape(), outShape);
        LongUnaryOperator iy = broadcastIndex(in[2].shape(), outShape);
        double[] out = new double[(int) Shapes.numel(outShape)];
        for (int i = 0; i < out.length; i++) {
            out[i] = in[0].get((int) ic.applyAsLong(i)) != 0 ? in[1].get((int) ix.applyAsLong(i))
                    : in[2].get((int) iy.applyAsLong(i));
        }
        return make(in[1].isFloating(), in[1].type(), outShape, out);
    }
}
