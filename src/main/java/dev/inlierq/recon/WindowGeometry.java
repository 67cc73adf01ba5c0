package dev.inlierq.recon;

import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpParams;
import dev.inlierq.graph.OpType;
import dev.inlierq.graph.ShapeInference;
import dev.inlierq.graph.Shapes;
import dev.inlierq.graph.ValueLookup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The spatial geometry of a reconstruction unit, for steps on crops (issue 12, "cheaper steps"): which crop of
 * its inputs a window of its outputs needs, and where the cropped computation equals the full one.
 *
 * <p>Per spatial axis, every value of the unit gets a stride relative to the unit's finest input (the
 * reference grid): Conv and pooling multiply it by their stride, Slice by its step; element-wise ops, Concat
 * and Split along channels pass it on, and the inputs of an element-wise op or a Concat must agree. A crop is
 * {@code [A, A + C)} of the reference grid with {@code A} and {@code C} multiples of the unit's total stride
 * {@code M} (the least common multiple of all its strides): each value's crop then starts at {@code A / S_v},
 * every strided op's input crop starts on its stride, and the cropped op computes the same output positions
 * as on the full map (alignment).
 *
 * <p>A position of a cropped value is exact when everything it reads is exact. The padding an op adds at a
 * crop's edge stands in for real pixels (the artificial border), except where that edge is also the map's own
 * border: there it is the network's padding, so positions there stay exact. Walking the nodes forward gives
 * each value's exact interval; what a crop loses at each edge is the receptive-field halo. Anything the walk
 * cannot map (Resize, reshapes, global pooling, Concat of unaligned inputs, auto_pad that depends on the
 * size...) makes the unit {@linkplain #unsupported() unsupported}: it keeps full maps.
 */
final class WindowGeometry {
    /** How a node moves positions along a spatial axis. */
    private enum Kind {
        /** output position o reads input positions o s - p + j d, j < k (Conv, pooling, Slice) */
        WINDOW,
        /** position for position (element-wise of one map, Split along channels) */
        PASS,
        /** position for position, from several maps that must agree (element-wise ops, Concat on channels) */
        JOIN
    }

    private record Step(Node node, Kind kind, List<String> inputs) {
    }

    /**
     * One value's crop along one axis: {@code offset} and {@code length} in the value's full map, the exact
     * positions {@code [exactFrom, exactTo)} in crop coordinates, and whether the crop's start (end) is the
     * map's border with everything up to it exact, so that reading past it reads the network's own padding.
     */
    record Span(long offset, long length, long exactFrom, long exactTo, boolean openStart, boolean openEnd) {
    }

    /** The crop of every value, from {@link #evaluate}: shapes for an executor, and spans per axis. */
    record Evaluation(Map<String, long[]> shapes, Map<String, Span[]> spans) {
    }

    private final Graph g;
    private final Units.Unit unit;
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, long[]> strides = new HashMap<>();
    private final long[] reference = new long[2];
    private final long[] total = {1, 1};
    private String unsupported;

    private WindowGeometry(Graph g, Units.Unit unit) {
        this.g = g;
        this.unit = unit;
    }

    /** The geometry of {@code u} in {@code g}; check {@link #unsupported()} before using it. */
    static WindowGeometry analyse(Graph g, Units.Unit u) {
        WindowGeometry w = new WindowGeometry(g, u);
        w.unsupported = w.walk();
        return w;
    }

    /** Why the unit cannot run on crops, or null. */
    String unsupported() {
        return unsupported;
    }

    /** The reference grid's size along axis {@code ax} (0: height, 1: width): the finest input's. */
    long reference(int ax) {
        return reference[ax];
    }

    /** The unit's total stride along {@code ax}: crops start and end on multiples of it. */
    long totalStride(int ax) {
        return total[ax];
    }

    /** The stride of value {@code v} relative to the reference grid along {@code ax}. */
    long stride(String v, int ax) {
        return strides.get(v)[ax];
    }

    /** The full map size of {@code v} along {@code ax}. */
    long full(String v, int ax) {
        return g.shape(v)[2 + ax];
    }

    /** Strides of every value and the kind of every node; the reason the unit is unsupported, or null. */
    private String walk() {
        for (String v : unit.inputs()) {
            long[] s = g.shape(v);
            if (s == null || s.length != 4) {
                return "input " + v + " is not a 4-D feature map";
            }
            reference[0] = Math.max(reference[0], s[2]);
            reference[1] = Math.max(reference[1], s[3]);
        }
        for (String v : unit.inputs()) {
            long[] st = new long[2];
            for (int ax = 0; ax < 2; ax++) {
                if (reference[ax] % full(v, ax) != 0) {
                    return "input " + v + " is not on a whole stride of the finest input";
                }
                st[ax] = reference[ax] / full(v, ax);
            }
            strides.put(v, st);
        }
        for (Node n : unit.nodes()) {
            String why = add(n);
            if (why != null) {
                return why;
            }
        }
        for (var st : strides.values()) {
            for (int ax = 0; ax < 2; ax++) {
                total[ax] = lcm(total[ax], st[ax]);
            }
        }
        for (int ax = 0; ax < 2; ax++) {
            if (reference[ax] % total[ax] != 0) {
                return "map size " + reference[ax] + " is not a multiple of the unit's total stride " + total[ax];
            }
        }
        String first = unit.outputs().get(0);
        for (String v : unit.outputs()) {
            for (int ax = 0; ax < 2; ax++) {
                if (stride(v, ax) != stride(first, ax) || full(v, ax) != full(first, ax)) {
                    return "outputs " + first + " and " + v + " differ in resolution";
                }
            }
        }
        return null;
    }

    /** Classifies one node and gives its outputs their strides; the reason it cannot be mapped, or null. */
    private String add(Node n) {
        List<String> maps = new ArrayList<>();
        for (String in : n.inputs()) {
            if (!in.isEmpty() && !g.isConstant(in)) {
                maps.add(in);
            }
        }
        for (String o : n.outputs()) {
            long[] s = g.shape(o);
            if (s == null || s.length != 4) {
                return n.op() + " " + n.name() + " makes a value that is not a 4-D map";
            }
        }
        Kind kind = kind(n, maps);
        if (kind == null) {
            return n.op() + " " + n.name() + " is not mapped to windows";
        }
        long[] in = strides.get(maps.get(0));
        for (String m : maps) {
            if (!java.util.Arrays.equals(strides.get(m), in)) {
                return n.op() + " " + n.name() + " joins maps of different strides";
            }
        }
        long[] out = in.clone();
        if (kind == Kind.WINDOW) {
            for (int ax = 0; ax < 2; ax++) {
                out[ax] *= window(n, g.shape(maps.get(0)), ax)[1];
            }
        }
        if (n.op().isBinaryElementwise() || n.op() == OpType.PRelu || n.op() == OpType.Concat) {
            for (String c : n.inputs()) {
                if (!c.isEmpty() && g.isConstant(c) && !spatiallyBroadcast(g.constant(c), n.op())) {
                    return n.op() + " " + n.name() + " reads a constant that varies over space";
                }
            }
        }
        for (String o : n.outputs()) {
            strides.put(o, out);
        }
        steps.add(new Step(n, kind, maps));
        return null;
    }

    /** The node's kind, or null when the walk cannot map it. */
    private Kind kind(Node n, List<String> maps) {
        if (maps.isEmpty()) {
            return null;
        }
        OpType op = n.op();
        long[] in = g.shape(maps.get(0));
        // a map and constant parameters, the map first (a Conv's weights must be constant)
        boolean single = maps.size() == 1 && maps.get(0).equals(n.input(0));
        return switch (op) {
            case Conv, MaxPool, AveragePool -> single ? Kind.WINDOW : null;
            case Slice -> single ? sliceKind(n, in) : null;
            case Concat -> Shapes.axis(n.attrs().getInt("axis", 0), 4) == 1 ? Kind.JOIN : null;
            case Split -> single && Shapes.axis(n.attrs().getInt("axis", 0), 4) == 1 ? Kind.PASS : null;
            case BatchNormalization, PRelu -> single ? Kind.PASS : null;
            default -> {
                if (op.isUnaryElementwise() && single) {
                    yield Kind.PASS;
                }
                yield op.isBinaryElementwise() ? Kind.JOIN : null;
            }
        };
    }

    /** A Slice that keeps the spatial axes to their end (any start and positive step) is a window of one. */
    private Kind sliceKind(Node n, long[] in) {
        OpParams.SliceSpec s = OpParams.slice(n, in, g);
        for (int ax = 2; ax < 4; ax++) {
            if (s.steps()[ax] < 1 || s.ends()[ax] != in[ax]) {
                return null;
            }
        }
        return Kind.WINDOW;
    }

    /**
     * A constant operand of an element-wise op broadcast over both spatial axes (numpy alignment: size 1 in its
     * last two axes, or of lower rank); a constant concatenated to maps never is.
     */
    private static boolean spatiallyBroadcast(ConstTensor c, OpType op) {
        if (op == OpType.Concat) {
            return false;
        }
        long[] s = c.shape();
        for (int k = 1; k <= 2; k++) {
            if (s.length >= k && s[s.length - k] != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Along spatial axis {@code ax}: {kernel, stride, dilation, begin padding} of a WINDOW node for an input of
     * shape {@code in} (a Slice is a kernel of one with padding minus its start).
     */
    private long[] window(Node n, long[] in, int ax) {
        if (n.op() == OpType.Slice) {
            OpParams.SliceSpec s = OpParams.slice(n, in, g);
            return new long[] {1, s.steps()[2 + ax], 1, -s.starts()[2 + ax]};
        }
        long[] weights = n.op() == OpType.Conv ? g.shape(n.input(1)) : null;
        OpParams.Window w = OpParams.window(n, in, weights);
        return new long[] {w.kernel()[ax], w.strides()[ax], w.dilations()[ax], w.padsBegin()[ax]};
    }

    private static long lcm(long a, long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }

    /**
     * Every value's crop for the reference crop {@code [start, start + size)} per axis (multiples of the total
     * stride, inside the map). Throws {@link IllegalStateException} when the crop does not correspond to the
     * full computation (a size the unit's ops round differently, for instance).
     */
    Evaluation evaluate(long[] size, long[] start) {
        Map<String, long[]> shapes = new HashMap<>();
        Map<String, Span[]> spans = new HashMap<>();
        for (String v : unit.inputs()) {
            long[] s = g.shape(v);
            Span[] sp = new Span[2];
            for (int ax = 0; ax < 2; ax++) {
                long st = stride(v, ax);
                long off = start[ax] / st;
                long len = size[ax] / st;
                s[2 + ax] = len;
                sp[ax] = new Span(off, len, 0, len, off == 0, off + len == full(v, ax));
            }
            shapes.put(v, s);
            spans.put(v, sp);
        }
        ValueLookup crop = new ValueLookup() {
            @Override
            public long[] shape(String value) {
                long[] s = shapes.get(value);
                return s != null ? s.clone() : g.shape(value);
            }

            @Override
            public ConstTensor constant(String value) {
                return g.constant(value);
            }

            @Override
            public int opset() {
                return g.opset();
            }
        };
        for (Step st : steps) {
            long[][] outs = ShapeInference.infer(st.node(), crop);
            if (outs == null) {
                throw new IllegalStateException(st.node() + ": no shape for the crop");
            }
            for (int k = 0; k < st.node().outputs().size(); k++) {
                String o = st.node().outputs().get(k);
                shapes.put(o, outs[k]);
                Span[] sp = new Span[2];
                for (int ax = 0; ax < 2; ax++) {
                    sp[ax] = span(st, ax, spans, outs[k][2 + ax], crop, o);
                }
                spans.put(o, sp);
            }
        }
        return new Evaluation(shapes, spans);
    }

    /** The crop of output {@code out} of a step along {@code ax}, {@code length} long. */
    private Span span(Step st, int ax, Map<String, Span[]> spans, long length, ValueLookup crop, String out) {
        Span in = spans.get(st.inputs().get(0))[ax];
        long fullOut = full(out, ax);
        if (st.kind() == Kind.PASS) {
            return in;
        }
        if (st.kind() == Kind.JOIN) {
            long from = 0;
            long to = Long.MAX_VALUE;
            boolean open0 = true;
            boolean open1 = true;
            for (String m : st.inputs()) {
                Span s = spans.get(m)[ax];
                if (s.offset() != in.offset() || s.length() != in.length()) {
                    throw new IllegalStateException(st.node() + ": its inputs' crops differ");
                }
                from = Math.max(from, s.exactFrom());
                to = Math.min(to, s.exactTo());
                open0 &= s.openStart();
                open1 &= s.openEnd();
            }
            return new Span(in.offset(), in.length(), from, Math.max(from, to), open0, open1);
        }
        long[] w = window(st.node(), crop.shape(st.inputs().get(0)), ax);
        long[] wFull = window(st.node(), g.shape(st.inputs().get(0)), ax);
        if (!java.util.Arrays.equals(w, wFull) || in.offset() % w[1] != 0) {
            throw new IllegalStateException(st.node() + ": the crop changes the window or is not on its stride");
        }
        long off = in.offset() / w[1];
        boolean atEnd = in.offset() + in.length() == full(st.inputs().get(0), ax);
        if (off + length > fullOut || atEnd && off + length != fullOut) {
            throw new IllegalStateException(st.node() + ": the crop's output is not the full output's crop");
        }
        long from = -1;
        long to = -1;
        for (long o = 0; o < length; o++) {
            if (exact(in, o * w[1] - w[3], w[0], w[2])) {
                if (from < 0) {
                    from = o;
                } else if (to != o) {
                    throw new IllegalStateException(st.node() + ": exact positions are not contiguous");
                }
                to = o + 1;
            }
        }
        if (from < 0) {
            from = 0;
            to = 0;
        }
        return new Span(off, length, from, to, in.openStart() && from == 0 && off == 0,
                in.openEnd() && to == length && off + length == fullOut);
    }

    /** Whether the k reads {@code first + j d} of a crop are all exact. */
    private static boolean exact(Span in, long first, long k, long d) {
        for (long j = 0; j < k; j++) {
            long r = first + j * d;
            boolean ok = r >= in.exactFrom() && r < in.exactTo() || r < 0 && in.openStart()
                    || r >= in.length() && in.openEnd();
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
