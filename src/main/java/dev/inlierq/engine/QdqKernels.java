package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.error.UnsupportedModelException;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.Shapes;
import java.util.Arrays;
import java.util.Map;

import static dev.inlierq.engine.Kernels.unary;

/**
 * QuantizeLinear and DequantizeLinear as float simulation, with constant scales and zero points.
 * The kernels of {@link dev.inlierq.graph.OpFamily#QDQ}: exactly the operators that family declares.
 */
final class QdqKernels {
    private QdqKernels() {
    }

    static void register(Map<OpType, Kernels.Compiler> registry) {
        registry.put(OpType.QuantizeLinear, QdqKernels::quantizeLinear);
        registry.put(OpType.DequantizeLinear, QdqKernels::dequantizeLinear);
    }

    /** The integer range of a Q/DQ zero point's type (uint8 when absent, as ONNX says). */
    static long[] codeRange(ConstTensor zp) {
        dev.inlierq.graph.DType t = zp == null ? dev.inlierq.graph.DType.UINT8 : zp.type();
        return switch (t) {
            case UINT8 -> new long[] {0, 255};
            case INT8 -> new long[] {-128, 127};
            case UINT16 -> new long[] {0, 65535};
            case INT16 -> new long[] {-32768, 32767};
            case UINT4 -> new long[] {0, 15};
            case INT4 -> new long[] {-8, 7};
            case INT32 -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            default -> throw new UnsupportedModelException("zero point type " + t + " is not supported");
        };
    }

    /** Constant scale and zero point of a QuantizeLinear/DequantizeLinear node, shaped for its input. */
    private record QParams(NDArray scale, NDArray zeroPoint, ConstTensor zeroPointConstant) {
    }

    private static QParams qparams(Node n, Graph g, NDManager m) {
        int rank = g.shape(n.input(0)).length;
        int axis = Shapes.axis(n.attrs().getInt("axis", 1), Math.max(rank, 1));
        ConstTensor sc = g.constant(n.input(1));
        ConstTensor zpc = n.input(2).isEmpty() ? null : g.constant(n.input(2));
        if (sc == null || (!n.input(2).isEmpty() && zpc == null)) {
            throw new UnsupportedModelException(n, "scale and zero point must be constant");
        }
        return new QParams(qparam(m, sc.floats(), rank, axis),
                qparam(m, zpc == null ? new float[] {0f} : zpc.floats(), rank, axis), zpc);
    }

    /** Scale / zero point shaped to broadcast against x: a scalar, or a vector on {@code axis}. */
    private static NDArray qparam(NDManager m, float[] v, int rank, int axis) {
        if (v.length == 1) {
            return Scalars.of(m, v[0]);
        }
        long[] shape = new long[rank];
        Arrays.fill(shape, 1);
        shape[axis] = v.length;
        return DjlRuntime.create(m, v, new Shape(shape));
    }

    /**
     * QuantizeLinear as simulation: codes = saturate(round_half_even(x / scale) + zero_point), kept as
     * float values (the engine computes in float; the following DequantizeLinear maps them back). Rounding
     * is libtorch's round, which rounds half to even like ONNX.
     */
    private static Kernel quantizeLinear(Node n, Graph g, NDManager m) {
        QParams p = qparams(n, g, m);
        long[] range = codeRange(p.zeroPointConstant());
        NDArray scale = p.scale();
        NDArray zp = p.zeroPoint();
        return unary(x -> {
            try (NDArray d = x.div(scale); NDArray r = d.round(); NDArray z = r.add(zp)) {
                return z.clip(range[0], range[1]);
            }
        });
    }

    /** DequantizeLinear: y = (q - zero_point) * scale, per tensor or per axis. */
    private static Kernel dequantizeLinear(Node n, Graph g, NDManager m) {
        QParams p = qparams(n, g, m);
        NDArray scale = p.scale();
        NDArray zp = p.zeroPoint();
        return unary(x -> {
            if (x.getDataType() != DataType.FLOAT32) {
                try (NDArray f = x.toType(DataType.FLOAT32, true); NDArray c = f.sub(zp)) {
                    return c.mul(scale);
                }
            }
            try (NDArray c = x.sub(zp)) {
                return c.mul(scale);
            }
        });
    }
}
