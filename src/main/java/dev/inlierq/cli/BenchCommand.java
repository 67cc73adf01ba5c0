package dev.inlierq.cli;

import dev.inlierq.api.Benchmark;
import dev.inlierq.api.EngineKind;
import dev.inlierq.api.OutputGuard;
import dev.inlierq.report.JsonFiles;
import dev.inlierq.tensor.ModelRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code inlierq bench}: median latency and throughput of a model on ONNX Runtime and/or the DJL engine. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure latency (median per batch) and images/s of a model.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "ONNX model file.")
    Path model;

    @Option(names = "--engine", split = ",", description = "ort, djl or both (comma-separated). Default: ${DEFAULT-VALUE}.",
            defaultValue = "ort,djl", converter = Cli.EngineConverter.class)
    List<EngineKind> engines;

    @Option(names = "--batch", split = ",", defaultValue = "1", description = "Batch size(s), comma-separated. Default: ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed runs first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--iterations", defaultValue = "30", description = "Timed runs. Default: ${DEFAULT-VALUE}.")
    int iterations;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random input. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--float-model", description = "Also benchmark this float model (e.g. the source of a QDQ model), side by side.")
    Path floatModel;

    @Option(names = "--fused", description = "Print the op types ONNX Runtime executes after optimisation (fused QDQ kernels).")
    boolean fused;

    @Option(names = "--profile", description = "Print the time per operator type: the DJL engine's own count, "
            + "or ONNX Runtime's profiler (per fused op type; it slows the timed runs).")
    boolean profile;

    @Option(names = "--json", description = "Write results as JSON (one object, or an array for several runs).")
    Path json;

    @Override
    public Integer call() {
        Cli.atLeast("--threads", threads, 1);
        Cli.atLeast("--iterations", iterations, 1);
        Cli.atLeast("--warmup", warmup, 0);
        batches.forEach(b -> Cli.atLeast("--batch", b, 1));
        Cli.modelFile("--model", model);
        Cli.modelFile("--float-model", floatModel);
        OutputGuard.checkFile("--json", json, model, floatModel);
        List<Map<String, Object>> rows = new ArrayList<>();
        var out = spec.commandLine().getOut();
        out.printf("%-6s %6s %8s %12s %12s  %s%n", "engine", "batch", "threads", "latency_ms", "images_per_s", "model");
        List<Path> models = floatModel == null ? List.of(model) : List.of(floatModel, model);
        for (Path m : models) {
          for (EngineKind kind : engines) {
            try (ModelRunner runner = kind.open(m, threads, profile)) {
                Map<String, Integer> ops = runner instanceof dev.inlierq.runtime.OrtRunner o && (fused || json != null)
                        ? o.optimizedOpCounts() : Map.of();
                if (fused && !ops.isEmpty()) {
                    out.println(m.getFileName() + " after ONNX Runtime optimisation: " + ops);
                }
                for (int b : batches) {
                    Benchmark.Result r = Benchmark.run(m.getFileName().toString(), runner, b, threads, warmup,
                            iterations, seed);
                    out.printf("%-6s %6d %8d %12.2f %12.1f  %s%n", r.engine(), r.batch(), r.threads(), r.latencyMs(),
                            r.imagesPerS(), r.model());
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("model", r.model());
                    row.put("engine", r.engine());
                    row.put("batch", r.batch());
                    row.put("threads", r.threads());
                    row.put("latency_ms", r.latencyMs());
                    row.put("images_per_s", r.imagesPerS());
                    row.put("latency_p10_ms", r.p10Ms());
                    row.put("latency_p90_ms", r.p90Ms());
                    row.put("iterations", r.iterations());
                    if (!r.opProfile().isEmpty()) {
                        Map<String, Object> perOp = new LinkedHashMap<>();
                        r.opProfile().forEach((k, v) -> perOp.put(k, callsAndMs(v)));
                        row.put("op_profile_ms_per_run", perOp);
                        if (profile) {
                            r.opProfile().forEach((k, v) -> out.printf("    %-20s %5.0f calls %9.2f ms/run%n", k, v[0], v[1]));
                        }
                    }
                    if (!ops.isEmpty()) {
                        row.put("optimized_op_types", ops);
                    }
                    rows.add(row);
                }
            }
          }
        }
        if (json != null) {
            JsonFiles.write(json, rows.size() == 1 ? rows.get(0) : rows);
        }
        return 0;
    }

    /** One op type's profile entry, keys in a fixed order (so the JSON is the same bytes run after run). */
    private static Map<String, Object> callsAndMs(double[] v) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("calls", v[0]);
        e.put("ms", v[1]);
        return e;
    }
}
