package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.error.UnsupportedModelException;
import dev.inlierq.graph.BatchNormFold;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.Shapes;
import java.util.Arrays;
import java.util.Map;

import static dev.inlierq.engine.Kernels.alias;
import static dev.inlierq.engine.Kernels.out;
import static dev.inlierq.engine.Kernels.unary;

/**
 * Element-wise kernels: activations, broadcasting arithmetic, unary math, Cast, Clip, comparison and
 * Where, and BatchNormalization: inference mode (a per-channel affine map, its parameters baked in) and training
 * mode (batch statistics, its parameters read at run time).
 * The kernels of {@link dev.inlierq.graph.OpFamily#ELEMENTWISE}: exactly the operators that family declares.
 */
final class ElementwiseKernels {
    private ElementwiseKernels() {
    }

    static void register(Map<OpType, Kernels.Compiler> registry) {
        registerActivations(registry);
        registerArithmetic(registry);
    }

    private static void registerActivations(Map<OpType, Kernels.Compiler> registry) {
        registry.put(OpType.BatchNormalization, (n, g, m) -> BatchNormFold.isTrainingMode(n)
                ? trainingBatchNorm(n, m) : batchNorm(n, g, m));
        registry.put(OpType.Relu, (n, g, m) -> unary(x -> x.getNDArrayInternal().relu()));
        registry.put(OpType.LeakyRelu, (n, g, m) -> {
            float alpha = n.attrs().getFloat("alpha", 0.01f);
            return unary(x -> x.getNDArrayInternal().leakyRelu(alpha));
        });
        registry.put(OpType.PRelu, (n, g, m) -> {
            NDArray zero = Scalars.of(m, 0f);
            return (in, b) -> {
                try (NDArray pos = in[0].maximum(zero); NDArray neg = in[0].minimum(zero); NDArray t = neg.mul(in[1])) {
                    return out(pos.add(t));
                }
            };
        });
        registry.put(OpType.Sigmoid, (n, g, m) -> unary(x -> x.getNDArrayInternal().sigmoid()));
        registry.put(OpType.Tanh, (n, g, m) -> unary(NDArray::tanh));
        registry.put(OpType.HardSigmoid, (n, g, m) -> {
            NDArray alpha = Scalars.of(m, n.attrs().getFloat("alpha", 0.2f));
            NDArray beta = Scalars.of(m, n.attrs().getFloat("beta", 0.5f));
            return unary(x -> {
                try (NDArray t = x.mul(alpha); NDArray u = t.add(beta)) {
                    return u.clip(0f, 1f);
                }
            });
        });
        registry.put(OpType.HardSwish, (n, g, m) -> {
            NDArray six = Scalars.of(m, 6f);
            NDArray half = Scalars.of(m, 0.5f);
            return unary(x -> {
                try (NDArray t = x.div(six); NDArray u = t.add(half); NDArray c = u.clip(0f, 1f)) {
                    return x.mul(c);
                }
            });
        });
        registry.put(OpType.Clip, (n, g, m) -> {
            float[] b = OpParams.clipBounds(n, g);
            return clip(m, b[0], b[1]);
        });
    }

