package dev.inlierq.engine;

import static dev.inlierq.engine.OpParityTest.X;
import static dev.inlierq.engine.OpParityTest.Y;
import static dev.inlierq.engine.OpParityTest.model;
import static dev.inlierq.engine.OpParityTest.none;
import static dev.inlierq.engine.OpParityTest.s;
import static dev.inlierq.engine.OpParityTest.single;

import dev.inlierq.engine.OpParityTest.Case;
import dev.inlierq.engine.OpParityTest.Weights;
import dev.inlierq.graph.OpType;
import dev.inlierq.testing.OnnxModelBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The parity cases of {@link OpParityTest} for convolution, activations, arithmetic, pooling, padding and resizing.
 */
final class OpParityNnCases {
    private OpParityNnCases() {
    }

    static List<Case> convCases() {
        Weights w = new Weights(11);
        List<Case> c = new ArrayList<>();
        conv(w, c);
        convTranspose(w, c);
        batchNormalization(w, c);
        return c;
    }

    private static void conv(Weights w, List<Case> c) {
        long[] in = s(-1, 4, 9, 9);
        c.add(new Case("Conv 3x3 pad 1 bias", single(model(13, in)
                .initializer("w", s(6, 4, 3, 3), w.normal(6, 4, 3, 3)).initializer("b", s(6), w.normal(6)),
                "Conv", n -> n.ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1), "w", "b")).keeps(OpType.Conv));
        c.add(new Case("Conv 3x3 no bias no pads", single(model(13, in)
                .initializer("w", s(5, 4, 3, 3), w.normal(5, 4, 3, 3)), "Conv", none(), "w")).keeps(OpType.Conv));
        c.add(new Case("Conv stride 2 pad 1 bias", single(model(13, in)
                .initializer("w", s(6, 4, 3, 3), w.normal(6, 4, 3, 3)).initializer("b", s(6), w.normal(6)),
                "Conv", n -> n.ints("strides", 2, 2).ints("pads", 1, 1, 1, 1), "w", "b")));
        c.add(new Case("Conv stride 2 no bias", single(model(13, in)
                .initializer("w", s(6, 4, 3, 3), w.normal(6, 4, 3, 3)),
                "Conv", n -> n.ints("strides", 2, 2).ints("pads", 1, 1, 1, 1), "w")));
        c.add(new Case("Conv group 2", single(model(13, in)
                .initializer("w", s(6, 2, 3, 3), w.normal(6, 2, 3, 3)).initializer("b", s(6), w.normal(6)),
                "Conv", n -> n.i("group", 2).ints("pads", 1, 1, 1, 1), "w", "b")));
        c.add(new Case("Conv depthwise 3x3 stride 2", single(model(13, in)
                .initializer("w", s(4, 1, 3, 3), w.normal(4, 1, 3, 3)).initializer("b", s(4), w.normal(4)),
                "Conv", n -> n.i("group", 4).ints("pads", 1, 1, 1, 1).ints("strides", 2, 2), "w", "b")));
        c.add(new Case("Conv depthwise 5x5 multiplier 2 no bias", single(model(13, in)
                .initializer("w", s(8, 1, 5, 5), w.normal(8, 1, 5, 5)),
                "Conv", n -> n.i("group", 4).ints("pads", 2, 2, 2, 2), "w")));
        c.add(new Case("Conv dilation 2", single(model(13, in)
                .initializer("w", s(3, 4, 3, 3), w.normal(3, 4, 3, 3)).initializer("b", s(3), w.normal(3)),
                "Conv", n -> n.ints("dilations", 2, 2).ints("pads", 2, 2, 2, 2), "w", "b")));
        c.add(new Case("Conv asymmetric pads", single(model(13, in)
                .initializer("w", s(3, 4, 3, 3), w.normal(3, 4, 3, 3)).initializer("b", s(3), w.normal(3)),
                "Conv", n -> n.ints("pads", 0, 1, 2, 1).ints("strides", 2, 1), "w", "b")));
        c.add(new Case("Conv asymmetric pads no bias", single(model(13, in)
                .initializer("w", s(3, 4, 2, 2), w.normal(3, 4, 2, 2)),
                "Conv", n -> n.ints("pads", 1, 0, 0, 1), "w")));
        c.add(new Case("Conv auto_pad SAME_UPPER k4", single(model(13, in)
                .initializer("w", s(3, 4, 4, 4), w.normal(3, 4, 4, 4)).initializer("b", s(3), w.normal(3)),
                "Conv", n -> n.s("auto_pad", "SAME_UPPER"), "w", "b")));
        c.add(new Case("Conv auto_pad SAME_UPPER stride 2 on even input", single(model(13, -1, 4, 10, 10)
                .initializer("w", s(3, 4, 3, 3), w.normal(3, 4, 3, 3)).initializer("b", s(3), w.normal(3)),
                "Conv", n -> n.s("auto_pad", "SAME_UPPER").ints("strides", 2, 2), "w", "b")));
        c.add(new Case("Conv auto_pad SAME_LOWER k2 no bias", single(model(13, in)
                .initializer("w", s(3, 4, 2, 2), w.normal(3, 4, 2, 2)),
                "Conv", n -> n.s("auto_pad", "SAME_LOWER"), "w")));
        c.add(new Case("Conv auto_pad SAME_LOWER stride 2 on even input", single(model(13, -1, 4, 10, 10)
                .initializer("w", s(3, 4, 3, 3), w.normal(3, 4, 3, 3)).initializer("b", s(3), w.normal(3)),
                "Conv", n -> n.s("auto_pad", "SAME_LOWER").ints("strides", 2, 2), "w", "b")));
        c.add(new Case("Conv auto_pad VALID stride 2", single(model(13, in)
                .initializer("w", s(3, 4, 3, 3), w.normal(3, 4, 3, 3)).initializer("b", s(3), w.normal(3)),
                "Conv", n -> n.s("auto_pad", "VALID").ints("strides", 2, 2), "w", "b")));
        c.add(new Case("Conv 1x1", single(model(11, in)
                .initializer("w", s(7, 4, 1, 1), w.normal(7, 4, 1, 1)).initializer("b", s(7), w.normal(7)),
                "Conv", n -> n.ints("kernel_shape", 1, 1), "w", "b")));

