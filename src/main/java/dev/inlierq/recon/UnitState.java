package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.inlierq.engine.Scalars;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.FakeQuant;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.ValueHook;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Node;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.QuantSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The learnable state of one unit: rounding variables per layer weight, step sizes per owned group. */
final class UnitState {
    final Units.Unit unit;
    final GraphExecutor exec;
    final NDManager scope;
    final Map<String, Encoding> enc;
    final Map<String, String> groupOf;
    final Set<String> produced;
    /** weight tensor name to its V. */
    final Map<String, NDArray> roundingVars = new LinkedHashMap<>();
    final Map<String, float[]> initialOffsets = new HashMap<>();
    /**
     * group name to the natural log of its learnable scale (shape [1]): a step of the optimiser changes the
     * scale by a factor, the same relative change for a scale of 1e-5 as for one of 1 (LSQ's absolute steps
     * multiplied a scale of 3.4e-5 by 60 in one unit).
     */
    final Map<String, NDArray> scales = new LinkedHashMap<>();
    final Map<String, Float> initialScales = new HashMap<>();
    /** group name to the largest step size that keeps a clamp in front of it redundant ({@link ClampLimits}). */
    final Map<String, Float> maxScales = new HashMap<>();
    /**
     * group name to its learnable zero point (shape [1], in integer units, rounded with a straight-through
     * estimator wherever it is used, so every step sees a deployable encoding): LSQ+'s learned offset
     * (Bhalgat et al., CVPR-W 2020, beta = -s z) for asymmetric per-tensor activations, on when
     * {@link ReconstructionOptions#lrZeroPoint()} is positive.
     */
    final Map<String, NDArray> zeroPoints = new LinkedHashMap<>();
    /** group name to its calibrated encoding: the zero point's start and its integer range. */
    final Map<String, Encoding> zeroPointEncodings = new HashMap<>();
    /** Learned weight step sizes ({@link ReconstructionOptions#lrWeightScale()}), empty when off. */
    final WeightScales weightScales;
    /**
     * Whether the rounding is not learned ({@code --lr-round 0}): the steps then compute with the rounding that is
     * deployed, {@code h = [V >= 0]}, not with the soft start {@code h(V)} (GPTQ's compensated weights at {@code
     * --start gptq}), so the step sizes learn for the codes written.
     */
    private final boolean roundingFixed;

    /** The optimisers of a unit's parameters, one per kind (each keeps its own state and rate). */
    record Optimisers(Adam rounding, Adam scales, Adam zeroPoints, Adam weightScales) {
        static Optimisers of(ReconstructionOptions o) {
            return new Optimisers(new Adam(o.lrRounding()), new Adam(o.lrScale()), new Adam(o.lrZeroPoint()),
                    new Adam(o.lrWeightScale()));
        }
    }
    /** Per-step leaves: weight name, or "s:" + group, to a leaf sharing the parameter's storage. */
    final Map<String, NDArray> leaves = new HashMap<>();
    /**
     * Weights this unit reads that an earlier unit already rounded (a weight shared by layers in several
     * units): one tensor has one rounding, learned in the first unit that reads it and fixed afterwards.
     */
    final Map<String, NDArray> fixedWeights = new LinkedHashMap<>();
    /**
     * Weights whose rounding is taken around an anchor other than the float weight ({@link StartingRounding}):
     * tensor name to the anchor; the others are rounded around their float values.
     */
    final Map<String, NDArray> anchors = new HashMap<>();
    // constants of the quantized unit replaced by the start (GPTQ's corrected biases) are kept in fixedWeights
    /** weight name to {floor(W / s), s, z}: what soft rounding needs of the weight, the same at every step */
    private final Map<String, NDArray[]> roundingBases = new HashMap<>();