    private static void registerArithmetic(Map<OpType, Kernels.Compiler> registry) {
        registry.put(OpType.Add, (n, g, m) -> binary(n, g, m, NDArray::add));
        registry.put(OpType.Sub, (n, g, m) -> binary(n, g, m, NDArray::sub));
        registry.put(OpType.Mul, (n, g, m) -> binary(n, g, m, NDArray::mul));
        registry.put(OpType.Div, (n, g, m) -> binary(n, g, m, NDArray::div));
        registry.put(OpType.Pow, (n, g, m) -> binary(n, g, m, NDArray::pow));
        registry.put(OpType.Max, (n, g, m) -> variadic(NDArray::maximum));
        registry.put(OpType.Min, (n, g, m) -> variadic(NDArray::minimum));
        registry.put(OpType.Sqrt, (n, g, m) -> unary(NDArray::sqrt));
        registry.put(OpType.Exp, (n, g, m) -> unary(NDArray::exp));
        registry.put(OpType.Log, (n, g, m) -> unary(NDArray::log));
        registry.put(OpType.Neg, (n, g, m) -> unary(NDArray::neg));
        registry.put(OpType.Abs, (n, g, m) -> unary(NDArray::abs));
        registry.put(OpType.Floor, (n, g, m) -> unary(NDArray::floor));
        registry.put(OpType.Ceil, (n, g, m) -> unary(NDArray::ceil));
        registry.put(OpType.Identity, (n, g, m) -> unary(Kernels::alias));
        registry.put(OpType.Cast, (n, g, m) -> {
            DataType to = dataType((int) n.attrs().getInt("to", 1));
            return unary(x -> x.toType(to, true));
        });
        registry.put(OpType.Equal, (n, g, m) -> (in, b) -> out(in[0].eq(in[1])));
        registry.put(OpType.Where, (n, g, m) -> (in, b) -> {
            // libtorch's where as bound by DJL does not broadcast: expand all three to the output shape
            long[] s = in[0].getShape().getShape();
            for (int i = 1; i < 3; i++) {
                s = Shapes.broadcast(s, in[i].getShape().getShape());
            }
            Shape target = new Shape(s);
            NDArray[] e = new NDArray[3];
            for (int i = 0; i < 3; i++) {
                e[i] = in[i].getShape().equals(target) ? in[i] : in[i].broadcast(target);
            }
            NDArray r = NDArrays.where(e[0], e[1], e[2]);
            for (int i = 0; i < 3; i++) {
                if (e[i] != in[i]) {
                    e[i].close();
                }
            }
            return out(r);
        });
    }

    interface Binary {
        NDArray apply(NDArray x, NDArray y);
    }

    /**
     * Broadcasting binary op. A floating scalar constant on either side becomes a 0-dimensional array made
     * once, at compile time, in libtorch-owned memory ({@link Scalars}: never a DJL {@code Number} overload,
     * whose operand autograd would read after it is freed): one libtorch call with no broadcast tensor.
     */
    private static Kernel binary(Node n, Graph g, NDManager m, Binary f) {
        ConstTensor a = g.constant(n.input(0));
        ConstTensor c = g.constant(n.input(1));
        if (c != null && c.size() == 1 && a == null && c.isFloating()) {
            NDArray s = Scalars.of(m, (float) c.get(0));
            return (in, b) -> out(f.apply(in[0], s));
        }
        if (a != null && a.size() == 1 && c == null && a.isFloating()) {
            NDArray s = Scalars.of(m, (float) a.get(0));
            return (in, b) -> out(f.apply(s, in[1]));
        }
        return (in, b) -> out(f.apply(in[0], in[1]));
    }

    private static Kernel variadic(Binary f) {
        return (in, b) -> {
            NDArray acc = in[0];
            for (int i = 1; i < in.length; i++) {
                NDArray next = f.apply(acc, in[i]);
                if (acc != in[0]) {
                    acc.close();
                }
                acc = next;
            }
            return out(acc == in[0] ? alias(acc) : acc);
        };
    }

    /** Clip to [lo, hi]; an infinite bound is no bound (the finite one is a {@link Scalars} array made once). */
    static Kernel clip(NDManager m, float lo, float hi) {
        if (Float.isInfinite(lo) && Float.isInfinite(hi)) {
            return unary(Kernels::alias);
        }
        if (Float.isInfinite(lo)) {
            NDArray h = Scalars.of(m, hi);
            return unary(x -> x.minimum(h));
        }
        if (Float.isInfinite(hi)) {
            NDArray l = Scalars.of(m, lo);
            return unary(x -> x.maximum(l));
        }
        return unary(x -> x.clip(lo, hi));
    }

