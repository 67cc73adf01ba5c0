package dev.inlierq.graph;

import static dev.inlierq.graph.Nodes.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.error.InvalidModelException;
import dev.inlierq.error.UnsupportedModelException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shape rules of the convolution, pooling, Pad and Resize families on single hand-built nodes. */
class ConvPoolShapeTest {
    private static Nodes.Values conv(long... x) {
        return new Nodes.Values(13).dims("x", x);
    }

    @Test
    void convOutputsFollowPadsStridesDilationsAndGroups() {
        Nodes.Values v = conv(1, 3, 32, 32).dims("w", 8, 3, 3, 3);
        assertEquals("[1, 8, 32, 32]", v.infer1(op(OpType.Conv, "x", "w").ints("pads", 1, 1, 1, 1).build()));
        assertEquals("[1, 8, 16, 16]", v.infer1(op(OpType.Conv, "x", "w").ints("pads", 1, 1, 1, 1)
                .ints("strides", 2, 2).build()), "floor((32 + 2 - 3) / 2) + 1");
        assertEquals("[1, 8, 28, 28]", v.infer1(op(OpType.Conv, "x", "w").ints("dilations", 2, 2).build()),
                "dilation 2 makes the 3-tap kernel 5 wide");
        Nodes.Values asym = conv(1, 3, 10, 10).dims("w", 8, 3, 3, 3);
        assertEquals("[1, 8, 10, 12]", asym.infer1(op(OpType.Conv, "x", "w").ints("pads", 0, 1, 2, 3).build()),
                "pads are (h begin, w begin, h end, w end)");
        Nodes.Values dw = conv(1, 8, 16, 16).dims("w", 16, 1, 3, 3);
        assertEquals("[1, 16, 16, 16]", dw.infer1(op(OpType.Conv, "x", "w").i("group", 8)
                .ints("pads", 1, 1, 1, 1).build()), "output channels are the weight's first axis");
    }

    @Test
    void convAutoPadAndKernelShapeAttribute() {
        Nodes.Values v = conv(1, 3, 15, 15).dims("w", 4, 3, 3, 3);
        assertEquals("[1, 4, 8, 8]", v.infer1(op(OpType.Conv, "x", "w").str("auto_pad", "SAME_UPPER")
                .ints("strides", 2, 2).build()), "SAME: ceil(15 / 2)");
        assertEquals("[1, 4, 8, 8]", v.infer1(op(OpType.Conv, "x", "w").str("auto_pad", "SAME_LOWER")
                .ints("strides", 2, 2).build()));
        assertEquals("[1, 4, 13, 13]", v.infer1(op(OpType.Conv, "x", "w").str("auto_pad", "VALID")
                .ints("pads", 5, 5, 5, 5).build()), "VALID ignores pads");
        assertEquals("[1, 4, 13, 13]", v.infer1(op(OpType.Conv, "x", "w").ints("kernel_shape", 3, 3).build()));
        Nodes.Values conv1d = conv(1, 3, 20).dims("w", 4, 3, 5);
        assertEquals("[1, 4, 8]", conv1d.infer1(op(OpType.Conv, "x", "w").ints("strides", 2).build()),
                "1-D: floor((20 - 5) / 2) + 1");
    }

    @Test
    void convRefusesWindowsThatDoNotFit() {
        Nodes.Values v = conv(1, 3, 2, 2).dims("w", 4, 3, 3, 3);
        var e = assertThrows(InvalidModelException.class, () -> v.infer(op(OpType.Conv, "x", "w").build()));
        assertTrue(e.getMessage().contains("does not fit the padded input (2)"), e.getMessage());
        Nodes.Values rank = conv(1, 3, 8, 8).dims("w", 4, 3, 3);
        assertThrows(InvalidModelException.class, () -> rank.infer(op(OpType.Conv, "x", "w").build()));
        assertThrows(InvalidModelException.class, () -> conv(1, 3, 8, 8).dims("w", 4, 3, 3, 3)
                .infer(op(OpType.Conv, "x", "w").ints("strides", 0, 1).build()));
    }

    @Test
    void convTransposeOutputs() {
        Nodes.Values v = conv(1, 4, 8, 8).dims("w", 4, 2, 4, 4);
        assertEquals("[1, 2, 16, 16]", v.infer1(op(OpType.ConvTranspose, "x", "w").ints("strides", 2, 2)
                .ints("pads", 1, 1, 1, 1).build()), "2 * 7 + 4 - 2");
        assertEquals("[1, 2, 17, 17]", v.infer1(op(OpType.ConvTranspose, "x", "w").ints("strides", 2, 2)
                .ints("pads", 1, 1, 1, 1).ints("output_padding", 1, 1).build()));
        assertEquals("[1, 2, 16, 16]", v.infer1(op(OpType.ConvTranspose, "x", "w").ints("strides", 2, 2)
                .ints("output_shape", 16, 16).build()), "output_shape sets the pads");
        assertEquals("[1, 4, 18, 18]", v.infer1(op(OpType.ConvTranspose, "x", "w").ints("strides", 2, 2)
                .i("group", 2).build()), "output channels: weight axis 1 times group");
    }

