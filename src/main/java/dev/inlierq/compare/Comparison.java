package dev.inlierq.compare;

import ai.onnx.proto.OnnxMl;
import dev.inlierq.api.EngineKind;
import dev.inlierq.calib.CalibrationSet;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.detect.spec.SpecCheck;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.onnx.OnnxReader;
import dev.inlierq.runtime.OrtTaps;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.tensor.ModelRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Per-tensor error of a quantized (QDQ) model against its float model, both run by ONNX Runtime on the same
 * preprocessed images. Tensors are paired by name ({@link TensorMatch}); intermediate tensors are read from
 * in-memory copies of both models that list them as outputs ({@link OrtTaps}), which runs the QDQ model unfused
 * (QDQ float semantics); the model outputs are also measured on the quantized file as deployed (ONNX Runtime's
 * fused integer kernels). Metrics per tensor, pooled over the images, are defined on {@link ErrorStats}.
 */
public final class Comparison {
    /** Images compared unless told otherwise. */
    public static final int DEFAULT_IMAGES = 8;
    /** Metadata key of the detector spec in a model quantized by this tool. */
    public static final String SPEC_METADATA_KEY = "inlierq.spec";

    private Comparison() {
    }

    /**
     * What to compare.
     *
     * @param spec      the detector spec whose preprocessor prepares the images; null: the one the quantized
     *                  model's provenance names, when built in
     * @param numImages images chosen from the folder by {@code seed} (all when the folder holds fewer)
     */
    public record Options(Path floatModel, Path quantizedModel, Path images, DetectorSpec spec, int numImages,
            long seed, int threads) {
        public Options {
            Objects.requireNonNull(floatModel);
            Objects.requireNonNull(quantizedModel);
            Objects.requireNonNull(images);
            if (numImages < 1 || threads < 1) {
                throw new IllegalArgumentException("numImages and threads must be at least 1");
            }
        }

        public static Builder builder(Path floatModel, Path quantizedModel, Path images) {
            return new Builder(floatModel, quantizedModel, images);
        }
    }

    /** Builds {@link Options}: spec from the metadata, {@value #DEFAULT_IMAGES} images, seed 0, 2 threads. */
    public static final class Builder {
        private final Path floatModel;
        private final Path quantizedModel;
        private final Path images;
        private DetectorSpec spec;
        private int numImages = DEFAULT_IMAGES;
        private long seed;
        private int threads = 2;

        private Builder(Path floatModel, Path quantizedModel, Path images) {
            this.floatModel = floatModel;
            this.quantizedModel = quantizedModel;
            this.images = images;
        }

        public Builder spec(DetectorSpec s) {
            spec = s;
            return this;
        }

        public Builder numImages(int n) {
            numImages = n;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public Builder threads(int t) {
            threads = t;
            return this;
        }

        public Options build() {
            return new Options(floatModel, quantizedModel, images, spec, numImages, seed, threads);
        }
    }

    /**
     * The outcome.
     *
     * @param tensors   every paired tensor, worst (lowest SQNR) first
     * @param deployed  the model outputs of the quantized file as deployed (fused integer kernels), in output order
     * @param images    the images compared
     * @param spec      the detector spec used
     * @param unmatched float tensors the quantized model does not have (folded or removed when it was made)
     */
    public record Result(List<TensorError> tensors, List<TensorError> deployed, List<Path> images, String spec,
            int unmatched, double seconds) {
    }

