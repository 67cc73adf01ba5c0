package dev.inlierq.engine;

import static dev.inlierq.engine.OpParityTest.BIG;
import static dev.inlierq.engine.OpParityTest.X;
import static dev.inlierq.engine.OpParityTest.Y;
import static dev.inlierq.engine.OpParityTest.model;
import static dev.inlierq.engine.OpParityTest.none;
import static dev.inlierq.engine.OpParityTest.s;
import static dev.inlierq.engine.OpParityTest.single;

import dev.inlierq.engine.OpParityTest.Case;
import dev.inlierq.engine.OpParityTest.Weights;
import dev.inlierq.graph.OpType;
import java.util.ArrayList;
import java.util.List;

/**
 * The parity cases of {@link OpParityTest} for layout ops, quantization, math, constants and shape sub-graphs.
 */
final class OpParityTensorCases {
    private OpParityTensorCases() {
    }

    static List<Case> layoutCases() {
        Weights w = new Weights(14);
        List<Case> c = new ArrayList<>();
        long[] in = s(-1, 4, 3, 5);
        concatSplitSliceGather(w, c, in);
        reshapeFlattenSqueezeTranspose(c, in);
        return c;
    }

    private static void concatSplitSliceGather(Weights w, List<Case> c, long[] in) {
        c.add(new Case("Concat axis 1 of three", model(13, in)
                .node("Relu", X).out("r").end()
                .node("Sigmoid", X).out("sg").end()
                .node("Concat", X, "r", "sg").out(Y).i("axis", 1).end().output(Y)));
        c.add(new Case("Concat axis -1", model(11, in)
                .node("Neg", X).out("r").end()
                .node("Concat", X, "r").out(Y).i("axis", -1).end().output(Y)));
        c.add(new Case("Concat with a constant (batch 1 only)", model(13, in)
                .initializer("k", s(1, 2, 3, 5), w.normal(1, 2, 3, 5))
                .node("Concat", X, "k").out(Y).i("axis", 1).end().output(Y)).batches(1));

        c.add(new Case("Split opset 11 attribute uneven [1,2,1]", model(11, in)
                .node("Split", X).out("a", "b", "d").i("axis", 1).ints("split", 1, 2, 1).end()
                .output("a").output("b").output("d")));
        c.add(new Case("Split opset 11 equal thirds of 6 channels", model(11, s(-1, 6, 2, 3))
                .node("Split", X).out("a", "b", "d").i("axis", 1).end()
                .output("a").output("b").output("d")));
        c.add(new Case("Split opset 13 input uneven [3,2] axis -1", model(13, in)
                .int64s("sp", 3, 2)
                .node("Split", X, "sp").out("a", "b").i("axis", -1).end()
                .output("a").output("b")));
        c.add(new Case("Split opset 13 equal halves", model(13, in)
                .node("Split", X).out("a", "b").i("axis", 1).end()
                .node("Mul", "a", "b").out(Y).end().output(Y)));
        c.add(new Case("Split opset 18 num_outputs uneven", model(18, in)
                .node("Split", X).out("a", "b").i("axis", 3).i("num_outputs", 2).end()
                .output("a").output("b")));

        long[] sl = s(-1, 4, 6, 7);
        c.add(new Case("Slice axes subset with steps", single(model(13, sl)
                .int64s("st", 1, 0).int64s("en", -1, BIG).int64s("ax", 2, 3).int64s("sp", 1, 2),
                "Slice", none(), "st", "en", "ax", "sp")));
        c.add(new Case("Slice negative start to end", single(model(13, sl)
                .int64s("st", -3).int64s("en", BIG).int64s("ax", 3), "Slice", none(), "st", "en", "ax")));
        c.add(new Case("Slice negative start and end, negative axis", single(model(13, sl)
                .int64s("st", -5).int64s("en", -1).int64s("ax", -2), "Slice", none(), "st", "en", "ax")));
        c.add(new Case("Slice channel subset", single(model(13, sl)
                .int64s("st", 1).int64s("en", 3).int64s("ax", 1), "Slice", none(), "st", "en", "ax")));
        c.add(new Case("Slice step 2 from 1 (focus-style)", single(model(13, sl)
                .int64s("st", 1, 0).int64s("en", BIG, BIG).int64s("ax", 2, 3).int64s("sp", 2, 2),
                "Slice", none(), "st", "en", "ax", "sp")));
        c.add(new Case("Slice step 3 end clamped", single(model(13, sl)
                .int64s("st", 0).int64s("en", 100).int64s("ax", 3).int64s("sp", 3),
                "Slice", none(), "st", "en", "ax", "sp")));
        c.add(new Case("Slice all axes without axes input", single(model(13, sl)
                .int64s("st", 0, 1, 2, 0).int64s("en", BIG, 4, 6, -2), "Slice", none(), "st", "en")));
        c.add(new Case("Slice step -1 reversing the channels (BGR<->RGB export)", single(model(13, sl)
                .int64s("st", -1).int64s("en", Long.MIN_VALUE).int64s("ax", 1).int64s("sp", -1),
                "Slice", none(), "st", "en", "ax", "sp")));
        c.add(new Case("Slice step -2 on the width with a positive step on the height", single(model(13, sl)
                .int64s("st", 5, 1).int64s("en", 0, BIG).int64s("ax", 3, 2).int64s("sp", -2, 2),
                "Slice", none(), "st", "en", "ax", "sp")));
        c.add(new Case("Slice opset 9 attributes", single(model(9, sl), "Slice",
                n -> n.ints("starts", 1, -4).ints("ends", 3, 1000).ints("axes", 1, 3))));

        c.add(new Case("Gather scalar index axis 1", single(model(13, in).initializerInt64("i", s(), 2),
                "Gather", n -> n.i("axis", 1), "i")).keeps(OpType.Gather));
        c.add(new Case("Gather 1-D indices axis 1", single(model(13, in).int64s("i", 3, 0, 0),
                "Gather", n -> n.i("axis", 1), "i")));
        c.add(new Case("Gather 2-D indices axis 1", single(model(13, in).initializerInt64("i", s(2, 2), 0, 1, 3, 1),
                "Gather", n -> n.i("axis", 1), "i")));
        c.add(new Case("Gather negative index axis 1", single(model(13, in).int64s("i", -1, -4),
                "Gather", n -> n.i("axis", 1), "i")));
        c.add(new Case("Gather negative scalar index last axis", single(model(13, in).initializerInt64("i", s(), -2),
                "Gather", n -> n.i("axis", -1), "i")));
        c.add(new Case("Gather 2-D indices axis 2", single(model(13, in).initializerInt64("i", s(1, 3), 2, 0, 1),
                "Gather", n -> n.i("axis", 2), "i")));
        c.add(new Case("Gather scalar index axis 0 (drops the batch axis)", single(model(13, in)
                .initializerInt64("i", s(), 0), "Gather", none(), "i")).batches(1));
    }