    UnitState(Units.Unit unit, GraphExecutor exec, NDManager scope, Map<String, Encoding> enc,
            Map<String, QuantPoint> weightOfLayer, Map<String, String> groupOf, Set<String> learnedGroups,
            Map<String, ConstTensor> roundedEarlier, StartingRounding.Start start, ReconstructionOptions o) {
        boolean learnZeroPoints = o.lrZeroPoint() > 0;
        this.weightScales = new WeightScales(scope);
        this.roundingFixed = o.lrRounding() == 0;
        Map<String, float[]> startAnchors = start.anchors();
        Map<String, float[]> startConstants = start.constants();
        this.unit = unit;
        this.exec = exec;
        this.scope = scope;
        this.enc = enc;
        this.groupOf = groupOf;
        this.produced = unit.produced();
        for (String layer : unit.layers()) {
            QuantPoint p = weightOfLayer.get(layer);
            if (p == null) {
                continue;
            }
            ConstTensor done = roundedEarlier.get(p.tensor());
            if (done != null) {
                fixedWeights.put(p.tensor(), DjlRuntime.create(scope, done.floats(),
                        new ai.djl.ndarray.types.Shape(done.shape())));
                continue;
            }
            Encoding e = enc.get(p.tensor());
            long[] shape = exec.graph().constant(p.tensor()).shape();
            float[] w = startAnchors.get(p.tensor());
            if (w == null) {
                w = exec.graph().constant(p.tensor()).floats();
            } else {
                anchors.put(p.tensor(), DjlRuntime.create(scope, w, new ai.djl.ndarray.types.Shape(shape)));
            }
            float[] frac = fractionalPart(w, shape, e);
            roundingVars.put(p.tensor(), DjlRuntime.create(scope, initialV(frac), new ai.djl.ndarray.types.Shape(shape)));
            if (o.lrWeightScale() > 0) {
                weightScales.add(p.tensor(), e, shape);
            }
            initialOffsets.put(p.tensor(), frac);
        }
        for (Node nd : unit.nodes()) {
            for (String in : nd.inputs()) {
                float[] c = startConstants.get(in);
                if (c != null && !fixedWeights.containsKey(in) && !roundingVars.containsKey(in)) {
                    fixedWeights.put(in, DjlRuntime.create(scope, c, new ai.djl.ndarray.types.Shape(
                            exec.graph().constant(in).shape())));
                }
            }
        }
        Set<String> seen = new HashSet<>();
        for (Node nd : unit.nodes()) {
            for (String v : nd.outputs()) {
                String group = groupOf.get(v);
                if (group == null || learnedGroups.contains(group) || !seen.add(group)) {
                    continue;
                }
                Encoding e = enc.get(v);
                if (e.size() == 1) {
                    scales.put(group, logScale(e.scale(0)));
                    initialScales.put(group, e.scale(0));
                    List<String> members = groupOf.entrySet().stream()
                            .filter(m -> m.getValue().equals(group)).map(Map.Entry::getKey).toList();
                    Float cap = ClampLimits.maxScale(exec.graph(), members, e);
                    if (cap != null) {
                        maxScales.put(group, cap);
                    }
                    if (learnZeroPoints && e.spec().symmetry() == QuantSpec.Symmetry.ASYMMETRIC
                            && !ClampLimits.clamped(exec.graph(), members)) {
                        zeroPoints.put(group, zeroPoint(e.zeroPoint(0)));
                        zeroPointEncodings.put(group, e);
                    }
                }
            }
        }
    }

    /** V such that h(V) = frac: sigmoid(V) = (frac - gamma) / (zeta - gamma). */
    private static float[] initialV(float[] frac) {
        float[] v = new float[frac.length];
        for (int i = 0; i < v.length; i++) {
            double pr = (frac[i] - Reconstruction.GAMMA) / (Reconstruction.ZETA - Reconstruction.GAMMA);
            v[i] = (float) Math.log(pr / (1 - pr));
        }
        return v;
    }

    private NDArray zeroPoint(float z) {
        return DjlRuntime.create(scope, new float[] {z}, new ai.djl.ndarray.types.Shape(1));
    }

    private NDArray logScale(double scale) {
        return DjlRuntime.create(scope, new float[] {(float) Math.log(scale)}, new ai.djl.ndarray.types.Shape(1));
    }

    /** Whether the unit learns step sizes or zero points of activations it produces. */
    boolean learnsEncodings() {
        return !scales.isEmpty() || !zeroPoints.isEmpty();
    }

