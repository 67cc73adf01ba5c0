package dev.inlierq.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.error.UnsupportedModelException;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.ShapeInference;
import dev.inlierq.graph.Shapes;
import java.util.Arrays;
import java.util.Map;

import static dev.inlierq.engine.Kernels.alias;
import static dev.inlierq.engine.Kernels.out;
import static dev.inlierq.engine.Kernels.select;
import static dev.inlierq.engine.Kernels.torchPad;
import static dev.inlierq.engine.Kernels.unary;

/**
 * Shape and tensor-manipulation kernels: Concat, Split, Slice, Gather, Reshape, Flatten, Transpose,
 * Squeeze/Unsqueeze, Expand, Shape and Pad (Resize is in {@link ResizeKernels}).
 * The kernels of {@link dev.inlierq.graph.OpFamily#SHAPE}: exactly the operators that family declares.
 */
final class ShapeKernels {
    private ShapeKernels() {
    }

    static void register(Map<OpType, Kernels.Compiler> registry) {
        registry.put(OpType.Pad, ShapeKernels::pad);
        registry.put(OpType.Concat, (n, g, m) -> {
            int axis = Shapes.axis(n.attrs().getInt("axis", 0), g.shape(n.output()).length);
            return (in, b) -> out(NDArrays.concat(new NDList(in), axis));
        });
        registry.put(OpType.Split, ShapeKernels::split);
        registry.put(OpType.Slice, ShapeKernels::slice);
        registry.put(OpType.Gather, ShapeKernels::gather);
        registry.put(OpType.Reshape, ShapeKernels::reshape);
        registry.put(OpType.Flatten, (n, g, m) -> {
            long ax = n.attrs().getInt("axis", 1);
            return unary(x -> {
                long[] s = x.getShape().getShape();
                int axis = (int) (ax < 0 ? ax + s.length : ax);
                long outer = 1;
                for (int i = 0; i < axis; i++) {
                    outer *= s[i];
                }
                return x.reshape(outer, -1);
            });
        });
        registry.put(OpType.Transpose, (n, g, m) -> {
            long[] p = ShapeInference.perm(n, g.shape(n.input(0)).length);
            int[] perm = Arrays.stream(p).mapToInt(v -> (int) v).toArray();
            return unary(x -> x.transpose(perm));
        });
        registry.put(OpType.Squeeze, (n, g, m) -> staticReshape(g.shape(n.output())));
        registry.put(OpType.Unsqueeze, (n, g, m) -> staticReshape(g.shape(n.output())));
        registry.put(OpType.Shape, (n, g, m) -> (in, b) -> out(in[0].getManager().create(in[0].getShape().getShape())));
        registry.put(OpType.Expand, (n, g, m) -> {
            long[] target = OpParams.constLongs(n, 1, g, null);
            return unary(x -> x.broadcast(new Shape(Shapes.broadcast(x.getShape().getShape(), target))));
        });
    }

    private static Kernel pad(Node n, Graph g, NDManager m) {
        long[] inShape = g.shape(n.input(0));
        OpParams.PadSpec p = OpParams.pad(n, inShape, g);
        int r = inShape.length;
        for (int i = 0; i < r; i++) {
            if (p.begin()[i] < 0 || p.end()[i] < 0) {
                throw new UnsupportedModelException(n, "negative pads are not supported");
            }
        }
        if (p.mode().equals("constant")) {
            long[] torchPad = torchPad(p.begin(), p.end());
            float value = p.value();
            return unary(x -> x.pad(new Shape(torchPad), value));
        }
        boolean edge = p.mode().equals("edge");
        if (!edge && !p.mode().equals("reflect")) {
            throw new UnsupportedModelException(n, "Pad mode " + p.mode() + " is not supported");
        }
        return unary(x -> {
            NDArray cur = alias(x);
            for (int ax = 0; ax < r; ax++) {
                long before = p.begin()[ax];
                long after = p.end()[ax];
                if (before == 0 && after == 0) {
                    continue;
                }
                long dim = cur.getShape().get(ax);
                long[] idx = new long[(int) (dim + before + after)];
                for (int i = 0; i < idx.length; i++) {
                    long s = i - before;
                    if (edge) {
                        s = Math.max(0, Math.min(dim - 1, s));
                    } else {
                        while (s < 0 || s >= dim) {
                            s = s < 0 ? -s : 2 * (dim - 1) - s;
                        }
                    }
                    idx[i] = s;
                }
                NDArray next = select(cur, ax, idx);
                cur.close();
                cur = next;
            }
            return cur;
        });
    }

