package dev.inlierq.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.inlierq.graph.Attr;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.Node;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.FloatTensor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The test model builder: what it writes, and that it refuses malformed models with clear messages. */
class OnnxModelBuilderTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {7, 9, 10, 11, 13, 14, 17, 18, 19, 20, 21})
    void onnxRuntimeLoadsAndRunsEveryOpset(int opset) {
        Path p = OnnxModelBuilder.opset(opset).input("x", -1, 3)
                .initializer("k", new long[] {3}, 1f, -2f, 3f)
                .node("Mul", "x", "k").out("m").end()
                .node("Relu", "m").out("y").end()
                .output("y").write(tmp);
        try (OrtRunner r = new OrtRunner(p, 1)) {
            FloatTensor out = r.run(new FloatTensor(new long[] {2, 3}, new float[] {1, 1, 1, -1, -1, -1})).get("y");
            assertArrayEquals(new long[] {2, 3}, out.shape());
            assertArrayEquals(new float[] {1, 0, 3, 0, 2, 0}, out.data());
        }
    }

    @Test
    void irVersionFollowsTheOpset() {
        assertEquals(4, OnnxModelBuilder.irVersionFor(9));
        assertEquals(5, OnnxModelBuilder.irVersionFor(10));
        assertEquals(7, OnnxModelBuilder.irVersionFor(11));
        assertEquals(7, OnnxModelBuilder.irVersionFor(13));
        assertEquals(8, OnnxModelBuilder.irVersionFor(14));
        assertEquals(8, OnnxModelBuilder.irVersionFor(18));
        assertEquals(10, OnnxModelBuilder.irVersionFor(21));
    }

    @Test
    void everyAttributeKindReachesTheReader() {
        Path p = OnnxModelBuilder.opset(13).input("x", -1, 2, 4, 4)
                .initializerInt64("shape", new long[] {2}, 0, -1)
                .node("Identity", "x").name("n").out("y")
                .i("an_int", 3).f("a_float", 0.5f).ints("some_ints", 1, -2).floats("some_floats", 0.25f, 4f)
                .s("a_string", "SAME_UPPER").tensor("a_tensor", new long[] {2}, 7f, 8f)
                .tensorInt64("an_int_tensor", new long[] {1}, 9).end()
                .node("Reshape", "y", "shape").out("z").end()
                .output("z").write(tmp);
        Graph g = OnnxReader.read(p);
        Node n = g.nodes().get(0);
        assertEquals("n", n.name());
        Map<String, Attr> a = n.attrs().asMap();
        assertEquals(new Attr.Int(3), a.get("an_int"));
        assertEquals(new Attr.Float(0.5f), a.get("a_float"));
        assertArrayEquals(new long[] {1, -2}, n.attrs().getInts("some_ints", null));
        assertArrayEquals(new float[] {0.25f, 4f}, n.attrs().getFloats("some_floats", null));
        assertEquals("SAME_UPPER", n.attrs().getString("a_string", null));
        assertArrayEquals(new float[] {7f, 8f}, n.attrs().getTensor("a_tensor").floats());
        assertArrayEquals(new long[] {9}, n.attrs().getTensor("an_int_tensor").longs());
        assertArrayEquals(new long[] {0, -1}, g.constant("shape").longs());
        assertArrayEquals(new long[] {-1, 2, 4, 4}, g.inputs().get(0).shape());
        assertEquals(13, g.opset());
    }

    @Test
    void undefinedInputIsRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.opset(13).input("x", 1, 3)
                .node("Add", "x", "nope").name("add").out("y").end().output("y");
        IllegalStateException e = assertThrows(IllegalStateException.class, m::build);
        assertTrue(e.getMessage().contains("node 'add' (Add) input 'nope': expected a graph input, initializer or "
                + "earlier node output, got an undefined name"), e.getMessage());
    }

    @Test
    void inputUsedBeforeItIsProducedIsRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.opset(13).input("x", 1, 3)
                .node("Relu", "later").out("y").end()
                .node("Neg", "x").out("later").end().output("y");
        IllegalStateException e = assertThrows(IllegalStateException.class, m::build);
        assertTrue(e.getMessage().contains("input 'later': expected"), e.getMessage());
    }

    @Test
    void initializerSizeMismatchIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxModelBuilder.opset(13).initializer("w", new long[] {2, 3}, 1, 2, 3, 4, 5));
        assertEquals("tensor 'w': expected 6 values for shape [2, 3], got 5", e.getMessage());
        IllegalArgumentException l = assertThrows(IllegalArgumentException.class,
                () -> OnnxModelBuilder.opset(13).initializerInt64("i", new long[] {3}, 1, 2));
        assertEquals("tensor 'i': expected 3 values for shape [3], got 2", l.getMessage());
    }

    @Test
    void valuesDefinedTwiceAreRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.opset(13).input("x", 1, 3)
                .node("Relu", "x").out("y").end()
                .node("Neg", "x").out("y").end().output("y");
        IllegalStateException e = assertThrows(IllegalStateException.class, m::build);
        assertTrue(e.getMessage().contains("expected a new non-empty value name, got 'y'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OnnxModelBuilder.opset(13).input("x", 1).scalar("x", 1f));
        assertThrows(IllegalArgumentException.class,
                () -> OnnxModelBuilder.opset(13).input("x", 1).node("Relu", "x").i("a", 1).i("a", 2));
    }

    @Test
    void outputsMustBeProducedAndNodesMustHaveOutputs() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OnnxModelBuilder.opset(13)
                .input("x", 1).node("Relu", "x").out("y").end().output("z").build());
        assertEquals("output 'z': expected a value defined by the graph, got an undefined name", e.getMessage());
        IllegalStateException noOut = assertThrows(IllegalStateException.class, () -> OnnxModelBuilder.opset(13)
                .input("x", 1).node("Relu", "x").end().output("x").build());
        assertTrue(noOut.getMessage().contains("outputs: expected at least one"), noOut.getMessage());
        IllegalStateException noNodes = assertThrows(IllegalStateException.class, () -> OnnxModelBuilder.opset(13)
                .input("x", 1).output("x").build());
        assertEquals("nodes: expected at least one, got 0", noNodes.getMessage());
    }

    @Test
    void opsetOutOfRangeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModelBuilder.opset(0));
        assertEquals("opset: expected 1.." + OnnxModelBuilder.MAX_OPSET + ", got 0", e.getMessage());
    }

    @Test
    void symbolicBatchAndOutputsWithoutShape() {
        OnnxMl.ModelProto m = OnnxModelBuilder.opset(14).input("x", -1, 3)
                .node("Relu", "x").out("y").end().output("y").build();
        assertEquals(8, m.getIrVersion());
        assertEquals("N", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(3, m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
        assertTrue(!m.getGraph().getOutput(0).getType().getTensorType().hasShape());
    }
}