    /** Back to the starting rounding and weight step sizes, keeping the learned activation encodings. */
    void restoreRounding() {
        weightScales.reset();
        for (var e : roundingVars.entrySet()) {
            NDArray v = DjlRuntime.create(scope, initialV(initialOffsets.get(e.getKey())), e.getValue().getShape());
            e.getValue().close();
            e.setValue(v);
        }
    }

    /** Back to the starting rounding and the initial encodings (optimisation made the unit worse). */
    void restoreInitial() {
        restoreRounding();
        for (var e : scales.entrySet()) {
            e.getValue().close();
            e.setValue(logScale(initialScales.get(e.getKey())));
        }
        for (var e : zeroPoints.entrySet()) {
            e.getValue().close();
            e.setValue(zeroPoint(zeroPointEncodings.get(e.getKey()).zeroPoint(0)));
        }
    }

    /** frac(W / s) per element, the AdaRound initial offset (nearest rounding's starting point). */
    static float[] fractionalPart(float[] w, long[] shape, Encoding e) {
        float[] f = new float[w.length];
        int[] channel = e.parameterIndices(w.length, shape);
        for (int i = 0; i < w.length; i++) {
            double v = (double) w[i] / e.scale(channel[i]);
            f[i] = (float) (v - Math.floor(v));
        }
        return f;
    }

    /**
     * Fresh autograd leaves sharing the parameters' storage, so every step starts from empty gradients
     * (no zeroing of accumulated ones; call inside the gradient collector).
     */
    void requireGradients() {
        for (var e : roundingVars.entrySet()) {
            NDArray leaf = e.getValue().stopGradient();
            leaf.setRequiresGradient(true);
            leaves.put(e.getKey(), leaf);
        }
        for (var e : scales.entrySet()) {
            NDArray leaf = e.getValue().stopGradient();
            leaf.setRequiresGradient(true);
            leaves.put("s:" + e.getKey(), leaf);
        }
        for (var e : zeroPoints.entrySet()) {
            NDArray leaf = e.getValue().stopGradient();
            leaf.setRequiresGradient(true);
            leaves.put("z:" + e.getKey(), leaf);
        }
        weightScales.requireGradients(leaves);
    }

    /** h(V), the rectified sigmoid. */
    static NDArray rectifiedSigmoid(NDArray v) {
        try (NDArray s = v.getNDArrayInternal().sigmoid(); NDArray a = Scalars.mul(s, Reconstruction.ZETA - Reconstruction.GAMMA);
                NDArray b = Scalars.add(a, Reconstruction.GAMMA)) {
            return b.clip(0f, 1f);
        }
    }

    Map<String, NDArray> softWeights(NDManager step) {
        Map<String, NDArray> m = new HashMap<>(fixedWeights);
        for (var e : roundingVars.entrySet()) {
            try (NDArray h = roundingFixed ? fixedRounding(leaves.get(e.getKey()))
                    : rectifiedSigmoid(leaves.get(e.getKey()))) {
                NDArray[] base = roundingBases.computeIfAbsent(e.getKey(), k -> {
                    NDArray[] b = FakeQuant.roundingBase(base(k), enc.get(k));
                    for (NDArray a : b) {
                        a.attach(scope);
                    }
                    return b;
                });
                NDArray q = weightScales.applyLearning(e.getKey(),
                        FakeQuant.withRounding(base, enc.get(e.getKey()), h), leaves);
                q.attach(step);
                m.put(e.getKey(), q);
            }
        }
        return m;
    }

    /** The weight the rounding of {@code name} is taken around: its anchor, or the float weight. */
    private NDArray base(String name) {
        NDArray a = anchors.get(name);
        return a != null ? a : exec.constant(name);
    }

    /** sum over all rounding variables of 1 - |2 h - 1|^beta. */
    NDArray regulariser(float beta) {
        NDArray total = null;
        for (String name : roundingVars.keySet()) {
            NDArray v = leaves.get(name);
            try (NDArray h = rectifiedSigmoid(v); NDArray a = Scalars.mul(h, 2f); NDArray c = Scalars.sub(a, 1f);
                    NDArray d = c.abs(); NDArray p = Scalars.pow(d, beta); NDArray s = p.sum()) {
                NDArray r = Scalars.rsub((float) v.size(), s);
                if (total == null) {
                    total = r;
                } else {
                    NDArray t = total.add(r);
                    total.close();
                    r.close();
                    total = t;
                }
            }
        }
        return total;
    }