    private static void reshapeFlattenSqueezeTranspose(List<Case> c, long[] in) {
        c.add(new Case("Reshape [0,-1]", single(model(13, in).int64s("t", 0, -1), "Reshape", none(), "t")));
        c.add(new Case("Reshape [0,2,-1,5]", single(model(13, in).int64s("t", 0, 2, -1, 5), "Reshape", none(), "t")));
        c.add(new Case("Reshape [0,0,-1]", single(model(13, in).int64s("t", 0, 0, -1), "Reshape", none(), "t")));
        c.add(new Case("Reshape [-1,5]", single(model(13, in).int64s("t", -1, 5), "Reshape", none(), "t")));
        c.add(new Case("Reshape fixed batch-1 target [1,12,5]", single(model(13, in).int64s("t", 1, 12, 5),
                "Reshape", none(), "t")).againstOrtPerSample());
        c.add(new Case("Reshape fixed batch-1 target [1,-1] then Softmax", model(13, in).int64s("t", 1, -1)
                .node("Reshape", X, "t").out("r").end()
                .node("Softmax", "r").out(Y).i("axis", 1).end().output(Y)).againstOrtPerSample());
        c.add(new Case("Reshape to 5-D and back (channel shuffle)", model(13, in)
                .int64s("t1", 0, 2, 2, 3, 5).int64s("t2", 0, -1, 3, 5)
                .node("Reshape", X, "t1").out("r1").end()
                .node("Transpose", "r1").out("tr").ints("perm", 0, 2, 1, 3, 4).end()
                .node("Reshape", "tr", "t2").out(Y).end().output(Y)));
        c.add(new Case("Flatten axis 1", single(model(13, in), "Flatten", n -> n.i("axis", 1))));
        c.add(new Case("Flatten default axis opset 9", single(model(9, in), "Flatten", none())));
        c.add(new Case("Flatten axis 2", single(model(13, in), "Flatten", n -> n.i("axis", 2))));
        c.add(new Case("Flatten axis -1", single(model(13, in), "Flatten", n -> n.i("axis", -1))));
        c.add(new Case("Transpose NCHW->NHWC", single(model(13, in), "Transpose", n -> n.ints("perm", 0, 2, 3, 1)))
                .keeps(OpType.Transpose));
        c.add(new Case("Transpose last two", single(model(13, in), "Transpose", n -> n.ints("perm", 0, 1, 3, 2))));
        c.add(new Case("Transpose default (reverse, moves the batch)", single(model(13, in), "Transpose", none()))
                .batches(1));
        c.add(new Case("Transpose moving the batch then back", model(13, in)
                .node("Transpose", X).out("t").ints("perm", 1, 0, 2, 3).end()
                .node("Relu", "t").out("r").end()
                .node("Transpose", "r").out(Y).ints("perm", 1, 0, 2, 3).end().output(Y)));

        long[] sq = s(-1, 3, 1, 5);
        c.add(new Case("Squeeze opset 11 axes attribute", single(model(11, sq), "Squeeze", n -> n.ints("axes", 2))));
        c.add(new Case("Squeeze opset 13 axes input (negative)", single(model(13, sq).int64s("a", -2),
                "Squeeze", none(), "a")));
        c.add(new Case("Squeeze opset 13 no axes (batch 1 only: squeezes the batch too)", single(model(13, sq),
                "Squeeze", none())).batches(1));
        c.add(new Case("Unsqueeze opset 11 axes attribute", single(model(11, in), "Unsqueeze", n -> n.ints("axes", 2))));
        c.add(new Case("Unsqueeze opset 13 axes input [1,-1]", single(model(13, in).int64s("a", 1, -1),
                "Unsqueeze", none(), "a")));
        c.add(new Case("Unsqueeze axis 0 (batch 1 only)", single(model(13, in).int64s("a", 0),
                "Unsqueeze", none(), "a")).batches(1));
        c.add(new Case("Unsqueeze axis 0 then Squeeze axis 0", model(13, in).int64s("a", 0)
                .node("Unsqueeze", X, "a").out("u").end()
                .node("Sigmoid", "u").out("sg").end()
                .node("Squeeze", "sg", "a").out(Y).end().output(Y)));
    }

