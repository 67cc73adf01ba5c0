package dev.inlierq.graph;

import static dev.inlierq.graph.Nodes.op;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Graph's producer and consumer queries, op counts and copies, on a hand-built diamond graph. */
class GraphTest {
    /** x -> Relu(a) -> {Sigmoid(b), Mul(a, b) -> y}; Resize reads a with an omitted roi input. */
    private static Graph diamond() {
        return GraphSpec.opset(13).input("x", 1, 3, 4, 4).floats("sc", new long[] {4}, 1, 1, 2, 2)
                .node(op(OpType.Relu, "x").out("a").name("relu"))
                .node(op(OpType.Sigmoid, "a").out("b").name("sig"))
                .node(op(OpType.Mul, "a", "b").out("y").name("mul"))
                .node(op(OpType.Resize, "a", "", "sc").out("z").name("up"))
                .node(op(OpType.Relu, "z").out("w").name("relu2"))
                .output("y", "w").build();
    }

    private static List<String> names(List<Node> nodes) {
        return nodes.stream().map(Node::name).toList();
    }

    @Test
    void producersAndConsumers() {
        Graph g = diamond();
        assertEquals("relu", g.producer("a").name());
        assertEquals("mul", g.producer("y").name());
        assertNull(g.producer("x"), "a graph input has no producer");
        assertNull(g.producer("sc"), "nor an initializer");
        assertEquals(List.of("sig", "mul", "up"), names(g.consumers("a")), "in node order");
        assertEquals(List.of("up"), names(g.consumers("sc")));
        assertEquals(List.of(), g.consumers("y"));
        assertEquals(List.of(), g.consumers(""), "an omitted optional input is nobody's value");
        assertSame(g.nodes().get(0), g.producer("a"));
    }

    @Test
    void outputsConstantsAndCounts() {
        Graph g = diamond();
        assertTrue(g.isGraphOutput("y"));
        assertTrue(g.isGraphOutput("w"));
        assertFalse(g.isGraphOutput("a"));
        assertTrue(g.isConstant("sc"));
        assertFalse(g.isConstant("x"));
        assertArrayEquals(new float[] {1, 1, 2, 2}, g.constant("sc").floats());
        assertEquals(Map.of(OpType.Relu, 2, OpType.Sigmoid, 1, OpType.Mul, 1, OpType.Resize, 1), g.opCounts());
        assertEquals(List.of(OpType.Relu, OpType.Sigmoid, OpType.Mul, OpType.Resize), List.copyOf(g.opCounts().keySet()),
                "first-seen order");
        assertEquals(13, g.opset());
    }

    @Test
    void shapesAreCopiesAndTransformsReturnNewGraphs() {
        Graph g = diamond();
        long[] s = g.shape("x");
        s[0] = 99;
        assertArrayEquals(new long[] {1, 3, 4, 4}, g.shape("x"));
        assertNull(g.shape("a"), "not inferred yet");
        Graph fewer = g.withNodes(g.nodes().subList(0, 1), Map.of(), Map.of("a", new long[] {1, 3, 4, 4}));
        assertEquals(List.of("relu"), names(fewer.nodes()));
        assertEquals(List.of(), fewer.consumers("a"));
        assertTrue(fewer.initializers().isEmpty());
        assertArrayEquals(new long[] {1, 3, 4, 4}, fewer.shape("a"));
        assertEquals(5, g.nodes().size(), "the original is unchanged");
        Graph renamed = g.withInputs(List.of(new ValueInfo("x", DType.FLOAT, new long[] {2, 3, 4, 4})));
        assertArrayEquals(new long[] {2, 3, 4, 4}, renamed.inputs().get(0).shape());
        assertEquals(g.nodes(), renamed.nodes());
    }
}
