package dev.inlierq.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnx.proto.OnnxMl;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.eval.OrtRunner;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.Node;
import dev.inlierq.graph.OpType;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.testing.OnnxModelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operator the reader accepts, in the attribute variants real exports use, built as one- or
 * few-node models and run by the DJL engine and by ONNX Runtime on the same seeded random input:
 * shapes equal and max |djl - ort| / (max |ort| + 1e-6) <= 1e-4, at batch 1 and, where the op keeps the
 * batch on axis 0, batch 2.
 */
class OpParityTest {
    static final double TOLERANCE = 1e-4;
    static final String X = "x";
    static final String Y = "y";
    static final long BIG = Long.MAX_VALUE;
    static final int[] B12 = {1, 2};
    static final int[] B1 = {1};

    @TempDir
    static Path tmp;

    /**
     * One parity case: a model with a single float input, the batch sizes to run, the input range, and a
     * check on the prepared graph (that the op under test survived, or was folded away).
     */
    record Case(String name, OnnxModelBuilder model, int[] batches, float lo, float hi, Consumer<Graph> prepared,
            boolean referencePerSample, boolean perSampleFallback) {
        Case(String name, OnnxModelBuilder model) {
            this(name, model, B12, -2f, 2f, g -> { }, false, false);
        }

        Case batches(int... b) {
            return new Case(name, model, b, lo, hi, prepared, referencePerSample, perSampleFallback);
        }

        Case range(float l, float h) {
            return new Case(name, model, batches, l, h, prepared, referencePerSample, perSampleFallback);
        }

        Case expect(Consumer<Graph> check) {
            return new Case(name, model, batches, lo, hi, prepared.andThen(check), referencePerSample, perSampleFallback);
        }

        /**
         * The batch axis cannot be tracked through this graph (it leaves axis 0 mid-graph in a way the
         * preparer does not follow): the executor runs one sample at a time. Without this mark, a case
         * run at batch 2 must be prepared as batchable.
         */
        Case perSample() {
            return new Case(name, model, batches, lo, hi, prepared, referencePerSample, true);
        }

        /**
         * For exports that hard-code batch 1 (ONNX Runtime refuses batch 2): the reference at batch B is
         * ONNX Runtime run on each sample, stacked on axis 0.
         */
        Case againstOrtPerSample() {
            return new Case(name, model, batches, lo, hi, prepared, true, perSampleFallback);
        }

        /** The prepared graph still runs this op (it was neither folded nor fused away). */
        Case keeps(OpType op) {
            return expect(g -> assertTrue(ops(g).contains(op), name + ": expected " + op
                    + " to remain in the prepared graph, got " + g.opCounts()));
        }

        /** The preparer removed every node of this op. */
        Case folds(OpType op) {
            return expect(g -> assertFalse(ops(g).contains(op), name + ": expected " + op
                    + " folded away by the preparer, got " + g.opCounts()));
        }
    }

    static Set<OpType> ops(Graph g) {
        Set<OpType> s = EnumSet.noneOf(OpType.class);
        for (Node n : g.nodes()) {
            s.add(n.op());
        }
        return s;
    }

    // ------------------------------------------------------------------ helpers to build models

    /** Weights and constants: one seeded stream, consumed in the fixed order the cases are built. */
    static final class Weights {
        final Random rnd;

        Weights(long seed) {
            rnd = new Random(seed);
        }