    /** QDQ pairs as a simulation: codes rounded half to even and saturated, per tensor and per axis. */
    static List<Case> quantizeCases() {
        Weights w = new Weights(17);
        List<Case> c = new ArrayList<>();
        long[] in = s(-1, 3, 5, 5);
        c.add(new Case("QuantizeLinear/DequantizeLinear uint8 per tensor (saturating)", model(13, in)
                .scalar("s", 0.013f).initializerTyped("z", dev.inlierq.graph.DType.UINT8, s(), 117)
                .node("QuantizeLinear", X, "s", "z").out("q").end()
                .node("DequantizeLinear", "q", "s", "z").out(Y).end().output(Y)).range(-3, 3)
                .keeps(OpType.QuantizeLinear));
        c.add(new Case("QuantizeLinear/DequantizeLinear int8 default zero point", model(13, in)
                .scalar("s", 0.02f).node("QuantizeLinear", X, "s").out("q").end()
                .node("DequantizeLinear", "q", "s").out(Y).end().output(Y)).range(-1.5f, 1.5f));
        c.add(new Case("QDQ per channel axis 1 int8", model(13, in)
                .initializer("s", s(3), 0.01f, 0.02f, 0.05f).initializerTyped("z", dev.inlierq.graph.DType.INT8, s(3), 0, -3, 5)
                .node("QuantizeLinear", X, "s", "z").i("axis", 1).out("q").end()
                .node("DequantizeLinear", "q", "s", "z").i("axis", 1).out(Y).end().output(Y)).range(-2, 2));
        long[] codes = new long[6 * 3 * 3 * 3];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (long) (w.rnd.nextInt(255) - 127);
        }
        c.add(new Case("Conv on a per-channel DequantizeLinear int8 weight (folded)", model(13, s(-1, 3, 6, 6))
                .initializerTyped("wq", dev.inlierq.graph.DType.INT8, s(6, 3, 3, 3), codes)
                .initializer("ws", s(6), 0.01f, 0.02f, 0.003f, 0.05f, 0.1f, 0.004f)
                .initializerTyped("wz", dev.inlierq.graph.DType.INT8, s(6), 0, 0, 0, 0, 0, 0)
                .node("DequantizeLinear", "wq", "ws", "wz").i("axis", 0).out("w").end()
                .node("Conv", X, "w").ints("pads", 1, 1, 1, 1).out(Y).end().output(Y))
                .folds(OpType.DequantizeLinear));
        return c;
    }

    static List<Case> mathCases() {
        Weights w = new Weights(15);
        List<Case> c = new ArrayList<>();
        c.add(new Case("Softmax opset 11 axis 1 on 4-D (legacy flatten)", single(model(11, s(-1, 3, 4, 5)),
                "Softmax", n -> n.i("axis", 1))).keeps(OpType.Softmax));
        c.add(new Case("Softmax opset 11 default axis on 4-D", single(model(11, s(-1, 3, 4, 5)), "Softmax", none())));
        c.add(new Case("Softmax opset 11 axis 2 on 4-D", single(model(11, s(-1, 3, 4, 5)), "Softmax",
                n -> n.i("axis", 2))));
        c.add(new Case("Softmax opset 11 axis -1", single(model(11, s(-1, 3, 4, 5)), "Softmax", n -> n.i("axis", -1))));
        c.add(new Case("Softmax opset 13 axis -1", single(model(13, s(-1, 3, 4, 5)), "Softmax", n -> n.i("axis", -1))));
        c.add(new Case("Softmax opset 13 axis 1 on 4-D", single(model(13, s(-1, 3, 4, 5)), "Softmax",
                n -> n.i("axis", 1))));
        c.add(new Case("Softmax opset 13 default on 2-D", single(model(13, s(-1, 7)), "Softmax", none())).range(-5, 5));

        c.add(new Case("MatMul 2-D", single(model(13, s(-1, 6)).initializer("w", s(6, 4), w.normal(6, 4)),
                "MatMul", none(), "w")).keeps(OpType.MatMul));
        c.add(new Case("MatMul batched 3-D x 2-D", single(model(13, s(-1, 3, 6)).initializer("w", s(6, 4), w.normal(6, 4)),
                "MatMul", none(), "w")));
        c.add(new Case("MatMul 4-D x 2-D", single(model(13, s(-1, 2, 3, 6)).initializer("w", s(6, 5), w.normal(6, 5)),
                "MatMul", none(), "w")));
        c.add(new Case("MatMul 3-D x 1-D constant", single(model(13, s(-1, 3, 6)).initializer("v", s(6), w.normal(6)),
                "MatMul", none(), "v")));
        c.add(new Case("MatMul 1-D constant x 3-D", model(13, s(-1, 6, 4)).initializer("v", s(6), w.normal(6))
                .node("MatMul", "v", X).out(Y).end().output(Y)).perSample());
        c.add(new Case("MatMul constant 2-D x 3-D", model(13, s(-1, 6, 4)).initializer("m", s(5, 6), w.normal(5, 6))
                .node("MatMul", "m", X).out(Y).end().output(Y)).perSample());
        c.add(new Case("MatMul batched x by its transpose", model(13, s(-1, 3, 6))
                .node("Transpose", X).out("t").ints("perm", 0, 2, 1).end()
                .node("MatMul", X, "t").out(Y).end().output(Y)));

        c.add(new Case("Gemm transB bias alpha beta", single(model(13, s(-1, 6))
                .initializer("w", s(4, 6), w.normal(4, 6)).initializer("b", s(4), w.normal(4)),
                "Gemm", n -> n.i("transB", 1).f("alpha", 0.5f).f("beta", 2f), "w", "b")).keeps(OpType.Gemm));
        c.add(new Case("Gemm plain with [1,4] bias", single(model(13, s(-1, 6))
                .initializer("w", s(6, 4), w.normal(6, 4)).initializer("b", s(1, 4), w.normal(1, 4)),
                "Gemm", none(), "w", "b")));
        c.add(new Case("Gemm scalar bias beta 0.5", single(model(11, s(-1, 6))
                .initializer("w", s(6, 4), w.normal(6, 4)).scalar("b", 0.3f),
                "Gemm", n -> n.f("beta", 0.5f), "w", "b")));
        c.add(new Case("Gemm no bias", single(model(13, s(-1, 6)).initializer("w", s(4, 6), w.normal(4, 6)),
                "Gemm", n -> n.i("transB", 1), "w")));
        c.add(new Case("Gemm transA (input transposed first) transB", model(13, s(-1, 6))
                .initializer("w", s(4, 6), w.normal(4, 6)).initializer("b", s(4), w.normal(4))
                .node("Transpose", X).out("t").end()
                .node("Gemm", "t", "w", "b").out(Y).i("transA", 1).i("transB", 1).f("alpha", 1.5f).end()
                .output(Y)).perSample());
        c.add(new Case("Gemm opset 9 Flatten+Gemm classifier head", model(9, s(-1, 3, 2, 2))
                .initializer("w", s(5, 12), w.normal(5, 12)).initializer("b", s(5), w.normal(5))
                .node("Flatten", X).out("f").end()
                .node("Gemm", "f", "w", "b").out(Y).i("transB", 1).end().output(Y)));

        long[] in = s(-1, 3, 4, 5);
        for (String op : List.of("ReduceMean", "ReduceMax")) {
            c.add(new Case(op + " axes [2,3] keepdims 1", single(model(13, in), op,
                    n -> n.ints("axes", 2, 3).i("keepdims", 1))).keeps(OpType.valueOf(op)));
            c.add(new Case(op + " axes [1] keepdims 0", single(model(13, in), op,
                    n -> n.ints("axes", 1).i("keepdims", 0))));
            c.add(new Case(op + " axes [-1,1] keepdims 0", single(model(13, in), op,
                    n -> n.ints("axes", -1, 1).i("keepdims", 0))));
            c.add(new Case(op + " axes [3] default keepdims", single(model(11, in), op, n -> n.ints("axes", 3))));
            c.add(new Case(op + " all axes (batch 1 only)", single(model(13, in), op, n -> n.i("keepdims", 0)))
                    .batches(1));
            c.add(new Case(op + " opset 18 axes input [2,3] keepdims 0", single(model(18, in).int64s("a", 2, 3), op,
                    n -> n.i("keepdims", 0), "a")));
        }
        c.add(new Case("ReduceSum opset 13 axes input [2,3] keepdims 1", single(model(13, in).int64s("a", 2, 3),
                "ReduceSum", none(), "a")).keeps(OpType.ReduceSum));
        c.add(new Case("ReduceSum opset 13 axes input [1,-1] keepdims 0", single(model(13, in).int64s("a", 1, -1),
                "ReduceSum", n -> n.i("keepdims", 0), "a")));
        c.add(new Case("ReduceSum opset 11 axes attribute [1] keepdims 0", single(model(11, in), "ReduceSum",
                n -> n.ints("axes", 1).i("keepdims", 0))));
        c.add(new Case("ReduceSum opset 13 no axes (all, batch 1 only)", single(model(13, in), "ReduceSum",
                n -> n.i("keepdims", 1))).batches(1));
        c.add(new Case("ReduceSum opset 13 empty axes noop", single(model(13, in).initializerInt64("a", s(0)),
                "ReduceSum", n -> n.i("noop_with_empty_axes", 1), "a")));
        return c;
    }

    static List<Case> constantAndShapeCases() {
        Weights w = new Weights(16);
        List<Case> c = new ArrayList<>();
        long[] in = s(-1, 3, 4, 5);
        constantsAndOutputs(w, c, in);
        shapeSubgraphs(c, in);
        shapeFoldsAndCasts(w, c, in);
        return c;
    }

    private static void constantsAndOutputs(Weights w, List<Case> c, long[] in) {
        c.add(new Case("Constant tensor operand", model(13, in)
                .node("Constant").out("k").tensor("value", s(3, 1, 1), w.normal(3, 1, 1)).end()
                .node("Mul", X, "k").out(Y).end().output(Y)).folds(OpType.Constant));
        c.add(new Case("Constant value_float operand", model(13, in)
                .node("Constant").out("k").f("value_float", 2.5f).end()
                .node("Sub", "k", X).out(Y).end().output(Y)).folds(OpType.Constant));
        c.add(new Case("Constant value_ints Reshape target", model(13, in)
                .node("Constant").out("t").ints("value_ints", 0, -1).end()
                .node("Reshape", X, "t").out(Y).end().output(Y)));
        c.add(new Case("Constant int64 tensor Reshape target opset 9", model(9, in)
                .node("Constant").out("t").tensorInt64("value", s(3), 0, 3, -1).end()
                .node("Reshape", X, "t").out(Y).end().output(Y)));
        c.add(new Case("Identity inside and as graph output", model(13, in)
                .node("Identity", X).out("i1").end()
                .node("Relu", "i1").out("r").end()
                .node("Identity", "r").out(Y).end().output(Y)).keeps(OpType.Identity));
        c.add(new Case("Identity of the input as graph output", single(model(13, in), "Identity", none())));
        Weights w2 = new Weights(17);
        c.add(new Case("Fixed batch-1 input: Conv, Reshape [1,-1], Softmax", model(13, s(1, 3, 4, 5))
                .initializer("w", s(2, 3, 3, 3), w2.normal(2, 3, 3, 3)).int64s("t", 1, -1)
                .node("Conv", X, "w").out("c").ints("pads", 1, 1, 1, 1).end()
                .node("Reshape", "c", "t").out("r").end()
                .node("Softmax", "r").out(Y).i("axis", 1).end().output(Y)).againstOrtPerSample());
        c.add(new Case("Fixed batch-1 input: Flatten, Gemm", model(11, s(1, 3, 2, 2))
                .initializer("w", s(4, 12), w2.normal(4, 12)).initializer("b", s(4), w2.normal(4))
                .node("Flatten", X).out("f").end()
                .node("Gemm", "f", "w", "b").out(Y).i("transB", 1).end().output(Y)).againstOrtPerSample());
        c.add(new Case("IR 3 opset 8: initializers listed as graph inputs", model(8, s(-1, 3, 4, 5))
                .initializer("w", s(2, 3, 3, 3), w2.normal(2, 3, 3, 3)).initializer("b", s(2), w2.normal(2))
                .initializer("k", s(1), 0.5f)
                .node("Conv", X, "w", "b").out("c").ints("pads", 1, 1, 1, 1).end()
                .node("Mul", "c", "k").out(Y).end().output(Y)
                .irVersion(3).initializersAsInputs()));
        c.add(new Case("Two outputs, one feeding the other", model(13, in)
                .node("Relu", X).out("r").end()
                .node("Sigmoid", "r").out(Y).end()
                .output("r").output(Y)));
        c.add(new Case("A constant graph output beside a computed one (batch 1: the constant has no batch)", model(13, in)
                .node("Constant").out("k").tensor("value", s(2, 3), 1, 2, 3, 4, 5, 6).end()
                .node("Relu", X).out(Y).end()
                .output(Y).output("k")).batches(1));
        c.add(new Case("A graph output folded from the input shape (batch 1)", model(13, in)
                .node("Shape", X).out("shp").end()
                .node("Cast", "shp").out("sf").i("to", 1).end()
                .node("Relu", X).out(Y).end()
                .output(Y).output("sf")).batches(1));
    }

    private static void shapeSubgraphs(List<Case> c, long[] in) {
        c.add(new Case("Shape->Gather->Unsqueeze->Concat->Reshape", model(13, in)
                .node("Shape", X).out("shp").end()
                .initializerInt64("i0", s(), 0)
                .node("Gather", "shp", "i0").out("n").i("axis", 0).end()
                .int64s("ax0", 0)
                .node("Unsqueeze", "n", "ax0").out("n1").end()
                .int64s("minus1", -1)
                .node("Concat", "n1", "minus1").out("target").i("axis", 0).end()
                .node("Reshape", X, "target").out(Y).end().output(Y))
                .folds(OpType.Shape).folds(OpType.Gather).folds(OpType.Concat).folds(OpType.Unsqueeze));
        c.add(new Case("Shape->Gather->Unsqueeze->Concat->Reshape opset 11 (channels kept)", model(11, in)
                .node("Shape", X).out("shp").end()
                .initializerInt64("i0", s(), 0).initializerInt64("i1", s(), 1)
                .node("Gather", "shp", "i0").out("n").i("axis", 0).end()
                .node("Gather", "shp", "i1").out("ch").i("axis", 0).end()
                .node("Unsqueeze", "n").out("n1").ints("axes", 0).end()
                .node("Unsqueeze", "ch").out("c1").ints("axes", 0).end()
                .int64s("minus1", -1)
                .node("Concat", "n1", "c1", "minus1").out("target").i("axis", 0).end()
                .node("Reshape", X, "target").out("r").end()
                .node("Softmax", "r").out(Y).i("axis", 2).end().output(Y)).folds(OpType.Shape));
        c.add(new Case("Resize sizes = Shape[:2] ++ Shape[2:]*2 (interpolate scale_factor export)", model(13, in)
                .node("Shape", X).out("shp").end()
                .int64s("z", 0).int64s("two", 2).int64s("big", BIG).int64s("f", 2, 2)
                .node("Slice", "shp", "z", "two").out("nc").end()
                .node("Slice", "shp", "two", "big").out("hw").end()
                .node("Mul", "hw", "f").out("hw2").end()
                .node("Concat", "nc", "hw2").out("sz").i("axis", 0).end()
                .node("Resize", X, "", "", "sz").out(Y).s("mode", "nearest")
                .s("coordinate_transformation_mode", "asymmetric").s("nearest_mode", "floor").end()
                .output(Y)).folds(OpType.Shape).folds(OpType.Slice));
        c.add(new Case("Reshape to [-1] ++ Shape(x, start=-2) (opset 15)", model(15, in)
                .node("Shape", X).out("hw").i("start", -2).end()
                .int64s("m1", -1)
                .node("Concat", "m1", "hw").out("t").i("axis", 0).end()
                .node("Reshape", X, "t").out(Y).end().output(Y)).folds(OpType.Shape));
        c.add(new Case("Shape arithmetic: H/2, W-1 via Div/Sub on int64 then Slice", model(13, s(-1, 3, 6, 5))
                .node("Shape", X).out("shp").end()
                .initializerInt64("i2", s(), 2).initializerInt64("i3", s(), 3)
                .initializerInt64("k2", s(), 2).initializerInt64("k1", s(), 1)
                .node("Gather", "shp", "i2").out("h").end()
                .node("Gather", "shp", "i3").out("w").end()
                .node("Div", "h", "k2").out("h2").end()
                .node("Sub", "w", "k1").out("w1").end()
                .int64s("ax", 0)
                .node("Unsqueeze", "h2", "ax").out("e1").end()
                .node("Unsqueeze", "w1", "ax").out("e2").end()
                .node("Concat", "e1", "e2").out("ends").i("axis", 0).end()
                .int64s("st", 0, 0).int64s("axes", 2, 3)
                .node("Slice", X, "st", "ends", "axes").out(Y).end().output(Y)).folds(OpType.Shape).keeps(OpType.Slice));
    }

    private static void shapeFoldsAndCasts(Weights w, List<Case> c, long[] in) {
        c.add(new Case("Expand of a constant by a folded shape, then Mul", model(13, in)
                .initializer("k", s(1, 3, 1, 1), w.normal(1, 3, 1, 1))
                .node("Shape", X).out("shp").end()
                .node("Expand", "k", "shp").out("kb").end()
                .node("Mul", X, "kb").out(Y).end().output(Y)).folds(OpType.Expand));
        c.add(new Case("Where/Equal folded on a shape (dynamic-axis guard)", model(13, in)
                .node("Shape", X).out("shp").end()
                .int64s("zeros", 0, 0, 0, 0).int64s("minus", -1, -1, 1, 1)
                .node("Equal", "shp", "zeros").out("isz").end()
                .node("Where", "isz", "minus", "shp").out("t").end()
                .node("Reshape", X, "t").out(Y).end().output(Y)).folds(OpType.Where).folds(OpType.Equal));
        c.add(new Case("Shape->Gather->Cast->Div", model(13, in)
                .node("Shape", X).out("shp").end()
                .initializerInt64("i", s(), 3)
                .node("Gather", "shp", "i").out("wdim").end()
                .node("Cast", "wdim").out("wf").i("to", 1).end()
                .node("Div", X, "wf").out(Y).end().output(Y)).folds(OpType.Cast).folds(OpType.Shape));
        c.add(new Case("Cast float->int64->float at run time (truncation)", model(13, in)
                .node("Cast", X).out("xi").i("to", 7).end()
                .node("Cast", "xi").out(Y).i("to", 1).end().output(Y)).range(-4, 4).keeps(OpType.Cast));
        c.add(new Case("ConstantOfShape(Shape(x)) + x", model(13, in)
                .node("Shape", X).out("shp").end()
                .node("ConstantOfShape", "shp").out("k").tensor("value", s(1), 0.5f).end()
                .node("Add", X, "k").out(Y).end().output(Y)).folds(OpType.ConstantOfShape));
        c.add(new Case("Range over the width from Shape, Cast, Mul", model(13, in)
                .node("Shape", X).out("shp").end()
                .initializerInt64("i", s(), 3).initializerInt64("zero", s(), 0).initializerInt64("one", s(), 1)
                .node("Gather", "shp", "i").out("wdim").end()
                .node("Range", "zero", "wdim", "one").out("r").end()
                .node("Cast", "r").out("rf").i("to", 1).end()
                .node("Mul", X, "rf").out(Y).end().output(Y)).folds(OpType.Range));
        c.add(new Case("Expand [N,3,1,5] to [N,3,4,5]", single(model(13, s(-1, 3, 1, 5)).int64s("shape", 1, 1, 4, 1),
                "Expand", none(), "shape")).keeps(OpType.Expand));
        c.add(new Case("Where(Equal(Floor(x), 0), x, -x)", model(13, in)
                .scalar("zero", 0f)
                .node("Floor", X).out("f").end()
                .node("Equal", "f", "zero").out("cond").end()
                .node("Neg", X).out("nx").end()
                .node("Where", "cond", X, "nx").out(Y).end().output(Y)).keeps(OpType.Where).keeps(OpType.Equal));
        c.add(new Case("Where with broadcast constant branch", model(13, in)
                .initializer("k", s(5), w.normal(5)).scalar("one", 1f)
                .node("Ceil", X).out("cx").end()
                .node("Equal", "cx", "one").out("cond").end()
                .node("Where", "cond", "k", X).out(Y).end().output(Y)).range(-3, 3));
    }
}