    @Test
    void poolingWithAndWithoutCeilMode() {
        Nodes.Values v = conv(1, 3, 8, 8);
        assertEquals("[1, 3, 3, 3]", v.infer1(op(OpType.MaxPool, "x").ints("kernel_shape", 3, 3)
                .ints("strides", 2, 2).build()), "floor(5 / 2) + 1");
        assertEquals("[1, 3, 4, 4]", v.infer1(op(OpType.MaxPool, "x").ints("kernel_shape", 3, 3)
                .ints("strides", 2, 2).i("ceil_mode", 1).build()), "ceil(5 / 2) + 1");
        Nodes.Values five = conv(1, 3, 5, 5);
        assertEquals("[1, 3, 3, 3]", five.infer1(op(OpType.AveragePool, "x").ints("kernel_shape", 2, 2)
                .ints("strides", 2, 2).ints("pads", 1, 1, 1, 1).i("ceil_mode", 1).build()),
                "ceil gives 4 windows, but the 4th would start in the end padding");
        assertEquals("[1, 3, 16, 16]", conv(1, 3, 32, 32).infer1(op(OpType.MaxPool, "x").ints("kernel_shape", 3, 3)
                .ints("strides", 2, 2).ints("pads", 1, 1, 1, 1).build()));
        assertEquals(List.of("[1, 3, 4, 4]", "[1, 3, 4, 4]"), v.infer(op(OpType.MaxPool, "x").out("y", "idx")
                .ints("kernel_shape", 2, 2).ints("strides", 2, 2).build()), "MaxPool's indices have the output shape");
        assertEquals("[1, 8, 1, 1]", conv(1, 8, 7, 9).infer1(op(OpType.GlobalAveragePool, "x").build()));
        assertThrows(InvalidModelException.class, () -> v.infer(op(OpType.MaxPool, "x").build()),
                "kernel_shape is required without a weight");
    }

    @Test
    void padAttributeAndInputForms() {
        assertEquals("[1, 3, 12, 14]", conv(1, 3, 8, 8).longs("p", 0, 0, 1, 2, 0, 0, 3, 4)
                .infer1(op(OpType.Pad, "x", "p").build()), "opset 11: pads input (begins, then ends)");
        assertEquals("[1, 3, 10, 12]", new Nodes.Values(2).dims("x", 1, 3, 8, 8)
                .infer1(op(OpType.Pad, "x").ints("pads", 0, 0, 1, 2, 0, 0, 1, 2).build()), "opset 2: attribute");
        assertEquals("[1, 3, 11, 11]", new Nodes.Values(18).dims("x", 1, 3, 8, 8).longs("p", 1, 1, 2, 2)
                .longs("axes", -2, -1).infer1(op(OpType.Pad, "x", "p", "", "axes").build()), "opset 18: axes input");
        assertThrows(UnsupportedModelException.class, () -> conv(1, 3, 8, 8).dims("p", 8)
                .infer(op(OpType.Pad, "x", "p").build()), "pads computed at run time");
    }

    @Test
    void resizeFromScalesOrSizes() {
        Nodes.Values v = conv(1, 3, 10, 10).floats("sc", 1, 1, 2, 2).longs("sz", 1, 3, 7, 9)
                .floats("empty").floats("frac", 1, 1, 0.7f, 0.7f);
        assertEquals("[1, 3, 20, 20]", v.infer1(op(OpType.Resize, "x", "", "sc").build()));
        assertEquals("[1, 3, 7, 9]", v.infer1(op(OpType.Resize, "x", "", "", "sz").build()));
        assertEquals("[1, 3, 7, 9]", v.infer1(op(OpType.Resize, "x", "", "empty", "sz").build()),
                "an empty scales tensor next to sizes, as exporters write it");
        assertEquals("[1, 3, 7, 7]", v.infer1(op(OpType.Resize, "x", "", "frac").build()),
                "10 * 0.7f is 7 in float32");
        Nodes.Values ten = new Nodes.Values(10).dims("x", 1, 3, 5, 5).floats("sc", 1, 1, 1.5f, 2);
        assertEquals("[1, 3, 7, 10]", ten.infer1(op(OpType.Resize, "x", "sc").build()), "opset 10: scales input 1");
        Nodes.Values seven = new Nodes.Values(7).dims("x", 1, 3, 5, 5);
        assertEquals("[1, 3, 10, 10]", seven.infer1(op(OpType.Upsample, "x").floats("scales", 1, 1, 2, 2).build()));
        Nodes.Values nine = new Nodes.Values(9).dims("x", 1, 3, 5, 5).floats("sc", 1, 1, 3, 3);
        assertEquals("[1, 3, 15, 15]", nine.infer1(op(OpType.Upsample, "x", "sc").build()));
        assertThrows(UnsupportedModelException.class, () -> v.infer(op(OpType.Resize, "x", "", "sc")
                .str("mode", "cubic").build()));
        assertThrows(UnsupportedModelException.class, () -> v.infer(op(OpType.Resize, "x", "", "", "sz")
                .ints("axes", 2, 3).build()));
    }

    @Test
    void unknownInputShapeGivesNoShape() {
        Nodes.Values v = new Nodes.Values(13).dims("w", 8, 3, 3, 3);
        assertNull(v.infer(op(OpType.Conv, "x", "w").build()));
        assertNull(v.infer(op(OpType.GlobalAveragePool, "x").build()));
    }
}