    /**
     * Runs the comparison.
     *
     * @param progress receives the number of images done
     * @throws UserError MISSING_INPUT, INVALID_MODEL, BAD_IMAGE (no image), BAD_SPEC, USAGE (no spec given nor
     *                   recorded), MODEL_MISMATCH (the models take different inputs or give different outputs)
     */
    public static Result run(Options o, IntConsumer progress) {
        long t0 = System.nanoTime();
        OnnxMl.ModelProto floatProto = OnnxReader.parse(o.floatModel());
        OnnxMl.ModelProto quantProto = OnnxReader.parse(o.quantizedModel());
        DetectorSpec spec = o.spec() != null ? o.spec() : recordedSpec(quantProto, o.quantizedModel());
        List<Path> images = CalibrationSet.choose(o.images(), o.numImages(), o.seed()).files();
        List<TensorMatch.Pair> pairs = TensorMatch.pairs(floatProto, quantProto);
        Preprocessor pre = spec.preprocessor();
        try (OrtTaps f = new OrtTaps(floatProto, o.floatModel().toString(), nodeOutputs(floatProto), o.threads());
                OrtTaps q = new OrtTaps(quantProto, o.quantizedModel().toString(),
                        pairs.stream().map(TensorMatch.Pair::quantizedTensor).toList(), o.threads())) {
            requireSameInterface(f, q, o);
            SpecCheck.require(spec, o.floatModel(), f.inputs(), f.outputShapes());
            List<TensorMatch.Pair> kept = pairs.stream().filter(p -> q.tapped().contains(p.quantizedTensor())
                    && (p.kind() == TensorMatch.Kind.INPUT || f.tapped().contains(p.floatTensor()))).toList();
            Map<TensorMatch.Pair, double[]> gains = fitGains(f, q, kept, images, pre, o);
            Map<TensorMatch.Pair, ErrorStats> stats = new LinkedHashMap<>();
            kept.forEach(p -> stats.put(p, new ErrorStats(gains.get(p))));
            Map<String, ErrorStats> deployed = new LinkedHashMap<>();
            f.outputs().forEach(name -> deployed.put(name, new ErrorStats(null)));
            try (ModelRunner file = EngineKind.ORT.open(o.quantizedModel(), o.threads())) {
                int done = 0;
                for (Path image : images) {
                    FloatTensor x = pre.prepare(image).tensor();
                    Map<String, FloatTensor> fv = f.run(x);
                    Map<String, FloatTensor> qv = q.run(x);
                    for (var e : stats.entrySet()) {
                        TensorMatch.Pair p = e.getKey();
                        FloatTensor a = p.kind() == TensorMatch.Kind.INPUT ? x : fv.get(p.floatTensor());
                        add(e.getValue(), a, qv.get(p.quantizedTensor()), p, o);
                    }
                    Map<String, FloatTensor> dv = file.run(x);
                    for (var e : deployed.entrySet()) {
                        add(e.getValue(), fv.get(e.getKey()), dv.get(e.getKey()),
                                new TensorMatch.Pair(e.getKey(), e.getKey(), TensorMatch.Kind.OUTPUT, false), o);
                    }
                    progress.accept(++done);
                }
            }
            List<TensorError> rows = new ArrayList<>();
            stats.forEach((p, s) -> rows.add(s.result(p)));
            rows.sort(TensorError.WORST_FIRST);
            List<TensorError> outs = new ArrayList<>();
            deployed.forEach((name, s) -> outs.add(s.result(
                    new TensorMatch.Pair(name, name, TensorMatch.Kind.OUTPUT, false))));
            int unmatched = f.tapped().size() - (int) kept.stream().filter(p -> p.kind() != TensorMatch.Kind.INPUT)
                    .count();
            return new Result(rows, outs, images, spec.name(), unmatched, (System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * A first pass over the images for the per-channel gains of the rescaled pairs ({@link ErrorStats.GainFit});
     * none (and no pass) when no pair is rescaled.
     */
    private static Map<TensorMatch.Pair, double[]> fitGains(OrtTaps f, OrtTaps q, List<TensorMatch.Pair> pairs,
            List<Path> images, Preprocessor pre, Options o) {
        Map<TensorMatch.Pair, ErrorStats.GainFit> fits = new LinkedHashMap<>();
        pairs.stream().filter(TensorMatch.Pair::rescaled).forEach(p -> fits.put(p, new ErrorStats.GainFit()));
        if (fits.isEmpty()) {
            return Map.of();
        }
        for (Path image : images) {
            FloatTensor x = pre.prepare(image).tensor();
            Map<String, FloatTensor> fv = f.run(x);
            Map<String, FloatTensor> qv = q.run(x);
            fits.forEach((p, fit) -> {
                FloatTensor a = fv.get(p.floatTensor());
                FloatTensor b = qv.get(p.quantizedTensor());
                requireSameSize(a, b, p, o);
                fit.add(a.data(), b.data(), a.shape());
            });
        }
        Map<TensorMatch.Pair, double[]> gains = new LinkedHashMap<>();
        fits.forEach((p, fit) -> gains.put(p, fit.gains()));
        return gains;
    }

    private static void add(ErrorStats s, FloatTensor f, FloatTensor q, TensorMatch.Pair p, Options o) {
        requireSameSize(f, q, p, o);
        s.add(f.data(), q.data(), f.shape());
    }

    private static void requireSameSize(FloatTensor f, FloatTensor q, TensorMatch.Pair p, Options o) {
        if (f == null || q == null) {
            throw new IllegalStateException("tensor " + p + " missing from a run");
        }
        if (f.data().length != q.data().length) {
            throw new UserError(ExitCode.MODEL_MISMATCH, o.quantizedModel() + " does not fit " + o.floatModel()
                    + ": tensor '" + p.floatTensor() + "' is " + Arrays.toString(f.shape()) + " in the float model and "
                    + Arrays.toString(q.shape()) + " ('" + p.quantizedTensor() + "') in the quantized one");
        }
    }

    /** The spec the quantized model's provenance names, when it is a built-in one. */
    static DetectorSpec recordedSpec(OnnxMl.ModelProto model, Path file) {
        for (OnnxMl.StringStringEntryProto e : model.getMetadataPropsList()) {
            String v = e.getValue().trim().toLowerCase(Locale.ROOT);
            if (e.getKey().equals(SPEC_METADATA_KEY) && DetectorSpecs.builtInNames().contains(v)) {
                return DetectorSpecs.builtIn(v);
            }
        }
        throw new UserError(ExitCode.USAGE, "--spec is needed: " + file + " does not name a built-in spec in its "
                + "metadata (" + SPEC_METADATA_KEY + "); give yolox, picodet, fastestdet or a spec file");
    }

    /** Same input names and sizes (batch and dynamic sizes aside), same output names. */
    private static void requireSameInterface(OrtTaps f, OrtTaps q, Options o) {
        String problem = null;
        if (!f.inputs().keySet().equals(q.inputs().keySet())) {
            problem = "inputs " + f.inputs().keySet() + " vs " + q.inputs().keySet();
        } else {
            for (var e : f.inputs().entrySet()) {
                if (!sameSize(e.getValue(), q.inputs().get(e.getKey()))) {
                    problem = "input '" + e.getKey() + "' is " + Arrays.toString(e.getValue()) + " vs "
                            + Arrays.toString(q.inputs().get(e.getKey()));
                }
            }
        }
        if (problem == null && !f.outputs().equals(q.outputs())) {
            problem = "outputs " + f.outputs() + " vs " + q.outputs();
        }
        if (problem != null) {
            throw new UserError(ExitCode.MODEL_MISMATCH, "--quantized " + o.quantizedModel()
                    + " is not a quantization of --float " + o.floatModel() + ": " + problem);
        }
    }

    private static boolean sameSize(long[] a, long[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 1; i < a.length; i++) {
            if (a[i] > 0 && b[i] > 0 && a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    private static List<String> nodeOutputs(OnnxMl.ModelProto model) {
        return model.getGraph().getNodeList().stream().flatMap(n -> n.getOutputList().stream())
                .filter(s -> !s.isEmpty()).distinct().toList();
    }
}
