package dev.inlierq.api;

import dev.inlierq.calib.Calibrator;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.engine.SimulatedRunner;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.graph.Graph;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.plan.Role;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.Histogram;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.FloatTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of a quantized model: agreement of ONNX Runtime's integer run of the written file with the engine's
 * simulation (and of the simulation with the float model) on a few calibration images, and per quantized
 * tensor the clipping rate and the SQNR of fake quantization on calibration data, with a small histogram of each
 * activation's values.
 */
final class Verification {
    /** Bins of the per-activation value histograms (for the HTML report: a few hundred bytes a tensor). */
    static final int HISTOGRAM_BINS = 64;

    private Verification() {
    }

    /** Runs float, simulation and ONNX Runtime (the exported file) on the same images; compares outputs. */
    static Quantization.Agreement agree(GraphExecutor floatEngine, SimulatedRunner sim, Path qdq, int threads,
            Preprocessor pre, List<Path> images) {
        Map<String, double[]> simOrt = new LinkedHashMap<>();
        Map<String, double[]> floatSim = new LinkedHashMap<>();
        Map<String, Double> maxRel = new LinkedHashMap<>();
        try (OrtRunner ort = new OrtRunner(qdq, threads)) { // opened also without images: ONNX Runtime accepts the file
            if (images.isEmpty()) {
                return new Quantization.Agreement(Map.of(), Map.of(), Map.of(), 0);
            }
            for (Path p : images) {
                FloatTensor x = pre.prepare(p).tensor();
                Map<String, FloatTensor> f = floatEngine.run(x);
                Map<String, FloatTensor> s = sim.run(x);
                Map<String, FloatTensor> r = ort.run(x);
                for (String name : s.keySet()) {
                    float[] sv = s.get(name).data();
                    float[] rv = r.get(name).data();
                    add(simOrt.computeIfAbsent(name, k -> new double[2]), sv, rv);
                    add(floatSim.computeIfAbsent(name, k -> new double[2]), f.get(name).data(), sv);
                    maxRel.merge(name, FloatTensor.maxRelativeError(sv, rv), Math::max);
                }
            }
        }
        return new Quantization.Agreement(toDb(simOrt), maxRel, toDb(floatSim), images.size());
    }

    private static void add(double[] acc, float[] ref, float[] other) {
        for (int i = 0; i < ref.length; i++) {
            acc[0] += (double) ref[i] * ref[i];
            double d = ref[i] - other[i];
            acc[1] += d * d;
        }
    }

    private static Map<String, Double> toDb(Map<String, double[]> m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v[1] == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(v[0] / v[1])));
        return out;
    }

    /** Clipping rate and SQNR of fake quantization per planned tensor, on a few calibration images. */
    static List<Quantization.TensorReport> analyse(GraphExecutor floatEngine, Graph g, QuantPlan plan,
            Map<String, Encoding> enc, Preprocessor pre, List<Path> images, int batch) {
        Map<String, double[]> acc = new HashMap<>(); // signal, noise, clipped, count
        Map<String, Histogram> values = new HashMap<>();
        Set<String> observed = new HashSet<>();
        for (QuantPoint p : plan.activations()) {
            observed.add(p.tensor());
        }
        Calibrator.observe(floatEngine, pre, images, batch, observed, (name, t) -> {
            accumulate(acc.computeIfAbsent(name, k -> new double[4]), t.data(), enc.get(name), t.shape(), -1);
            values.computeIfAbsent(name, k -> new Histogram(HISTOGRAM_BINS, false)).add(t.data(), 0, t.data().length);
        }, done -> { });
        List<Quantization.TensorReport> out = new ArrayList<>();
        for (QuantPoint p : plan.points()) {
            if (p.role() == Role.BIAS) {
                continue;
            }
            Encoding e = enc.get(p.tensor());
            double[] a;
            if (p.role() == Role.WEIGHT) {
                ConstTensor w = g.constant(p.tensor());
                a = new double[4];
                accumulate(a, w.floats(), e, w.shape(), p.channelAxis());
            } else {
                a = acc.getOrDefault(p.tensor(), new double[4]);
            }
            double sqnr = a[1] == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(a[0] / a[1]);
            out.add(new Quantization.TensorReport(p.tensor(), p.role(), p.bits(), e.scale(), e.zeroPoint(),
                    a[3] == 0 ? 0 : a[2] / a[3], sqnr, p.group(), p.role() == Role.WEIGHT ? null : values.get(p.tensor())));
        }
        return out;
    }

    /** Adds signal energy, noise energy, clipped count and count of fake-quantizing x (channels on axis). */
    private static void accumulate(double[] a, float[] x, Encoding e, long[] shape, int axis) {
        float[] q = e.fakeQuantize(x, shape);
        int channels = e.size();
        float[] lo = new float[channels];
        float[] hi = new float[channels];
        for (int i = 0; i < channels; i++) {
            // a value is clipped when it lies more than half a step beyond the grid's end points
            lo[i] = (e.qmin() - e.zeroPoint(i) - 0.5f) * e.scale(i);
            hi[i] = (e.qmax() - e.zeroPoint(i) + 0.5f) * e.scale(i);
        }
        long inner = 1;
        long dim = 1;
        if (channels > 1) {
            for (int i = axis + 1; i < shape.length; i++) {
                inner *= shape[i];
            }
            dim = shape[axis];
        }
        double s = 0;
        double n = 0;
        long clipped = 0;
        for (int i = 0; i < x.length; i++) {
            int c = channels == 1 ? 0 : (int) ((i / inner) % dim);
            s += (double) x[i] * x[i];
            double d = x[i] - q[i];
            n += d * d;
            if (x[i] < lo[c] || x[i] > hi[c]) {
                clipped++;
            }
        }
        a[0] += s;
        a[1] += n;
        a[2] += clipped;
        a[3] += x.length;
    }
}