    boolean quantizesHere(String v) {
        return groupOf.containsKey(v) && produced.contains(v);
    }

    /** Fake quantization with learnable scales of owned groups, fixed ones elsewhere; QDrop mixing. */
    ValueHook learningHook(float dropProb) {
        return (name, v) -> {
            if (!quantizesHere(name)) {
                return v;
            }
            Encoding e = enc.get(name);
            String group = groupOf.get(name);
            NDArray s = scales.containsKey(group) ? leaves.get("s:" + group) : null;
            NDArray z = zeroPoints.containsKey(group) ? leaves.get("z:" + group) : null;
            NDArray q;
            if (z != null) {
                try (NDArray es = s.exp()) {
                    q = FakeQuant.fakeQuantLearned(v, e, es, z);
                }
            } else if (s != null) {
                try (NDArray es = s.exp(); NDArray sr = es.reshape(FakeQuant.parameterShape(e, v.getShape()))) {
                    q = FakeQuant.fakeQuant(v, e, sr);
                }
            } else {
                q = FakeQuant.fakeQuant(v, e);
            }
            if (dropProb > 0) {
                NDArray mixed = Reconstruction.drop(q, v, dropProb);
                q.close();
                return mixed;
            }
            return q;
        };
    }

    /** Fake quantization with the final encodings, no drop (the deployed arithmetic). */
    ValueHook fixedHook(Map<String, Encoding> finalEnc) {
        return (name, v) -> quantizesHere(name) ? FakeQuant.fakeQuant(v, finalEnc.get(name)) : v;
    }

    /**
     * Adam steps from the leaves' gradients, then drops the leaves; a step whose gradients are not all finite
     * changes nothing.
     */
    void step(Optimisers opt, float encodingRate) {
        if (!finiteGradients()) {
            leaves.values().forEach(NDArray::close);
            leaves.clear();
            return;
        }
        for (var e : roundingVars.entrySet()) {
            update(opt.rounding(), "v:" + e.getKey(), e.getValue(), leaves.get(e.getKey()), 1f);
        }
        for (var e : new ArrayList<>(zeroPoints.entrySet())) {
            update(opt.zeroPoints(), "z:" + e.getKey(), e.getValue(), leaves.get("z:" + e.getKey()), encodingRate);
            // a zero point stays where it rounds onto the integer grid's range
            Encoding enc0 = zeroPointEncodings.get(e.getKey());
            float z = e.getValue().getFloat(0);
            float bounded = Math.max(enc0.qmin() - 0.49f, Math.min(enc0.qmax() + 0.49f, z));
            if (bounded != z) {
                e.getValue().close();
                zeroPoints.put(e.getKey(), zeroPoint(bounded));
            }
        }
        for (var e : new ArrayList<>(scales.entrySet())) {
            update(opt.scales(), "s:" + e.getKey(), e.getValue(), leaves.get("s:" + e.getKey()), encodingRate);
            // a step size stays within a factor of 100 of where it started, and inside a clamp's bound
            double start = initialScales.get(e.getKey());
            double hi = Math.min(100 * start, maxScales.getOrDefault(e.getKey(), Float.MAX_VALUE));
            double now = Math.exp(e.getValue().getFloat(0));
            if (!(now >= 0.01 * start && now <= hi)) {
                NDArray fixed = logScale(now > hi ? hi : 0.01 * start);
                e.getValue().close();
                scales.put(e.getKey(), fixed);
            }
        }
        weightScales.step(opt.weightScales(), leaves, encodingRate);
        leaves.values().forEach(NDArray::close);
        leaves.clear();
    }

    /** One Adam step of {@code p} with the gradient its leaf received, at {@code rate} times Adam's rate. */
    private static void update(Adam adam, String id, NDArray p, NDArray leaf, float rate) {
        try (NDArray g = leaf.getGradient()) {
            adam.update(id, p, g, rate);
        }
    }

