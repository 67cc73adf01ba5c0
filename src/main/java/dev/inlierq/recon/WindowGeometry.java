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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The spatial geometry of a reconstruction unit, for steps on crops (issue 12, "cheaper steps"): which crop of
 * its inputs a window of its outputs needs, and where the cropped computation equals the full one.
 *
 * <p>Per spatial axis (a value's last two axes, or its last axis when a reshape flattened them), every value of
 * the unit gets a stride relative to the unit's finest input (the reference grid): Conv and pooling multiply
 * it by their stride, Slice by its step; element-wise ops, Concat, Split and Gather along other axes, and
 * reshapes and transposes that keep the spatial axes last (channel shuffles, which may flatten them) pass it
 * on; the maps an element-wise op or a Concat joins must agree. Inputs of
 * 1 x 1 pixel (squeeze-and-excitation vectors computed by an earlier unit) are global: broadcast, never cut.
 * A crop is {@code [A, A + C)} of the reference grid with {@code A} and {@code C} multiples of the unit's total
 * stride {@code M} (the least common multiple of its strides): each value's crop then starts at
 * {@code A / S_v}, every strided op's input crop starts on its stride, and the cropped op computes the same
 * output positions as on the full map (alignment).
 *
 * <p>A position of a cropped value is exact when everything it reads is exact. The padding an op adds at a
 * crop's edge stands in for real pixels (the artificial border), except where that edge is also the map's own
 * border: there it is the network's padding, so positions there stay exact. Walking the nodes forward gives
 * each value's exact interval; what a crop loses at each edge is the receptive-field halo. Anything the walk
 * cannot map (Resize, global pooling, reshapes that move spatial axes, joins of maps of different strides,
 * padding that depends on the size...) makes the unit {@linkplain #unsupported() unsupported}: it keeps full
 * maps.
 */
final class WindowGeometry {
    /** How a node moves positions along a spatial axis. */
    private enum Kind {
        /** output position o reads input positions o s - p + j d, j < k (Conv, pooling, Slice) */
        WINDOW,
        /** position for position (element-wise ops of one map, Split, channel reshapes and transposes) */
        PASS,
        /** position for position, from several maps that must agree (element-wise ops, Concat) */
        JOIN,
        /** a node of global (1 x 1) values only */
        GLOBAL
    }

    private record Step(Node node, Kind kind, List<String> maps) {
    }

    /** Stride marker of a global value. */
    private static final long[] GLOBAL = {0, 0};

    /**
     * The crop of every value, from {@link #evaluate}: shapes and, for each reshape by node name, its target
     * shape for the crop (for an executor compiled for crops), and spans per axis (null for global values).
     */
    record Evaluation(Map<String, long[]> shapes, Map<String, ConstTensor> reshapeTargets,
            Map<String, CropSpan[]> spans) {
    }

    private final Graph g;
    private final Units.Unit unit;
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, long[]> strides = new HashMap<>();
    /** values whose spatial axes a reshape flattened into their last one, to their spatial sizes */
    private final Map<String, long[]> flat = new HashMap<>();
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
        try {
            w.unsupported = w.walk();
        } catch (RuntimeException e) {
            w.unsupported = "the walk failed: " + e.getMessage();
        }
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

    /** Whether {@code v} is a global (1 x 1) value, broadcast over the maps. */
    boolean global(String v) {
        return strides.get(v) == GLOBAL;
    }

    /** The stride of value {@code v} relative to the reference grid along {@code ax}. */
    long stride(String v, int ax) {
        return strides.get(v)[ax];
    }

    /** The full map size of {@code v} along {@code ax}. */
    long full(String v, int ax) {
        long[] s = g.shape(v);
        return s[s.length - 2 + ax];
    }

    /** Strides of every value and the kind of every node; the reason the unit is unsupported, or null. */
    private String walk() {
        for (String v : unit.inputs()) {
            long[] s = g.shape(v);
            if (s == null || s.length != 4) {
                return "input " + v + " is not a 4-D feature map";
            }
            if (s[2] > 1 || s[3] > 1) {
                reference[0] = Math.max(reference[0], s[2]);
                reference[1] = Math.max(reference[1], s[3]);
            }
        }
        if (reference[0] == 0) {
            return "all inputs are 1 x 1";
        }
        for (String v : unit.inputs()) {
            if (full(v, 0) == 1 && full(v, 1) == 1) {
                strides.put(v, GLOBAL);
                continue;
            }
            if (reference[0] % full(v, 0) != 0 || reference[1] % full(v, 1) != 0) {
                return "input " + v + " is not on a whole stride of the finest input";
            }
            strides.put(v, new long[] {reference[0] / full(v, 0), reference[1] / full(v, 1)});
        }
        for (Node n : unit.nodes()) {
            String why = add(n);
            if (why != null) {
                return why;
            }
        }
        for (var st : strides.values()) {
            for (int ax = 0; ax < 2 && st != GLOBAL; ax++) {
                total[ax] = lcm(total[ax], st[ax]);
            }
        }
        for (int ax = 0; ax < 2; ax++) {
            if (reference[ax] % total[ax] != 0) {
                return "map size " + reference[ax] + " is not a multiple of the unit's total stride " + total[ax];
            }
        }
        for (String v : unit.outputs()) {
            if (global(v) || g.shape(v).length != 4) {
                return "output " + v + " is not a 4-D feature map";
            }
        }
        return null;
    }

    /** Classifies one node and gives its outputs their strides; the reason it cannot be mapped, or null. */
    private String add(Node n) {
        List<String> maps = new ArrayList<>();
        boolean allGlobal = true;
        for (String in : n.inputs()) {
            if (!in.isEmpty() && !g.isConstant(in)) {
                maps.add(in);
                allGlobal &= global(in);
            }
        }
        if (maps.isEmpty()) {
            return n.op() + " " + n.name() + " reads no map";
        }
        for (String o : n.outputs()) {
            long[] s = g.shape(o);
            if (s == null || s.length < 2) {
                return n.op() + " " + n.name() + " makes a value without spatial axes";
            }
            if (allGlobal && (s[s.length - 1] != 1 || s[s.length - 2] != 1)) {
                return n.op() + " " + n.name() + " spreads a 1 x 1 value over space";
            }
        }
        Kind kind = allGlobal ? Kind.GLOBAL : kind(n, maps);
        if (kind == null) {
            return n.op() + " " + n.name() + " is not mapped to windows";
        }
        String lead = allGlobal ? null : maps.stream().filter(m -> !global(m)).findFirst().orElseThrow();
        boolean flatIn = lead != null && flat.containsKey(lead);
        boolean flatOut = n.op() == OpType.Reshape && lead != null ? reshapeLayout(n) == 1 : flatIn;
        for (String m : maps) {
            if (!global(m) && flat.containsKey(m) != flatIn || flatIn && kind != Kind.PASS && kind != Kind.JOIN) {
                return n.op() + " " + n.name() + " reads flattened maps";
            }
        }
        for (String o : n.outputs()) {
            if (!allGlobal && g.shape(o).length < (flatOut ? 2 : 4)) {
                return n.op() + " " + n.name() + " makes a value without spatial axes";
            }
        }
        List<String> spatial = maps.stream().filter(m -> !global(m)).toList();
        long[] in = allGlobal ? GLOBAL : strides.get(spatial.get(0));
        for (String m : spatial) {
            if (!Arrays.equals(strides.get(m), in)) {
                return n.op() + " " + n.name() + " joins maps of different strides";
            }
        }
        if (kind == Kind.WINDOW || kind == Kind.PASS) {
            if (spatial.size() != 1 || !spatial.get(0).equals(n.input(0))) {
                return n.op() + " " + n.name() + " reads more than one map";
            }
        }
        long[] out = in == GLOBAL ? GLOBAL : in.clone();
        if (kind == Kind.WINDOW) {
            for (int ax = 0; ax < 2; ax++) {
                out[ax] *= window(n, g.shape(n.input(0)), ax)[1];
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
            if (flatOut) {
                flat.put(o, spatialSize(lead));
            }
        }
        steps.add(new Step(n, kind, kind == Kind.GLOBAL ? maps : spatial));
        return null;
    }

    /** The node's kind, or null when the walk cannot map it. */
    private Kind kind(Node n, List<String> maps) {
        OpType op = n.op();
        String first = maps.stream().filter(m -> !global(m)).findFirst().orElseThrow();
        long[] in = g.shape(first);
        int spatialAxes = flat.containsKey(first) ? 1 : 2;
        int nonSpatial = in.length - spatialAxes;
        return switch (op) {
            case Conv, MaxPool, AveragePool -> in.length == 4 ? Kind.WINDOW : null;
            case Slice -> in.length >= 4 ? sliceKind(n, in) : null;
            case Concat -> Shapes.axis(n.attrs().getInt("axis", 0), in.length) < nonSpatial ? Kind.JOIN : null;
            case Split -> Shapes.axis(n.attrs().getInt("axis", 0), in.length) < nonSpatial ? Kind.PASS : null;
            case Gather -> g.isConstant(n.input(1))
                    && Shapes.axis(n.attrs().getInt("axis", 0), in.length) < nonSpatial ? Kind.PASS : null;
            case Reshape -> g.isConstant(n.input(1)) && reshapeLayout(n) != 0 ? Kind.PASS : null;
            case Transpose -> {
                long[] p = ShapeInference.perm(n, in.length);
                boolean keeps = true;
                for (int k = in.length - spatialAxes; k < in.length; k++) {
                    keeps &= p[k] == k;
                }
                yield keeps ? Kind.PASS : null;
            }
            case BatchNormalization, PRelu -> Kind.PASS;
            default -> {
                if (op.isUnaryElementwise()) {
                    yield Kind.PASS;
                }
                yield op.isBinaryElementwise() ? Kind.JOIN : null;
            }
        };
    }

    /** The full spatial sizes {height, width} of a map, flattened or not. */
    private long[] spatialSize(String v) {
        long[] s = g.shape(v);
        return flat.containsKey(v) ? flat.get(v).clone() : new long[] {s[s.length - 2], s[s.length - 1]};
    }

    /**
     * How a reshape of a map lays out its spatial axes: 2 when its output ends with them as two axes, 1 when
     * flattened into its last axis, and in both cases only the axes before them regrouped (the same product);
     * 0 when it moves them (not mapped).
     */
    private int reshapeLayout(Node n) {
        long[] in = g.shape(n.input(0));
        long[] out = g.shape(n.output());
        long[] hw = spatialSize(n.input(0));
        long area = hw[0] * hw[1];
        if (out == null || Shapes.numel(out) != Shapes.numel(in)) {
            return 0;
        }
        if (out.length >= 3 && out[out.length - 2] == hw[0] && out[out.length - 1] == hw[1]) {
            return 2;
        }
        return out.length >= 2 && out[out.length - 1] == area ? 1 : 0;
    }

    /** A Slice that keeps the spatial axes to their end (any start and positive step) is a window of one. */
    private Kind sliceKind(Node n, long[] in) {
        OpParams.SliceSpec s = OpParams.slice(n, in, g);
        for (int ax = in.length - 2; ax < in.length; ax++) {
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
            int a = in.length - 2 + ax;
            return new long[] {1, s.steps()[a], 1, -s.starts()[a]};
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
        Map<String, CropSpan[]> spans = new HashMap<>();
        Map<String, ConstTensor> targets = new HashMap<>();
        for (String v : unit.inputs()) {
            long[] s = g.shape(v);
            if (!global(v)) {
                CropSpan[] sp = new CropSpan[2];
                for (int ax = 0; ax < 2; ax++) {
                    long off = start[ax] / stride(v, ax);
                    long len = size[ax] / stride(v, ax);
                    s[2 + ax] = len;
                    sp[ax] = CropSpan.input(off, len, full(v, ax));
                }
                spans.put(v, sp);
            }
            shapes.put(v, s);
        }
        Map<String, ConstTensor> override = new HashMap<>();
        ValueLookup crop = new ValueLookup() {
            @Override
            public long[] shape(String value) {
                long[] s = shapes.get(value);
                return s != null ? s.clone() : g.shape(value);
            }

            @Override
            public ConstTensor constant(String value) {
                return override.containsKey(value) ? override.get(value) : g.constant(value);
            }

            @Override
            public int opset() {
                return g.opset();
            }
        };
        for (Step st : steps) {
            override.clear();
            if (st.node().op() == OpType.Reshape && st.kind() != Kind.GLOBAL) {
                ConstTensor t = reshapeTarget(st.node(), spans.get(st.maps().get(0)));
                override.put(st.node().input(1), t);
                targets.put(st.node().name(), t);
            }
            long[][] outs = ShapeInference.infer(st.node(), crop);
            if (outs == null) {
                throw new IllegalStateException(st.node() + ": no shape for the crop");
            }
            for (int k = 0; k < st.node().outputs().size(); k++) {
                String o = st.node().outputs().get(k);
                shapes.put(o, outs[k]);
                if (st.kind() == Kind.PASS) {
                    spans.put(o, passed(st, spans.get(st.maps().get(0)), outs[k], o));
                } else if (st.kind() != Kind.GLOBAL) {
                    CropSpan[] sp = new CropSpan[2];
                    for (int ax = 0; ax < 2; ax++) {
                        sp[ax] = span(st, ax, spans, outs[k][outs[k].length - 2 + ax], crop, o);
                    }
                    spans.put(o, sp);
                }
            }
        }
        return new Evaluation(shapes, targets, spans);
    }

    /** A channel reshape's target shape for a crop of spans {@code in}: its spatial sizes the crop's. */
    private ConstTensor reshapeTarget(Node n, CropSpan[] in) {
        ConstTensor c = g.constant(n.input(1));
        long[] t = c.longs().clone();
        long[] hw = spatialSize(n.input(0));
        int r = t.length;
        if (reshapeLayout(n) == 2) {
            t[r - 2] = t[r - 2] == hw[0] ? in[0].length() : t[r - 2];
            t[r - 1] = t[r - 1] == hw[1] ? in[1].length() : t[r - 1];
        } else {
            t[r - 1] = t[r - 1] == hw[0] * hw[1] ? in[0].length() * in[1].length() : t[r - 1];
        }
        return ConstTensor.ofLongs(c.shape(), t);
    }

    /** A position-for-position step's output crop (shape {@code shape}): its input's, checked. */
    private CropSpan[] passed(Step st, CropSpan[] in, long[] shape, String out) {
        int r = shape.length;
        boolean same = flat.containsKey(out) ? shape[r - 1] == in[0].length() * in[1].length()
                : shape[r - 2] == in[0].length() && shape[r - 1] == in[1].length();
        if (!same) {
            throw new IllegalStateException(st.node() + ": the crop changes its size");
        }
        return in;
    }

    /** The crop of output {@code out} of a WINDOW or JOIN step along {@code ax}, {@code length} long. */
    private CropSpan span(Step st, int ax, Map<String, CropSpan[]> spans, long length, ValueLookup crop, String out) {
        try {
            if (st.kind() == Kind.JOIN) {
                return CropSpan.join(st.maps().stream().map(m -> spans.get(m)[ax]).toList(), length);
            }
            String in = st.maps().get(0);
            long[] w = window(st.node(), crop.shape(in), ax);
            if (!Arrays.equals(w, window(st.node(), g.shape(in), ax))) {
                throw new IllegalStateException("the crop changes the window");
            }
            return spans.get(in)[ax].through(w[0], w[1], w[2], w[3], length, full(in, ax), full(out, ax));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(st.node().op() + " " + st.node().name() + ": " + e.getMessage(), e);
        }
    }
}