    private static Kernel batchNorm(Node n, Graph g, NDManager m) {
        float eps = n.attrs().getFloat("epsilon", 1e-5f);
        float[] gamma = g.constant(n.input(1)).floats();
        float[] beta = g.constant(n.input(2)).floats();
        float[] mean = g.constant(n.input(3)).floats();
        float[] var = g.constant(n.input(4)).floats();
        int rank = g.shape(n.input(0)).length;
        long[] bshape = new long[rank - 1];
        Arrays.fill(bshape, 1);
        bshape[0] = gamma.length;
        float[] scale = new float[gamma.length];
        float[] shift = new float[gamma.length];
        for (int c = 0; c < scale.length; c++) {
            scale[c] = (float) (gamma[c] / Math.sqrt((double) var[c] + eps));
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        NDArray s = DjlRuntime.create(m, scale, new Shape(bshape));
        NDArray t = DjlRuntime.create(m, shift, new Shape(bshape));
        return unary(x -> {
            try (NDArray y = x.mul(s)) {
                return y.add(t);
            }
        });
    }

    /**
     * Training-mode BatchNormalization (ONNX opset 15; Ioffe and Szegedy, "Batch Normalization", ICML 2015,
     * Algorithm 1): with the mean {@code mu} and population variance {@code s2} of X over every axis but 1,
     * <pre>
     *   Y = gamma (X - mu) / sqrt(s2 + eps) + beta
     *   running_mean = input_mean * momentum + mu (1 - momentum)     running_var likewise with s2
     * </pre>
     * gamma and beta are read from the inputs at each run (the trainer feeds them as autograd leaves). Y is
     * libtorch's fused {@code batch_norm} in training mode (differentiable in X, gamma and beta). That call also
     * updates the running statistics it is given in place, torch's way ({@code r <- (1 - m') r + m' stat} with
     * {@code m' = 1 - momentum}, the variance unbiased: {@code s2 n / (n - 1)}, n values per channel): given zeros
     * it leaves {@code (1 - momentum) mu} and {@code (1 - momentum) s2 n / (n - 1)}, from which the ONNX outputs
     * follow without another pass over X. The running statistics are not differentiated.
     */
    private static Kernel trainingBatchNorm(Node n, NDManager m) {
        float eps = n.attrs().getFloat("epsilon", 1e-5f);
        float momentum = n.attrs().getFloat("momentum", 0.9f);
        NDArray keep = Scalars.of(m, momentum);
        boolean stats = n.outputs().size() > 1;
        return (in, b) -> {
            NDArray x = in[0];
            long count = x.size() / x.getShape().get(1);
            NDArray meanAcc = in[3].zerosLike();
            NDArray varAcc = in[4].zerosLike();
            NDArray y = x.getNDArrayInternal().batchNorm(x, meanAcc, varAcc, in[1], in[2], -1, momentum, eps, true)
                    .singletonOrThrow();
            if (!stats) {
                meanAcc.close();
                varAcc.close();
                return out(y);
            }
            try (NDArray unbias = Scalars.of(x.getManager(), (float) ((count - 1) / (double) count));
                    NDArray oldMean = in[3].stopGradient(); NDArray oldVar = in[4].stopGradient();
                    NDArray keptMean = oldMean.mul(keep); NDArray keptVar = oldVar.mul(keep);
                    NDArray newVar = varAcc.mul(unbias)) {
                NDArray runningMean = keptMean.add(meanAcc);
                NDArray runningVar = keptVar.add(newVar);
                return new NDArray[] {y, runningMean, runningVar};
            } finally {
                meanAcc.close();
                varAcc.close();
            }
        };
    }

    static DataType dataType(int onnx) {
        return switch (onnx) {
            case 1, 10, 11, 16 -> DataType.FLOAT32;
            case 2 -> DataType.UINT8;
            case 3 -> DataType.INT8;
            case 6 -> DataType.INT32;
            case 7 -> DataType.INT64;
            case 9 -> DataType.BOOLEAN;
            default -> throw new UnsupportedModelException("Cast to ONNX type " + onnx + " is not supported");
        };
    }
}