    /**
     * Whether every gradient of the step is finite: one sum per leaf and one check per step (a NaN or an
     * infinity anywhere makes the total so), instead of element-wise tests of every parameter.
     */
    private boolean finiteGradients() {
        double total = 0;
        for (NDArray leaf : leaves.values()) {
            try (NDArray g = leaf.getGradient(); NDArray s = g.sum()) {
                total += s.getFloat();
            }
        }
        return Double.isFinite(total);
    }

    /**
     * The rounding the unit writes, {@code [V >= 0]}, with the graph still reaching {@code V} (plus {@code h(V) -
     * h(V)}, exactly 0, whose gradient is never applied at a rounding rate of 0): a step always has a gradient.
     */
    private static NDArray fixedRounding(NDArray v) {
        try (NDArray soft = rectifiedSigmoid(v); NDArray still = soft.stopGradient(); NDArray zero = soft.sub(still);
                NDArray h = hard(v)) {
            return h.add(zero);
        }
    }

    /** The hardened rounding {@code [V >= 0]} as floats, no gradient. */
    private static NDArray hard(NDArray v) {
        try (NDArray ge = v.gte(0f)) {
            return ge.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        }
    }

    /** Hardened weights W_q with h = [V >= 0], as arrays owned by the scope. */
    Map<String, NDArray> hardWeights() {
        return hardWeights(scope);
    }

    /** Hardened weights W_q with h = [V >= 0]; those of the rounding variables owned by {@code owner}. */
    Map<String, NDArray> hardWeights(NDManager owner) {
        Map<String, NDArray> m = new LinkedHashMap<>(fixedWeights);
        for (var e : roundingVars.entrySet()) {
            try (NDArray h = hard(e.getValue())) {
                NDArray raw = FakeQuant.fakeQuantWithRounding(base(e.getKey()), enc.get(e.getKey()), h);
                NDArray q = weightScales.apply(e.getKey(), raw);
                if (q != raw) {
                    raw.close();
                }
                q.attach(owner);
                m.put(e.getKey(), q);
            }
        }
        return m;
    }

    /**
     * Fraction of weights whose hardened rounding differs from the starting rounding (nearest, or the start's
     * when the unit has anchors).
     */
    double flippedFraction() {
        long flipped = 0;
        long total = 0;
        for (var e : roundingVars.entrySet()) {
            float[] v = e.getValue().toFloatArray();
            float[] f = initialOffsets.get(e.getKey());
            for (int i = 0; i < v.length; i++) {
                boolean up = v[i] >= 0;
                boolean nearestUp = f[i] >= 0.5f;
                flipped += up != nearestUp ? 1 : 0;
            }
            total += v.length;
        }
        return total == 0 ? 0 : (double) flipped / total;
    }

    /** Writes learned step sizes into the encodings of every member of the owned groups. */
    void commit(Map<String, Encoding> encodings, Set<String> learnedGroups) {
        weightScales.commit(encodings);
        for (var e : scales.entrySet()) {
            // a scale that did not move (rate 0, or restored) is the initial one exactly, not exp(log(s))
            float logNow = e.getValue().getFloat(0);
            float initial = initialScales.get(e.getKey());
            float s = logNow == (float) Math.log(initial) ? initial : Math.max((float) Math.exp(logNow), 1e-30f);
            s = Math.min(s, maxScales.getOrDefault(e.getKey(), Float.MAX_VALUE));
            NDArray z = zeroPoints.get(e.getKey());
            for (var m : groupOf.entrySet()) {
                if (m.getValue().equals(e.getKey())) {
                    Encoding old = encodings.get(m.getKey());
                    int[] zp = z == null ? old.zeroPoint() : new int[] {(int) Math.rint(z.getFloat(0))};
                    encodings.put(m.getKey(), new Encoding(old.spec(), new float[] {s}, zp));
                }
            }
            learnedGroups.add(e.getKey());
        }
        for (String v : groupOf.keySet()) {
            if (quantizesHere(v)) {
                learnedGroups.add(groupOf.get(v));
            }
        }
    }
}