    private static Kernel split(Node n, Graph g, NDManager m) {
        long[] inShape = g.shape(n.input(0));
        int axis = Shapes.axis(n.attrs().getInt("axis", 0), inShape.length);
        long[] sizes = OpParams.splitSizes(n, inShape, g);
        long[] cuts = new long[sizes.length - 1];
        long acc = 0;
        for (int i = 0; i < cuts.length; i++) {
            acc += sizes[i];
            cuts[i] = acc;
        }
        return (in, b) -> in[0].split(cuts, axis).toArray(new NDArray[0]);
    }

    private static Kernel slice(Node n, Graph g, NDManager m) {
        long[] inShape = g.shape(n.input(0));
        OpParams.SliceSpec s = OpParams.slice(n, inShape, g);
        NDIndex idx = new NDIndex();
        boolean plain = true;
        // negative steps (x[..., ::-1] exports): an explicit index list along that axis, gathered after
        // the positive-step axes are sliced
        Map<Integer, long[]> reversed = new java.util.TreeMap<>();
        for (int i = 0; i < inShape.length; i++) {
            long start = s.starts()[i];
            long end = s.ends()[i];
            long step = s.steps()[i];
            if (step < 0) {
                int count = (int) Math.max(0, (start - end - step - 1) / -step);
                long[] list = new long[count];
                for (int k = 0; k < count; k++) {
                    list[k] = start + k * step;
                }
                reversed.put(i, list);
                idx.addAllDim();
            } else if (start == 0 && end == inShape[i] && step == 1) {
                idx.addAllDim();
            } else {
                idx.addSliceDim(start, end, step);
                plain = false;
            }
        }
        if (reversed.isEmpty()) {
            return unary(x -> x.get(idx));
        }
        boolean slicePositive = !plain;
        return unary(x -> {
            NDArray cur = slicePositive ? x.get(idx) : x;
            for (var e : reversed.entrySet()) {
                NDArray next = select(cur, e.getKey(), e.getValue());
                if (cur != x) {
                    cur.close();
                }
                cur = next;
            }
            return cur;
        });
    }

    private static Kernel gather(Node n, Graph g, NDManager m) {
        long[] inShape = g.shape(n.input(0));
        int axis = Shapes.axis(n.attrs().getInt("axis", 0), inShape.length);
        ConstTensor ic = g.constant(n.input(1));
        if (ic == null) {
            throw new UnsupportedModelException(n, "Gather indices must be constant");
        }
        long[] idx = ic.longs();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0) {
                idx[i] += inShape[axis];
            }
        }
        if (ic.rank() == 0) {
            long k = idx[0];
            NDIndex index = new NDIndex();
            for (int i = 0; i < axis; i++) {
                index.addAllDim();
            }
            index.addIndices(k);
            return unary(x -> x.get(index));
        }
        long[] ishape = ic.shape();
        return unary(x -> {
            NDArray sel = select(x, axis, idx);
            if (ishape.length == 1) {
                return sel;
            }
            long[] s = sel.getShape().getShape();
            long[] o = new long[s.length - 1 + ishape.length];
            System.arraycopy(s, 0, o, 0, axis);
            System.arraycopy(ishape, 0, o, axis, ishape.length);
            System.arraycopy(s, axis + 1, o, axis + ishape.length, s.length - axis - 1);
            NDArray r = sel.reshape(o);
            sel.close();
            return r;
        });
    }

    private static Kernel reshape(Node n, Graph g, NDManager m) {
        long[] target = OpParams.constLongs(n, 1, g, null);
        boolean allowZero = n.attrs().getInt("allowzero", 0) != 0;
        long bax = n.attrs().getInt(GraphPreparer.BATCH_AXIS_ATTR, -1);
        return unary(x -> {
            long[] t;
            if (bax >= 0) {
                t = target.clone();
                t[(int) bax] *= x.getShape().size() / Shapes.numel(target);
            } else {
                t = Shapes.resolveReshape(x.getShape().getShape(), target, allowZero);
            }
            return x.reshape(t);
        });
    }

    /** Squeeze/Unsqueeze of batch-independent values (batch-carrying ones became Reshape). */
    private static Kernel staticReshape(long[] outShape) {
        return unary(x -> x.reshape(outShape));
    }
}