        c.add(new Case("Conv 1-D k3 pad 1 stride 2", single(model(13, s(-1, 4, 9))
                .initializer("w", s(3, 4, 3), w.normal(3, 4, 3)).initializer("b", s(3), w.normal(3)),
                "Conv", n -> n.ints("pads", 1, 1).ints("strides", 2), "w", "b")));
        c.add(new Case("Conv 1-D asymmetric pads no bias", single(model(13, s(-1, 4, 9))
                .initializer("w", s(3, 4, 2), w.normal(3, 4, 2)), "Conv", n -> n.ints("pads", 1, 0), "w")));
    }

    private static void convTranspose(Weights w, List<Case> c) {
        long[] tin = s(-1, 4, 5, 5);
        c.add(new Case("ConvTranspose stride 2 pads 1 output_padding 1", single(model(13, tin)
                .initializer("w", s(4, 3, 3, 3), w.normal(4, 3, 3, 3)).initializer("b", s(3), w.normal(3)),
                "ConvTranspose", n -> n.ints("strides", 2, 2).ints("pads", 1, 1, 1, 1).ints("output_padding", 1, 1),
                "w", "b")).keeps(OpType.ConvTranspose));
        c.add(new Case("ConvTranspose k2 stride 2 no bias", single(model(13, tin)
                .initializer("w", s(4, 2, 2, 2), w.normal(4, 2, 2, 2)),
                "ConvTranspose", n -> n.ints("strides", 2, 2), "w")));
        c.add(new Case("ConvTranspose k4 stride 2 pads 1", single(model(11, tin)
                .initializer("w", s(4, 3, 4, 4), w.normal(4, 3, 4, 4)).initializer("b", s(3), w.normal(3)),
                "ConvTranspose", n -> n.ints("strides", 2, 2).ints("pads", 1, 1, 1, 1), "w", "b")));
        c.add(new Case("ConvTranspose group 2", single(model(13, tin)
                .initializer("w", s(4, 3, 3, 3), w.normal(4, 3, 3, 3)).initializer("b", s(6), w.normal(6)),
                "ConvTranspose", n -> n.i("group", 2).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1), "w", "b")));
        c.add(new Case("ConvTranspose asymmetric pads", single(model(13, tin)
                .initializer("w", s(4, 3, 3, 3), w.normal(4, 3, 3, 3)).initializer("b", s(3), w.normal(3)),
                "ConvTranspose", n -> n.ints("strides", 2, 2).ints("pads", 0, 1, 1, 0), "w", "b")));
        c.add(new Case("ConvTranspose depthwise stride 2 output_padding", single(model(13, tin)
                .initializer("w", s(4, 1, 3, 3), w.normal(4, 1, 3, 3)),
                "ConvTranspose", n -> n.i("group", 4).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)
                        .ints("output_padding", 1, 1), "w")));

        c.add(new Case("ConvTranspose dilation 2", single(model(13, tin)
                .initializer("w", s(4, 2, 3, 3), w.normal(4, 2, 3, 3)).initializer("b", s(2), w.normal(2)),
                "ConvTranspose", n -> n.ints("strides", 2, 2).ints("dilations", 2, 2).ints("pads", 1, 1, 1, 1), "w", "b")));
        c.add(new Case("ConvTranspose output_shape (odd total padding)", single(model(13, tin)
                .initializer("w", s(4, 2, 3, 3), w.normal(4, 2, 3, 3)).initializer("b", s(2), w.normal(2)),
                "ConvTranspose", n -> n.ints("strides", 2, 2).ints("output_shape", 10, 10), "w", "b")));
        c.add(new Case("ConvTranspose auto_pad SAME_UPPER k4 stride 2", single(model(13, tin)
                .initializer("w", s(4, 2, 4, 4), w.normal(4, 2, 4, 4)),
                "ConvTranspose", n -> n.ints("strides", 2, 2).s("auto_pad", "SAME_UPPER"), "w")));
        c.add(new Case("ConvTranspose auto_pad SAME_UPPER k3 stride 2 (odd total padding)", single(model(13, tin)
                .initializer("w", s(4, 2, 3, 3), w.normal(4, 2, 3, 3)),
                "ConvTranspose", n -> n.ints("strides", 2, 2).s("auto_pad", "SAME_UPPER"), "w")));
        c.add(new Case("ConvTranspose output_shape with SAME_UPPER (odd total padding)", single(model(13, tin)
                .initializer("w", s(4, 2, 3, 3), w.normal(4, 2, 3, 3)),
                "ConvTranspose", n -> n.ints("strides", 2, 2).ints("output_shape", 10, 10).s("auto_pad", "SAME_UPPER"), "w")));
        c.add(new Case("ConvTranspose auto_pad SAME_LOWER k3 stride 2", single(model(13, tin)
                .initializer("w", s(4, 2, 3, 3), w.normal(4, 2, 3, 3)),
                "ConvTranspose", n -> n.ints("strides", 2, 2).s("auto_pad", "SAME_LOWER"), "w")));
        c.add(new Case("ConvTranspose 1-D stride 3 pads 2", single(model(13, s(-1, 4, 6))
                .initializer("w", s(4, 3, 5), w.normal(4, 3, 5)).initializer("b", s(3), w.normal(3)),
                "ConvTranspose", n -> n.ints("strides", 3).ints("pads", 2, 2), "w", "b")));
        c.add(new Case("ConvTranspose stride 1 pads larger than kernel reach", single(model(13, tin)
                .initializer("w", s(4, 3, 3, 3), w.normal(4, 3, 3, 3)),
                "ConvTranspose", n -> n.ints("pads", 2, 3, 2, 1), "w")));
    }

    private static void batchNormalization(Weights w, List<Case> c) {
        long[] bin = s(-1, 4, 6, 6);
        c.add(new Case("BatchNormalization standalone", single(model(13, bin)
                .initializer("g", s(4), w.uniform(0.5f, 1.5f, 4)).initializer("beta", s(4), w.normal(4))
                .initializer("m", s(4), w.normal(4)).initializer("v", s(4), w.uniform(0.2f, 2f, 4)),
                "BatchNormalization", n -> n.f("epsilon", 1e-3f), "g", "beta", "m", "v"))
                .keeps(OpType.BatchNormalization));
        c.add(new Case("BatchNormalization opset 9 standalone", single(model(9, bin)
                .initializer("g", s(4), w.uniform(0.5f, 1.5f, 4)).initializer("beta", s(4), w.normal(4))
                .initializer("m", s(4), w.normal(4)).initializer("v", s(4), w.uniform(0.2f, 2f, 4)),
                "BatchNormalization", none(), "g", "beta", "m", "v")).keeps(OpType.BatchNormalization));
        c.add(new Case("BatchNormalization on [N,C] (after Flatten)", single(model(13, s(-1, 6))
                .initializer("g", s(6), w.uniform(0.5f, 1.5f, 6)).initializer("beta", s(6), w.normal(6))
                .initializer("m", s(6), w.normal(6)).initializer("v", s(6), w.uniform(0.2f, 2f, 6)),
                "BatchNormalization", none(), "g", "beta", "m", "v")));
        c.add(new Case("BatchNormalization on [N,C,L]", single(model(13, s(-1, 4, 7))
                .initializer("g", s(4), w.uniform(0.5f, 1.5f, 4)).initializer("beta", s(4), w.normal(4))
                .initializer("m", s(4), w.normal(4)).initializer("v", s(4), w.uniform(0.2f, 2f, 4)),
                "BatchNormalization", none(), "g", "beta", "m", "v")));
        c.add(new Case("Conv with a second consumer + BatchNormalization (not folded)", model(13, bin)
                .initializer("w", s(4, 4, 3, 3), w.normal(4, 4, 3, 3))
                .initializer("g", s(4), w.uniform(0.5f, 1.5f, 4)).initializer("beta", s(4), w.normal(4))
                .initializer("m", s(4), w.normal(4)).initializer("v", s(4), w.uniform(0.2f, 2f, 4))
                .node("Conv", X, "w").out("c").ints("pads", 1, 1, 1, 1).end()
                .node("BatchNormalization", "c", "g", "beta", "m", "v").out("bn").end()
                .node("Add", "bn", "c").out(Y).end()
                .output(Y)).keeps(OpType.BatchNormalization));
        c.add(new Case("Conv+BatchNormalization folded", model(13, bin)
                .initializer("w", s(5, 4, 3, 3), w.normal(5, 4, 3, 3)).initializer("b", s(5), w.normal(5))
                .initializer("g", s(5), w.uniform(0.5f, 1.5f, 5)).initializer("beta", s(5), w.normal(5))
                .initializer("m", s(5), w.normal(5)).initializer("v", s(5), w.uniform(0.2f, 2f, 5))
                .node("Conv", X, "w", "b").out("c").ints("pads", 1, 1, 1, 1).end()
                .node("BatchNormalization", "c", "g", "beta", "m", "v").out(Y).f("epsilon", 1e-3f).end()
                .output(Y)).folds(OpType.BatchNormalization));
        c.add(new Case("Conv(no bias, depthwise)+BatchNormalization folded", model(13, bin)
                .initializer("w", s(4, 1, 3, 3), w.normal(4, 1, 3, 3))
                .initializer("g", s(4), w.uniform(0.5f, 1.5f, 4)).initializer("beta", s(4), w.normal(4))
                .initializer("m", s(4), w.normal(4)).initializer("v", s(4), w.uniform(0.2f, 2f, 4))
                .node("Conv", X, "w").out("c").i("group", 4).ints("pads", 1, 1, 1, 1).end()
                .node("BatchNormalization", "c", "g", "beta", "m", "v").out("bn").end()
                .node("Relu", "bn").out(Y).end()
                .output(Y)).folds(OpType.BatchNormalization));
    }


    static List<Case> activationCases() {
        Weights w = new Weights(12);
        List<Case> c = new ArrayList<>();
        long[] in = s(-1, 3, 4, 5);
        c.add(new Case("Relu", single(model(13, in), "Relu", none())));
        c.add(new Case("LeakyRelu alpha 0.1", single(model(13, in), "LeakyRelu", n -> n.f("alpha", 0.1f))));
        c.add(new Case("LeakyRelu default alpha", single(model(9, in), "LeakyRelu", none())));
        c.add(new Case("PRelu per-channel slope", single(model(13, in)
                .initializer("slope", s(3, 1, 1), w.uniform(0.05f, 0.5f, 3, 1, 1)), "PRelu", none(), "slope")));
        c.add(new Case("PRelu on [N,C] with slope [C]", single(model(13, s(-1, 6))
                .initializer("slope", s(6), w.uniform(0.05f, 0.5f, 6)), "PRelu", none(), "slope")));
        c.add(new Case("PRelu single slope", single(model(9, in)
                .initializer("slope", s(1), 0.25f), "PRelu", none(), "slope")));
        c.add(new Case("Sigmoid", single(model(13, in), "Sigmoid", none())).range(-6, 6));
        c.add(new Case("Tanh", single(model(13, in), "Tanh", none())).range(-3, 3));
        c.add(new Case("HardSigmoid alpha 0.3 beta 0.4", single(model(13, in), "HardSigmoid",
                n -> n.f("alpha", 0.3f).f("beta", 0.4f))).range(-4, 4));
        c.add(new Case("HardSigmoid default", single(model(13, in), "HardSigmoid", none())).range(-4, 4));
        c.add(new Case("HardSwish opset 14", single(model(14, in), "HardSwish", none())).range(-5, 5));
        c.add(new Case("Clip opset 9 attributes", single(model(9, in), "Clip",
                n -> n.f("min", -0.5f).f("max", 0.8f))));
        c.add(new Case("Clip opset 9 min attribute only", single(model(9, in), "Clip", n -> n.f("min", 0f))));
        c.add(new Case("Clip opset 11 min and max inputs", single(model(11, in).scalar("lo", -0.7f).scalar("hi", 0.6f),
                "Clip", none(), "lo", "hi")));
        c.add(new Case("Clip opset 11 min input only", single(model(11, in).scalar("lo", 0f), "Clip", none(), "lo")));
        c.add(new Case("Clip opset 13 max input only", single(model(13, in).scalar("hi", 6f), "Clip", none(), "", "hi"))
                .range(-8, 8));
        c.add(new Case("Clip opset 13 no bounds", single(model(13, in), "Clip", none())));
        return c;
    }

    static List<Case> arithmeticCases() {
        Weights w = new Weights(13);
        List<Case> c = new ArrayList<>();
        long[] in = s(-1, 3, 4, 5);
        for (String op : List.of("Add", "Sub", "Mul", "Div")) {
            c.add(new Case(op + " x op c[3,1,1]", single(model(13, in)
                    .initializer("c", s(3, 1, 1), w.awayFromZero(3, 1, 1)), op, none(), "c")));
            c.add(new Case(op + " c[5] op x", model(13, in)
                    .initializer("c", s(5), w.awayFromZero(5))
                    .node(op, "c", X).out(Y).end().output(Y)).range(0.5f, 2f));
            c.add(new Case(op + " x op scalar", single(model(13, in).scalar("c", 1.7f), op, none(), "c")));
            c.add(new Case(op + " scalar op x", model(13, in).scalar("c", -1.3f)
                    .node(op, "c", X).out(Y).end().output(Y)).range(0.5f, 2f));
            c.add(new Case(op + " x op c[1] (one-element 1-D)", single(model(13, in)
                    .initializer("c", s(1), 0.75f), op, none(), "c")));
            c.add(new Case(op + " x op GlobalAveragePool(x) (SE-style broadcast)", model(13, in)
                    .node("GlobalAveragePool", X).out("g").end()
                    .node("Sigmoid", "g").out("sg").end()
                    .node(op, X, "sg").out(Y).end().output(Y)));
            c.add(new Case(op + " opset 7 with c[1,3,1,1]", single(model(7, in)
                    .initializer("c", s(1, 3, 1, 1), w.awayFromZero(1, 3, 1, 1)), op, none(), "c")));
        }
        c.add(new Case("Pow x^2 scalar", single(model(13, in).scalar("e", 2f), "Pow", none(), "e")));
        c.add(new Case("Pow x^0.5 scalar", single(model(13, in).scalar("e", 0.5f), "Pow", none(), "e")).range(0.1f, 3f));
        c.add(new Case("Pow x^c[3,1,1]", single(model(13, in)
                .initializer("e", s(3, 1, 1), 1f, 2.5f, -0.5f), "Pow", none(), "e")).range(0.2f, 2f));
        c.add(new Case("Pow scalar^x", model(13, in).scalar("base", 1.5f)
                .node("Pow", "base", X).out(Y).end().output(Y)));
        c.add(new Case("Pow c[5]^x", model(13, in).initializer("base", s(5), w.uniform(0.5f, 2f, 5))
                .node("Pow", "base", X).out(Y).end().output(Y)));
        c.add(new Case("Pow opset 7 x^2", single(model(7, in).initializer("e", s(1), 2f), "Pow", none(), "e")));
        c.add(new Case("Sqrt", single(model(13, in), "Sqrt", none())).range(0.01f, 4f));
        c.add(new Case("Exp", single(model(13, in), "Exp", none())).range(-3f, 3f));
        c.add(new Case("Log", single(model(13, in), "Log", none())).range(0.05f, 4f));
        c.add(new Case("Neg", single(model(13, in), "Neg", none())));
        c.add(new Case("Abs", single(model(13, in), "Abs", none())));
        c.add(new Case("Floor", single(model(13, in), "Floor", none())).range(-4, 4).keeps(OpType.Floor));
        c.add(new Case("Ceil", single(model(13, in), "Ceil", none())).range(-4, 4).keeps(OpType.Ceil));
        for (String op : List.of("Max", "Min")) {
            c.add(new Case(op + " of 3 inputs (x, c[3,1,1], scalar)", single(model(13, in)
                    .initializer("c", s(3, 1, 1), w.normal(3, 1, 1)).scalar("k", 0.1f), op, none(), "c", "k")));
            c.add(new Case(op + " of 3 inputs (x, Sigmoid(x), c[5])", model(13, in)
                    .initializer("c", s(5), w.normal(5))
                    .node("Sigmoid", X).out("sx").end()
                    .node(op, X, "sx", "c").out(Y).end().output(Y)));
            c.add(new Case(op + " of 1 input", single(model(13, in), op, none())));
            c.add(new Case(op + " of 2 inputs opset 8", single(model(8, in).scalar("k", 0.3f), op, none(), "k")));
        }
        return c;
    }

    static List<Case> poolCases() {
        List<Case> c = new ArrayList<>();
        long[] in = s(-1, 3, 9, 9);
        long[] even = s(-1, 3, 8, 8);
        c.add(new Case("MaxPool k2 s2", single(model(13, even), "MaxPool",
                n -> n.ints("kernel_shape", 2, 2).ints("strides", 2, 2))));
        c.add(new Case("MaxPool k3 s2 pads 1", single(model(13, in), "MaxPool",
                n -> n.ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1))));
        c.add(new Case("MaxPool k2 s2 ceil_mode on odd input", single(model(13, in), "MaxPool",
                n -> n.ints("kernel_shape", 2, 2).ints("strides", 2, 2).i("ceil_mode", 1))));
        c.add(new Case("MaxPool k3 s2 pads 1 ceil_mode", single(model(13, even), "MaxPool",
                n -> n.ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1).i("ceil_mode", 1))));
        c.add(new Case("MaxPool asymmetric pads (0,0,1,1) k2 s2", single(model(13, in), "MaxPool",
                n -> n.ints("kernel_shape", 2, 2).ints("strides", 2, 2).ints("pads", 0, 0, 1, 1))));
        c.add(new Case("MaxPool asymmetric pads (1,0,0,2) k3 s1", single(model(13, in), "MaxPool",
                n -> n.ints("kernel_shape", 3, 3).ints("pads", 1, 0, 0, 2))));
        c.add(new Case("MaxPool auto_pad SAME_UPPER k2 s1", single(model(11, in), "MaxPool",
                n -> n.ints("kernel_shape", 2, 2).s("auto_pad", "SAME_UPPER"))));
        c.add(new Case("MaxPool opset 8 k3 s2", single(model(8, in), "MaxPool",
                n -> n.ints("kernel_shape", 3, 3).ints("strides", 2, 2))));
        c.add(new Case("MaxPool SPP k5/k9/k13 stride 1 + Concat", model(13, s(-1, 2, 13, 13))
                .node("MaxPool", X).out("p5").ints("kernel_shape", 5, 5).ints("pads", 2, 2, 2, 2).end()
                .node("MaxPool", X).out("p9").ints("kernel_shape", 9, 9).ints("pads", 4, 4, 4, 4).end()
                .node("MaxPool", X).out("p13").ints("kernel_shape", 13, 13).ints("pads", 6, 6, 6, 6).end()
                .node("Concat", X, "p5", "p9", "p13").out(Y).i("axis", 1).end().output(Y)));
        c.add(new Case("MaxPool SPPF k5 stride 1 chained", model(13, s(-1, 2, 10, 10))
                .node("MaxPool", X).out("p1").ints("kernel_shape", 5, 5).ints("pads", 2, 2, 2, 2).end()
                .node("MaxPool", "p1").out("p2").ints("kernel_shape", 5, 5).ints("pads", 2, 2, 2, 2).end()
                .node("Concat", X, "p1", "p2").out(Y).i("axis", 1).end().output(Y)));
        c.add(new Case("MaxPool k3 s2 pads (0,0,2,2) ceil_mode (last window in the end padding)",
                single(model(13, s(-1, 3, 4, 4)), "MaxPool", n -> n.ints("kernel_shape", 3, 3).ints("strides", 2, 2)
                        .ints("pads", 0, 0, 2, 2).i("ceil_mode", 1))));
        c.add(new Case("MaxPool k2 s2 pads (1,1,0,0) ceil_mode on odd input", single(model(13, in), "MaxPool",
                n -> n.ints("kernel_shape", 2, 2).ints("strides", 2, 2).ints("pads", 1, 1, 0, 0).i("ceil_mode", 1))));
        c.add(new Case("MaxPool auto_pad SAME_LOWER k3 s2", single(model(11, even), "MaxPool",
                n -> n.ints("kernel_shape", 3, 3).ints("strides", 2, 2).s("auto_pad", "SAME_LOWER"))));
        c.add(new Case("AveragePool auto_pad SAME_UPPER k2 s1", single(model(11, in), "AveragePool",
                n -> n.ints("kernel_shape", 2, 2).s("auto_pad", "SAME_UPPER"))));
        for (int cip : new int[] {0, 1}) {
            c.add(new Case("AveragePool asymmetric pads ceil_mode count_include_pad " + cip, single(model(13, in),
                    "AveragePool", n -> n.ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 1, 0, 0, 1)
                            .i("ceil_mode", 1).i("count_include_pad", cip))));
        }
        for (int cip : new int[] {0, 1}) {
            c.add(new Case("AveragePool k3 s1 pads 1 count_include_pad " + cip, single(model(13, in), "AveragePool",
                    n -> n.ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1).i("count_include_pad", cip))));
            c.add(new Case("AveragePool k3 s2 pads 1 count_include_pad " + cip, single(model(13, in), "AveragePool",
                    n -> n.ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)
                            .i("count_include_pad", cip))));
            c.add(new Case("AveragePool asymmetric pads count_include_pad " + cip, single(model(13, in), "AveragePool",
                    n -> n.ints("kernel_shape", 2, 2).ints("strides", 2, 2).ints("pads", 0, 1, 1, 0)
                            .i("count_include_pad", cip))));
            c.add(new Case("AveragePool k3 s2 pads 1 ceil_mode count_include_pad " + cip, single(model(13, even),
                    "AveragePool", n -> n.ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)
                            .i("ceil_mode", 1).i("count_include_pad", cip))));
        }
        c.add(new Case("AveragePool k2 s2 no pads", single(model(11, even), "AveragePool",
                n -> n.ints("kernel_shape", 2, 2).ints("strides", 2, 2))));
        c.add(new Case("AveragePool k5 s1 pads 2 opset 9", single(model(9, in),
                "AveragePool", n -> n.ints("kernel_shape", 5, 5).ints("pads", 2, 2, 2, 2))));
        c.add(new Case("GlobalAveragePool", single(model(13, in), "GlobalAveragePool", none())));
        c.add(new Case("GlobalAveragePool opset 7", single(model(7, s(-1, 5, 3, 7)), "GlobalAveragePool", none())));
        return c;
    }

    static List<Case> padResizeCases() {
        List<Case> c = new ArrayList<>();
        pad(c);
        resize(c);
        return c;
    }

    private static void pad(List<Case> c) {
        long[] in = s(-1, 3, 5, 6);
        long[] pads = {0, 0, 1, 2, 0, 0, 2, 1};
        c.add(new Case("Pad opset 9 constant value 0.5", single(model(9, in), "Pad",
                n -> n.ints("pads", pads).f("value", 0.5f))));
        c.add(new Case("Pad opset 9 constant default", single(model(9, in), "Pad", n -> n.ints("pads", pads))));
        c.add(new Case("Pad opset 9 reflect", single(model(9, in), "Pad",
                n -> n.ints("pads", pads).s("mode", "reflect"))));
        c.add(new Case("Pad opset 9 edge", single(model(9, in), "Pad", n -> n.ints("pads", pads).s("mode", "edge"))));
        c.add(new Case("Pad opset 11 constant value input", single(model(11, in).int64s("p", pads).scalar("v", -1.5f),
                "Pad", none(), "p", "v")));
        c.add(new Case("Pad opset 11 constant without value", single(model(11, in).int64s("p", pads),
                "Pad", none(), "p")));
        c.add(new Case("Pad opset 11 reflect", single(model(11, in).int64s("p", pads), "Pad",
                n -> n.s("mode", "reflect"), "p")));
        c.add(new Case("Pad opset 11 edge", single(model(11, in).int64s("p", pads), "Pad",
                n -> n.s("mode", "edge"), "p")));
        c.add(new Case("Pad opset 18 axes input [2,3] reflect", single(model(18, in)
                .int64s("p", 1, 2, 2, 1).int64s("a", 2, 3), "Pad", n -> n.s("mode", "reflect"), "p", "", "a")));
        c.add(new Case("Pad opset 18 negative axes constant value", single(model(18, in)
                .int64s("p", 0, 3, 2, 0).scalar("v", 2f).int64s("a", -2, -1), "Pad", none(), "p", "v", "a")));
        c.add(new Case("Pad opset 13 constant on channel axis", single(model(13, in)
                .int64s("p", 0, 1, 0, 0, 0, 2, 0, 0).scalar("v", 0.25f), "Pad", none(), "p", "v")));
    }

    private static void resize(List<Case> c) {
        long[] rin = s(-1, 2, 4, 5);
        resizeOpsets10And11(c, rin);
        resizeOpset13AndUpsample(c, rin);
    }

    private static void resizeOpsets10And11(List<Case> c, long[] rin) {
        // opset 11: roi and scales inputs are required (empty tensors when unused)
        c.add(new Case("Resize opset 11 nearest asymmetric floor x2", resize11(rin, "nearest",
                n -> n.s("coordinate_transformation_mode", "asymmetric").s("nearest_mode", "floor"),
                new float[] {1, 1, 2, 2}, null)).keeps(OpType.Resize));
        c.add(new Case("Resize opset 11 nearest half_pixel round_prefer_floor x2", resize11(rin, "nearest",
                n -> n.s("coordinate_transformation_mode", "half_pixel").s("nearest_mode", "round_prefer_floor"),
                new float[] {1, 1, 2, 2}, null)));
        c.add(new Case("Resize opset 11 nearest half_pixel round_prefer_ceil x3", resize11(rin, "nearest",
                n -> n.s("coordinate_transformation_mode", "half_pixel").s("nearest_mode", "round_prefer_ceil"),
                new float[] {1, 1, 3, 3}, null)));
        c.add(new Case("Resize opset 11 nearest non-integer scales 1.5/2.5", resize11(rin, "nearest",
                n -> n.s("coordinate_transformation_mode", "asymmetric").s("nearest_mode", "floor"),
                new float[] {1, 1, 1.5f, 2.5f}, null)));
        c.add(new Case("Resize opset 11 nearest downscale 0.6 round_prefer_ceil", resize11(rin, "nearest",
                n -> n.s("nearest_mode", "round_prefer_ceil"), new float[] {1, 1, 0.6f, 0.6f}, null)));
        c.add(new Case("Resize opset 11 nearest sizes input", resize11(rin, "nearest",
                n -> n.s("coordinate_transformation_mode", "asymmetric").s("nearest_mode", "floor"),
                null, new long[] {1, 2, 7, 11})).batches(1));
        c.add(new Case("Resize opset 11 linear half_pixel x2", resize11(rin, "linear",
                n -> n.s("coordinate_transformation_mode", "half_pixel"), new float[] {1, 1, 2, 2}, null)));
        c.add(new Case("Resize opset 11 linear align_corners x2", resize11(rin, "linear",
                n -> n.s("coordinate_transformation_mode", "align_corners"), new float[] {1, 1, 2, 2}, null)));
        c.add(new Case("Resize opset 11 linear asymmetric x2", resize11(rin, "linear",
                n -> n.s("coordinate_transformation_mode", "asymmetric"), new float[] {1, 1, 2, 2}, null)));
        c.add(new Case("Resize opset 11 linear pytorch_half_pixel 1.5", resize11(rin, "linear",
                n -> n.s("coordinate_transformation_mode", "pytorch_half_pixel"), new float[] {1, 1, 1.5f, 1.5f}, null)));
        c.add(new Case("Resize opset 10 nearest x2", single(model(10, rin).initializer("sc", s(4), 1, 1, 2, 2),
                "Resize", n -> n.s("mode", "nearest"), "sc")));
        c.add(new Case("Resize opset 10 linear x2", single(model(10, rin).initializer("sc", s(4), 1, 1, 2, 2),
                "Resize", n -> n.s("mode", "linear"), "sc")));
    }

    private static void resizeOpset13AndUpsample(List<Case> c, long[] rin) {
        String[] coords = {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"};
        for (String coord : coords) {
            for (float[] sc : new float[][] {{1, 1, 2, 2}, {1, 1, 1.5f, 2.5f}, {1, 1, 0.75f, 0.6f}}) {
                c.add(new Case("Resize opset 13 linear " + coord + " scales " + Arrays.toString(sc),
                        single(model(13, rin).initializer("sc", s(4), sc), "Resize",
                                n -> n.s("mode", "linear").s("coordinate_transformation_mode", coord), "", "sc")));
            }
        }
        for (String nm : List.of("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")) {
            for (String coord : List.of("half_pixel", "asymmetric", "align_corners")) {
                c.add(new Case("Resize opset 13 nearest " + coord + " " + nm + " scales 1.5/0.6",
                        single(model(13, rin).initializer("sc", s(4), 1, 1, 1.5f, 0.6f), "Resize",
                                n -> n.s("mode", "nearest").s("coordinate_transformation_mode", coord)
                                        .s("nearest_mode", nm), "", "sc")));
            }
        }
        c.add(new Case("Resize opset 13 nearest scale 0.7 on 10 (float32 output size)", single(model(13, s(-1, 2, 10, 10))
                .initializer("sc", s(4), 1, 1, 0.7f, 0.7f), "Resize", n -> n.s("mode", "nearest"), "", "sc")));
        c.add(new Case("Resize opset 13 linear scale 0.7 on 10 (float32 output size)", single(model(13, s(-1, 2, 10, 10))
                .initializer("sc", s(4), 1, 1, 0.7f, 0.7f), "Resize", n -> n.s("mode", "linear"), "", "sc")));
        c.add(new Case("Resize opset 13 nearest x2 default modes", single(model(13, rin)
                .initializer("sc", s(4), 1, 1, 2, 2), "Resize", n -> n.s("mode", "nearest"), "", "sc")));
        c.add(new Case("Resize opset 13 linear sizes input", single(model(13, rin).int64s("sz", 1, 2, 9, 7),
                "Resize", n -> n.s("mode", "linear"), "", "", "sz")).batches(1));
        c.add(new Case("Resize opset 13 nearest sizes from a shape sub-graph", model(13, rin)
                .node("Shape", X).out("shp").end()
                .int64s("s0", 0).int64s("s2", 2)
                .node("Slice", "shp", "s0", "s2").out("nc").end()
                .int64s("hw", 8, 15)
                .node("Concat", "nc", "hw").out("sz").i("axis", 0).end()
                .node("Resize", X, "", "", "sz").out(Y).s("mode", "nearest")
                .s("coordinate_transformation_mode", "asymmetric").s("nearest_mode", "floor").end()
                .output(Y)).folds(OpType.Shape).keeps(OpType.Resize));
        c.add(new Case("Upsample opset 9 nearest x2", single(model(9, rin).initializer("sc", s(4), 1, 1, 2, 2),
                "Upsample", n -> n.s("mode", "nearest"), "sc")).keeps(OpType.Upsample));
        c.add(new Case("Upsample opset 9 linear x2", single(model(9, rin).initializer("sc", s(4), 1, 1, 2, 2),
                "Upsample", n -> n.s("mode", "linear"), "sc")));
        c.add(new Case("Upsample opset 9 nearest x3/x2", single(model(9, rin).initializer("sc", s(4), 1, 1, 3, 2),
                "Upsample", n -> n.s("mode", "nearest"), "sc")));
        c.add(new Case("Upsample opset 9 linear x1.5", single(model(9, rin).initializer("sc", s(4), 1, 1, 1.5f, 1.5f),
                "Upsample", n -> n.s("mode", "linear"), "sc")));
        c.add(new Case("Upsample opset 9 nearest x1.5/x2.5", single(model(9, rin)
                .initializer("sc", s(4), 1, 1, 1.5f, 2.5f), "Upsample", n -> n.s("mode", "nearest"), "sc")));
        c.add(new Case("Resize opset 11 linear sizes input", resize11(rin, "linear",
                n -> n.s("coordinate_transformation_mode", "pytorch_half_pixel"), null, new long[] {1, 2, 7, 3}))
                .batches(1));
        c.add(new Case("Upsample opset 7 scales attribute", single(model(7, rin), "Upsample",
                n -> n.s("mode", "nearest").floats("scales", 1, 1, 2, 2))));
    }

    static OnnxModelBuilder resize11(long[] in, String mode, Consumer<OnnxModelBuilder.NodeBuilder> attrs, float[] scales,
            long[] sizes) {
        OnnxModelBuilder m = model(11, in).initializer("roi", s(0));
        if (scales != null) {
            m.initializer("sc", s(scales.length), scales);
        } else {
            m.initializer("sc", s(0));
        }
        if (sizes != null) {
            m.int64s("sz", sizes);
            return single(m, "Resize", n -> attrs.accept(n.s("mode", mode)), "roi", "sc", "sz");
        }
        return single(m, "Resize", n -> attrs.accept(n.s("mode", mode)), "roi", "sc");
    }

}
