package dev.inlierq.cli;

import dev.inlierq.api.Method;
import dev.inlierq.api.OutputGuard;
import dev.inlierq.api.QualityWarning;
import dev.inlierq.api.Quantization;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.plan.Placement;
import dev.inlierq.plan.PlanOptions;
import dev.inlierq.plan.QuantPlan;
import dev.inlierq.report.JsonFiles;
import dev.inlierq.runtime.OrtFusion;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code inlierq quantize}: post-training quantization of a float ONNX detector to a QDQ ONNX model. Its options are
 * in one mixin per {@link Stage} (the input and output ones here), which {@code --help} lists under their headings.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize a float ONNX detector (label-free calibration) and write a QDQ ONNX model.")
@Stage.Of(Stage.INPUT_OUTPUT)
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "Float ONNX model.")
    Path model;

    @Option(names = "--spec", required = true, description = "Built-in spec (yolox, picodet, fastestdet) or a spec file.")
    String detectorSpec;

    @Option(names = "--calib", description = "Folder of calibration images (labels are never read).")
    Path calib;

    @Option(names = "--dry-run", description = "Print the quantization plan and stop.")
    boolean dryRun;

    @Option(names = "--out", description = "Output QDQ ONNX file.")
    Path out;

    @Option(names = "--json", description = "Write a JSON summary (per-tensor encodings, clipping, SQNR, timing).")
    Path json;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for every random choice. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Mixin
    MethodOptions recipe = new MethodOptions();
    @Mixin
    CalibrationOptions calibration = new CalibrationOptions();
    @Mixin
    PlacementOptions placement = new PlacementOptions();
    @Mixin
    EqualisationOptions equalisation = new EqualisationOptions();
    @Mixin
    GptqOptions gptq = new GptqOptions();
    @Mixin
    ReconstructionCliOptions reconstruction = new ReconstructionCliOptions();
    @Mixin
    InlierOptions inlierOptions = new InlierOptions();
    @Mixin
    MixedPrecisionOptions mixedPrecision = new MixedPrecisionOptions();
    @Mixin
    VerificationOptions verification = new VerificationOptions();
    @Mixin
    ReportOptions report = new ReportOptions();

    @Override
    public Integer call() {
        Cli.checkBits("--w-bits", recipe.wBits);
        Cli.checkBits("--a-bits", recipe.aBits);
        Cli.atLeast("--num-calib", calibration.numCalib, 1);
        Cli.atLeast("--batch", calibration.batch, 1);
        Cli.atLeast("--threads", threads, 1);
        Cli.atLeast("--check-images", verification.checkImages, 0);
        Cli.atLeast("--stats-images", verification.statsImages, 0);
        Cli.atLeast("--topk", inlierOptions.topK, 1);
        Method m = recipe.chosen();
        PlanOptions planOptions = placement.planOptions(recipe.wBits, recipe.aBits, m.placement(), spec.commandLine());
        Cli.modelFile("--model", model);
        if (dryRun) {
            QuantPlan plan = Quantization.plan(model, DetectorSpecs.resolve(detectorSpec), planOptions);
            spec.commandLine().getOut().print(plan.table());
            return 0;
        }
        if (calib == null || out == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--calib and --out are required (unless --dry-run)");
        }
        OutputGuard.checkFile("--out", out, model, calib);
        OutputGuard.checkFile("--json", json, model, calib, out);
        OutputGuard.checkFolder("--saliency-dir", inlierOptions.saliencyDir, model, calib, out);
        report.check(model, calib, out, json);
        DetectorSpec ds = DetectorSpecs.resolve(detectorSpec);
        QuantizationConfig base;
        try {
            base = config(m, ds, planOptions);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        long t0 = System.nanoTime();
        QuantizationConfig config = mixedPrecision.apply(base);
        Quantization.Result r;
        try (QuantizeProgress progress = QuantizeProgress.open(calibration.numCalib, config.reconstruction() == null ? 0
                : config.reconstruction().iterations(), spec.commandLine().getErr())) {
            r = Quantization.run(config, mixedPrecision.prepared(), out, progress);
        }
        // the whole job: mixed precision's scoring runs before Quantization.run starts its own clock
        double seconds = (System.nanoTime() - t0) / 1e9;
        var w = spec.commandLine().getOut();
        int calibrated = r.calibration().files().size();
        if (calibrated < calibration.numCalib) {
            spec.commandLine().getErr().printf("note: --num-calib %d, but %s holds only %d images: calibrated on all %d%n",
                    calibration.numCalib, calib, calibrated, calibrated);
        }
        w.printf("wrote %s: %d layers, %d activation quantizers, W%dA%d %s, %d calibration images, %.1f s, peak RSS %d MB%n",
                out, r.plan().layers().size(), r.plan().activations().size(), recipe.wBits, recipe.aBits, m.cliName(),
                r.calibration().files().size(), seconds, r.peakRssBytes() >> 20);
        mixedPrecision.print(w);
        r.agreement().simVsOrtSqnrDb().forEach((k, v) -> w.printf(
                "model output '%s': simulation vs ONNX Runtime SQNR %.1f dB (max rel. error %.2e); float vs simulation %.1f dB%n",
                k, v, r.agreement().simVsOrtMaxRelError().get(k), r.agreement().floatVsSimSqnrDb().get(k)));
        OrtFusion fusion = OrtFusion.of(out);
        w.println("ONNX Runtime runs it with " + fusion.summary());
        int floatLayers = fusion.floatLayers().values().stream().mapToInt(Integer::intValue).sum();
        if (config.plan().placement() == Placement.LAYER_INPUTS && floatLayers > r.plan().lastLayers().size()) {
            w.printf("note: with --placement inputs the outputs of layers followed by an activation stay float, so "
                    + "ONNX Runtime runs %d layers in float, dequantizing their weights at every run: expect this "
                    + "file to run slower than the float model; --placement all fuses them (README, \"Latency\")%n",
                    floatLayers);
        }
        QualityWarning.of(r).ifPresent(q -> QuantizeWarning.print(spec.commandLine().getErr(), q, new QuantizeWarning.Run(
                model, detectorSpec, calib, out, m, config.plan().placement())));
        if (json != null) {
            Map<String, Object> s = summary(r, m);
            s.put("seconds", seconds);
            s.put("ort_integer_kernels", fusion.integerKernels());
            s.put("ort_float_layers", fusion.floatLayers());
            mixedPrecision.addTo(s);
            JsonFiles.write(json, s);
        }
        report.write(r, config, out, mixedPrecision.sensitivity(), w);
        return 0;
    }

    /** The run's settings: the options given, the method's defaults for the others ({@link QuantizationConfig}). */
    private QuantizationConfig config(Method m, DetectorSpec ds, PlanOptions planOptions) {
        CommandLine cl = spec.commandLine();
        QuantizationConfig.Builder b = QuantizationConfig.builder(model, ds, calib).method(m).plan(planOptions)
                .weights(placement.weightOptions()).seed(seed).threads(threads)
                .reconstruction(reconstruction.options(m, recipe.method != null, recipe.wBits, recipe.aBits, seed, cl));
        calibration.apply(b);
        equalisation.apply(b, recipe.method == null ? Method.defaultRecipe(recipe.wBits, seed) : null);
        verification.apply(b);
        reconstruction.apply(b);
        inlierOptions.apply(b, m, cl);
        report.apply(b, m, inlierOptions.saliencyDir != null);
        gptq.apply(b);
        return b.build();
    }

    private Map<String, Object> summary(Quantization.Result r, Method m) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model", model.toString());
        s.put("out", out.toString());
        s.put("method", m.cliName());
        s.put("w_bits", recipe.wBits);
        s.put("a_bits", recipe.aBits);
        s.put("seed", seed);
        s.putAll(QuantizeSummary.of(r));
        return s;
    }
}