        float[] normal(long... shape) {
            float[] f = new float[(int) FloatTensor.numel(shape)];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) (rnd.nextGaussian() * 0.5);
            }
            return f;
        }

        float[] uniform(float lo, float hi, long... shape) {
            float[] f = new float[(int) FloatTensor.numel(shape)];
            for (int i = 0; i < f.length; i++) {
                f[i] = lo + rnd.nextFloat() * (hi - lo);
            }
            return f;
        }

        /** Values of magnitude in [0.5, 2] with random sign (safe divisors). */
        float[] awayFromZero(long... shape) {
            float[] f = uniform(0.5f, 2f, shape);
            for (int i = 0; i < f.length; i++) {
                f[i] = rnd.nextBoolean() ? f[i] : -f[i];
            }
            return f;
        }
    }

    static long[] s(long... dims) {
        return dims;
    }

    static OnnxModelBuilder model(int opset, long... inShape) {
        return OnnxModelBuilder.opset(opset).input(X, inShape);
    }

    /** x -> op(x, extra inputs...) -> y, attributes set by {@code attrs}. */
    static OnnxModelBuilder single(OnnxModelBuilder m, String op, Consumer<OnnxModelBuilder.NodeBuilder> attrs,
            String... moreInputs) {
        String[] ins = new String[moreInputs.length + 1];
        ins[0] = X;
        System.arraycopy(moreInputs, 0, ins, 1, moreInputs.length);
        OnnxModelBuilder.NodeBuilder n = m.node(op, ins).out(Y);
        attrs.accept(n);
        return n.end().output(Y);
    }

    static Consumer<OnnxModelBuilder.NodeBuilder> none() {
        return n -> { };
    }

    // ------------------------------------------------------------------ the cases

    static List<Case> convCases() {
        Weights w = new Weights(11);
        List<Case> c = new ArrayList<>();
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
        return c;
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

        long[] rin = s(-1, 2, 4, 5);
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
        return c;
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

    static List<Case> layoutCases() {
        Weights w = new Weights(14);
        List<Case> c = new ArrayList<>();
        long[] in = s(-1, 4, 3, 5);
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
        return c;
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
        return c;
    }

    /**
     * Every group of cases, by name: the one list both the test factory and the coverage check read, so a
     * group cannot be counted as coverage without being run.
     */
    static Map<String, List<Case>> groups() {
        Map<String, List<Case>> g = new java.util.LinkedHashMap<>();
        g.put("conv", convCases());
        g.put("activations", activationCases());
        g.put("arithmetic", arithmeticCases());
        g.put("pooling", poolCases());
        g.put("pad and resize", padResizeCases());
        g.put("layout", layoutCases());
        g.put("math", mathCases());
        g.put("constants and shape subgraphs", constantAndShapeCases());
        g.put("quantize", quantizeCases());
        return g;
    }

    static List<Case> allCases() {
        return groups().values().stream().flatMap(List::stream).toList();
    }

    // ------------------------------------------------------------------ the tests

    @TestFactory
    Stream<DynamicContainer> parity() {
        return groups().entrySet().stream().map(e -> DynamicContainer.dynamicContainer(e.getKey(), tests(e.getValue())));
    }

    /** Every op type the reader accepts appears in at least one parity case. */
    @Test
    void everySupportedOpHasAParityCase() {
        Set<String> seen = new TreeSet<>();
        for (Case c : allCases()) {
            for (OnnxMl.NodeProto n : c.model().build().getGraph().getNodeList()) {
                seen.add(n.getOpType());
            }
        }
        Set<String> missing = new TreeSet<>();
        for (OpType op : OpType.values()) {
            if (!seen.contains(op.name())) {
                missing.add(op.name());
            }
        }
        assertEquals(Set.of(), missing, "op types accepted by the reader but not covered by a parity case");
    }

    static Stream<DynamicTest> tests(List<Case> cases) {
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            try {
                check(c);
            } catch (AssertionError e) {
                throw e;
            } catch (RuntimeException e) {
                throw new AssertionError(c.name() + ": " + e, e);
            }
        }));
    }

    static void check(Case c) {
        Path file = c.model().write(tmp);
        Graph g = GraphPreparer.prepare(OnnxReader.read(file));
        c.prepared().accept(g);
        boolean runsBatches = Arrays.stream(c.batches()).anyMatch(b -> b > 1);
        if (runsBatches && !c.perSampleFallback()) {
            assertTrue(GraphPreparer.isBatchable(g), c.name() + ": expected the preparer to track the batch axis "
                    + "(one pass per batch), got a graph marked not batchable");
        }
        long[] declared = c.model().inputShape(c.model().inputNames().get(0));
        Random rnd = new Random(c.name().hashCode());
        try (GraphExecutor ex = new GraphExecutor(g);
                OrtRunner ort = new OrtRunner(file, 1, OrtRunner.Optimization.NONE)) {
            for (int batch : c.batches()) {
                long[] shape = declared.clone();
                shape[0] = batch;
                float[] data = new float[(int) FloatTensor.numel(shape)];
                for (int i = 0; i < data.length; i++) {
                    data[i] = c.lo() + rnd.nextFloat() * (c.hi() - c.lo());
                }
                FloatTensor x = new FloatTensor(shape, data);
                Map<String, FloatTensor> want = c.referencePerSample() ? perSample(ort, x) : ort.run(x);
                Map<String, FloatTensor> got = ex.run(x);
                assertEquals(want.keySet(), got.keySet(), c.name() + " batch " + batch + ": output names");
                for (var e : want.entrySet()) {
                    String where = c.name() + " batch " + batch + " output '" + e.getKey() + "'";
                    FloatTensor o = e.getValue();
                    FloatTensor d = got.get(e.getKey());
                    assertArrayEquals(o.shape(), d.shape(), where + ": shape expected " + Arrays.toString(o.shape())
                            + ", got " + Arrays.toString(d.shape()));
                    compare(where, d.data(), o.data());
                }
            }
        }
    }

    static Map<String, FloatTensor> perSample(OrtRunner ort, FloatTensor x) {
        Map<String, List<FloatTensor>> parts = new java.util.LinkedHashMap<>();
        for (int b = 0; b < x.shape()[0]; b++) {
            ort.run(x.sample(b)).forEach((k, v) -> parts.computeIfAbsent(k, z -> new ArrayList<>()).add(v));
        }
        Map<String, FloatTensor> out = new java.util.LinkedHashMap<>();
        parts.forEach((k, v) -> out.put(k, FloatTensor.stack(v)));
        return out;
    }

    /** Fails when max |got - want| / (max |want| + 1e-6) exceeds the tolerance (NaN anywhere fails). */
    static void compare(String where, float[] got, float[] want) {
        double maxAbs = 0;
        double maxDiff = 0;
        int worst = -1;
        for (int i = 0; i < want.length; i++) {
            double diff = Math.abs((double) got[i] - want[i]);
            if (Double.isNaN(diff) || Float.isNaN(want[i])) {
                fail(where + ": NaN at flat index " + i + " (expected " + want[i] + ", got " + got[i] + ")");
            }
            maxAbs = Math.max(maxAbs, Math.abs(want[i]));
            if (diff > maxDiff) {
                maxDiff = diff;
                worst = i;
            }
        }
        double err = maxDiff / (maxAbs + 1e-6);
        if (!(err <= TOLERANCE)) {
            fail(where + ": relative error " + err + " > " + TOLERANCE + "; worst at flat index " + worst
                    + ": expected " + want[worst] + ", got " + got[worst]);
        }
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void unsupportedOpsAreRefusedWithEveryTypeAndNode() {
        OnnxModelBuilder m = OnnxModelBuilder.opset(13).domain("com.example", 1).input(X, -1, 4, 6)
                .initializerInt64("k", s(1), 10).scalar("iou", 0.5f).scalar("score", 0.1f)
                .node("Relu", X).out("r").end()
                .node("NonMaxSuppression", X, "r", "k", "iou", "score").name("nms_a").out("sel_a").end()
                .node("NonMaxSuppression", X, "r", "k", "iou", "score").name("nms_b").out("sel_b").end()
                .node("FancyDecode", "r").name("decode_head").domain("com.example").out("dec").end()
                .node("TopK", "r", "k").name("topk_1").out("vals", "idx").end()
                .output("sel_a", 7).output("sel_b", 7).output("dec").output("vals");
        Path file = m.write(tmp);
        UserError e = assertThrows(UserError.class, () -> OnnxReader.read(file));
        assertEquals(ExitCode.UNSUPPORTED_OPS, e.exitCode(), e.getMessage());
        for (String part : List.of("NonMaxSuppression", "nms_a", "nms_b", "FancyDecode", "com.example",
                "decode_head", "TopK", "topk_1")) {
            assertTrue(e.getMessage().contains(part), "message should name '" + part + "', got: " + e.getMessage());
        }
        assertFalse(e.getMessage().contains("Relu"), "supported ops are not listed, got: " + e.getMessage());
    }

    @Test
    void aDefaultOpInAForeignDomainIsRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.opset(13).domain("com.microsoft", 1).input(X, -1, 4)
                .node("Relu", X).name("ms_relu").domain("com.microsoft").out(Y).end().output(Y);
        UserError e = assertThrows(UserError.class, () -> OnnxReader.read(m.write(tmp)));
        assertEquals(ExitCode.UNSUPPORTED_OPS, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains("com.microsoft.Relu") && e.getMessage().contains("ms_relu"), e.getMessage());
    }

    @Test
    void corruptFilesAreInvalidModels() throws IOException {
        Random rnd = new Random(3);
        List<byte[]> bad = new ArrayList<>();
        for (int len : new int[] {1, 7, 64, 1000, 100_000}) {
            byte[] b = new byte[len];
            rnd.nextBytes(b);
            bad.add(b);
        }
        bad.add("this is not an onnx model\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        bad.add(new byte[0]);
        byte[] good = single(model(13, s(-1, 3, 4, 4)).initializer("w", s(2, 3, 1, 1), new Weights(1).normal(2, 3, 1, 1)),
                "Conv", none(), "w").build().toByteArray();
        bad.add(Arrays.copyOf(good, good.length / 2));
        for (int i = 0; i < bad.size(); i++) {
            Path p = Files.createTempFile(tmp, "corrupt", ".onnx");
            Files.write(p, bad.get(i));
            int k = i;
            UserError e = assertThrows(UserError.class, () -> OnnxReader.read(p), "corrupt file #" + k);
            assertEquals(ExitCode.INVALID_MODEL, e.exitCode(), "corrupt file #" + k + ": " + e.getMessage());
        }
    }

    @Test
    void missingFileIsMissingInput() {
        Path p = tmp.resolve("does-not-exist.onnx");
        UserError e = assertThrows(UserError.class, () -> OnnxReader.read(p));
        assertEquals(ExitCode.MISSING_INPUT, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains("does-not-exist.onnx"), e.getMessage());
        UserError dir = assertThrows(UserError.class, () -> OnnxReader.read(tmp));
        assertEquals(ExitCode.MISSING_INPUT, dir.exitCode(), dir.getMessage());
    }
}
