package dev.inlierq.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-built nodes and value lookups for the graph unit tests: {@code Nodes.op(OpType.Conv, "x", "w").ints("pads",
 * 1, 1, 1, 1).build()} makes one node (output "y" unless {@link Spec#out} names others), and {@link Values} is the
 * {@link MapValueLookup} of graph preparation, filled with shapes and constants given by the test, at a chosen opset.
 */
final class Nodes {
    private static int counter;

    private Nodes() {
    }

    /** A node of {@code op} reading {@code inputs} ("" for an omitted optional input). */
    static Spec op(OpType op, String... inputs) {
        return new Spec(op, List.of(inputs));
    }

    static long[] s(long... dims) {
        return dims;
    }

    /** Fluent builder of one {@link Node}. */
    static final class Spec {
        private final OpType op;
        private final List<String> inputs;
        private List<String> outputs = List.of("y");
        private String name;
        private final Map<String, Attr> attrs = new LinkedHashMap<>();

        private Spec(OpType op, List<String> inputs) {
            this.op = op;
            this.inputs = inputs;
        }

        Spec out(String... names) {
            outputs = List.of(names);
            return this;
        }

        Spec name(String n) {
            name = n;
            return this;
        }

        Spec i(String key, long v) {
            attrs.put(key, new Attr.Int(v));
            return this;
        }

        Spec f(String key, float v) {
            attrs.put(key, new Attr.Float(v));
            return this;
        }

        Spec str(String key, String v) {
            attrs.put(key, new Attr.Str(v));
            return this;
        }

        Spec ints(String key, long... v) {
            attrs.put(key, new Attr.Ints(v));
            return this;
        }

        Spec floats(String key, float... v) {
            attrs.put(key, new Attr.Floats(v));
            return this;
        }

        Spec tensor(String key, ConstTensor t) {
            attrs.put(key, new Attr.Tensor(t));
            return this;
        }

        Node build() {
            String n = name != null ? name : op + "_" + (counter++);
            return new Node(n, op, inputs, outputs, new Attributes(attrs));
        }
    }

    /** Shapes and constants known to a test, at one opset; a constant's shape is known too. */
    static final class Values extends MapValueLookup {
        Values(int opset) {
            super(opset);
        }

        Values dims(String name, long... dims) {
            shapes.put(name, dims);
            return this;
        }

        Values constant(String name, ConstTensor t) {
            putConstant(name, t);
            return this;
        }

        Values longs(String name, long... v) {
            return constant(name, ConstTensor.vector(v));
        }

        Values floats(String name, float... v) {
            return constant(name, ConstTensor.ofFloats(new long[] {v.length}, v));
        }

        /**
         * Folds {@code n} as graph preparation does: its inputs' constants, its first input's shape and its
         * inferred output shape.
         */
        ConstTensor fold(Node n) {
            ConstTensor[] in = new ConstTensor[n.inputs().size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = n.input(i).isEmpty() ? null : consts.get(n.input(i));
            }
            long[][] out = n.op() == OpType.Constant ? null : ShapeInference.infer(n, this);
            return ConstantFolder.fold(n, in, shape(n.input(0)), out == null ? null : out[0], this);
        }

        /** The output shapes of {@code n} as a list of readable strings, e.g. ["[1, 8, 4, 4]"]. */
        List<String> infer(Node n) {
            long[][] r = ShapeInference.infer(n, this);
            if (r == null) {
                return null;
            }
            List<String> out = new ArrayList<>();
            for (long[] s : r) {
                out.add(Arrays.toString(s));
            }
            return out;
        }

        /** The single output shape of {@code n} as a string. */
        String infer1(Node n) {
            List<String> r = infer(n);
            if (r == null) {
                return null;
            }
            if (r.size() != 1) {
                throw new AssertionError("expected one output shape, got " + r);
            }
            return r.get(0);
        }
    }
}
