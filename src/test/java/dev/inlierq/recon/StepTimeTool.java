package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.FakeQuant;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.graph.ConstTensor;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.quant.Encoding;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.inlierq.report.JsonFiles;
import dev.inlierq.tensor.FloatTensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Times reconstruction steps of a shared model's units on whole feature maps and on windows (issue 12, "cheaper
 * steps"), in alternation within one JVM so both see the same machine load: warm-up steps of each, then
 * {@code --steps} of each, full and windowed one after the other. Prints per unit the milliseconds per step
 * of both, their ratio, and where the time goes (data, weights, forward, loss, backward, optimizer:
 * {@link StepProfile}), and appends one JSON line per unit to {@code --out} with the commit and CPU.
 *
 * <p>The unit is set up as BRECQ sets it up (W4A8, quantizers on layer inputs, blocks of four layers, a
 * per-element weighted loss of the Fisher's shape), with two differences that change no step's cost: the
 * quantized network's inputs are the float ones through their input quantizers, and the loss weights are
 * random positive numbers rather than the Fisher's.
 *
 * <pre>
 * bench/steptime.sh --model yolox --units first --window 32 --out bench/measured/steptime.jsonl
 * </pre>
 * Options: {@code --model} yolox | picodet | fastestdet; {@code --units} comma-separated indices, {@code first}
 * (units whose finest input is at most 4 times smaller than the image, the default) or {@code all};
 * {@code --window} (32), {@code --batch} (8), {@code --window-batch} (the batch), {@code --images} (32),
 * {@code --steps} (10), {@code --warmup} (3), {@code --drop} (0; QDrop: 0.5), {@code --threads} (2),
 * {@code --shared} (../shared), {@code --out} (no file), {@code --commit} and {@code --cpu} (found otherwise).
 */
public final class StepTimeTool {
    private StepTimeTool() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = parse(args);
        String model = a.getOrDefault("model", "yolox");
        Path shared = Path.of(a.getOrDefault("shared", "../shared"));
        Map<String, String> files = Map.of("yolox", "yolox-nano/yolox_nano.onnx",
                "picodet", "picodet-xs/picodet_xs_320_lcnet_nonms.onnx", "fastestdet", "fastestdet/FastestDet.onnx");
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        DjlRuntime.setThreads(threads);
        RealUnits r = RealUnits.load(model, shared.resolve("models").resolve(files.get(model)),
                shared.resolve("data/coco-subset/train2017"), Integer.parseInt(a.getOrDefault("images", "32")));
        int steps = Integer.parseInt(a.getOrDefault("steps", "10"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "3"));
        ReconstructionOptions.Builder ob = ReconstructionOptions.builder(Units.Kind.BLOCK)
                .batch(Integer.parseInt(a.getOrDefault("batch", "8")))
                .window(Integer.parseInt(a.getOrDefault("window", "32")))
                .dropProb(Float.parseFloat(a.getOrDefault("drop", "0"))).iterations(steps + warmup);
        if (a.containsKey("window-batch")) {
            ob.windowBatch(Integer.parseInt(a.get("window-batch")));
        }
        ReconstructionOptions o = ob.build();
        Map<String, Encoding> enc = r.encodings();
        String commit = a.containsKey("commit") ? a.get("commit") : command("git", "rev-parse", "--short", "HEAD");
        String cpu = a.containsKey("cpu") ? a.get("cpu") : cpu();
        for (Units.Unit u : select(r, a.getOrDefault("units", "first"))) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", model);
            row.put("unit", u.index());
            row.put("name", u.name());
            row.put("layers", u.layers().size());
            row.put("input_shapes", u.inputs().stream().map(v -> r.g.shape(v)).toList());
            row.put("output_shapes", u.outputs().stream().map(v -> r.g.shape(v)).toList());
            row.put("batch", o.batch());
            row.put("window", o.window());
            row.put("window_batch", o.windowBatch());
            row.put("drop_prob", o.dropProb());
            row.put("images", r.samples.shape()[0]);
            row.put("steps", steps);
            row.put("warmup", warmup);
            row.putAll(time(r, u, enc, o, steps, warmup));
            row.put("threads", threads);
            row.put("commit", commit);
            row.put("cpu", cpu);
            System.out.println(summary(row));
            if (a.containsKey("out")) {
                String line = JsonFiles.mapper().writer().without(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(row);
                Files.writeString(Path.of(a.get("out")), line + "\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + List.of(args));
            }
            a.put(args[i].substring(2), args[++i]);
        }
        return a;
    }

    /** The units to time: indices, "all", or "first" (finest input at most 4 times smaller than the image). */
    private static List<Units.Unit> select(RealUnits r, String spec) {
        if (spec.equals("all")) {
            return r.units;
        }
        if (spec.equals("first")) {
            long image = r.samples.shape()[2];
            return r.units.stream().filter(u -> u.inputs().stream().mapToLong(v -> r.g.shape(v)[2]).max()
                    .orElse(0) * 4 >= image).toList();
        }
        List<Units.Unit> out = new ArrayList<>();
        for (String s : spec.split(",")) {
            out.add(r.units.get(Integer.parseInt(s.trim())));
        }
        return out;
    }

    /** Steps of one unit, alternating full maps and windows; the row's timing fields. */
    private static Map<String, Object> time(RealUnits r, Units.Unit u, Map<String, Encoding> enc,
            ReconstructionOptions o, int steps, int warmup) {
        Set<String> names = new LinkedHashSet<>(u.inputs());
        names.addAll(u.outputs());
        Map<String, FloatTensor> values = r.values(names);
        Map<String, Object> row = new LinkedHashMap<>();
        try (NDManager store = DjlRuntime.newManager();
                GraphExecutor exec = new GraphExecutor(Units.subgraph(r.g, u));
                NDManager scope = store.newSubManager()) {
            Map<String, NDArray> fp = new HashMap<>();
            Map<String, NDArray> q = new HashMap<>();
            values.forEach((k, v) -> fp.put(k, DjlRuntime.create(store, v.data(), new Shape(v.shape()))));
            for (String v : u.inputs()) {
                q.put(v, enc.containsKey(v) ? FakeQuant.fakeQuant(fp.get(v), enc.get(v)) : fp.get(v));
            }
            Map<String, NDArray> targets = new HashMap<>();
            Map<String, NDArray> weights = new HashMap<>();
            for (String v : u.outputs()) {
                targets.put(v, fp.get(v));
                NDArray w = store.randomUniform(1f, 2f, fp.get(v).getShape());
                weights.put(v, w);
            }
            int n = (int) r.samples.shape()[0];
            UnitState st = state(r, u, exec, scope, enc, o);
            Windows.Choice choice = Windows.choose(r.g, u, o);
            row.put("windowed", choice.description());
            try (ReconstructionLoss loss = ReconstructionLoss.weighted("fisher-shaped", weights);
                    Windows win = choice.windows()) {
                UnitOptimiser full = new UnitOptimiser(st, q, fp, targets, loss, o, n, null);
                UnitOptimiser windowed = win == null ? null : new UnitOptimiser(st, q, fp, targets, loss, o, n, win);
                StepProfile pf = new StepProfile();
                StepProfile pw = new StepProfile();
                full.profile(pf);
                if (windowed != null) {
                    windowed.profile(pw);
                }
                for (int it = 0; it < warmup + steps; it++) {
                    if (it == warmup) {
                        pf.reset();
                        pw.reset();
                    }
                    full.step(it);
                    if (windowed != null) {
                        windowed.step(it);
                    }
                }
                row.put("full_ms", pf.totalMs());
                row.put("window_ms", windowed == null ? null : pw.totalMs());
                row.put("ratio", windowed == null ? null : pf.totalMs() / pw.totalMs());
                row.put("full_breakdown_ms", pf.breakdown());
                row.put("window_breakdown_ms", windowed == null ? null : pw.breakdown());
            }
        }
        return row;
    }

    /** The unit's learnable state as {@link Reconstruction#run} builds it for the unit reconstructed first. */
    private static UnitState state(RealUnits r, Units.Unit u, GraphExecutor exec, NDManager scope,
            Map<String, Encoding> enc, ReconstructionOptions o) {
        Map<String, String> groupOf = new HashMap<>();
        r.plan.activationGroups().forEach((group, points) -> points.forEach(p -> groupOf.put(p.tensor(), group)));
        Map<String, QuantPoint> weightOfLayer = new HashMap<>();
        for (String layer : r.plan.layers()) {
            QuantPoint p = r.plan.weightOf(layer);
            if (p != null) {
                weightOfLayer.put(layer, p);
            }
        }
        Set<String> learned = new HashSet<>();
        for (String v : u.inputs()) {
            if (groupOf.containsKey(v)) {
                learned.add(groupOf.get(v));
            }
        }
        return new UnitState(u, exec, scope, new LinkedHashMap<>(enc), weightOfLayer, groupOf, learned,
                new HashMap<String, ConstTensor>(), StartingRounding.Start.NEAREST, o);
    }

    @SuppressWarnings("unchecked")
    private static String summary(Map<String, Object> row) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s unit %d (%s): full %.1f ms/step",
                row.get("model"), (Integer) row.get("unit"), row.get("name"), (Double) row.get("full_ms")));
        if (row.get("window_ms") != null) {
            s.append(String.format(Locale.ROOT, ", windowed %.1f ms/step, %.1fx cheaper", (Double) row.get("window_ms"),
                    (Double) row.get("ratio")));
        }
        s.append("\n  ").append(row.get("windowed") == null ? "no window" : row.get("windowed"));
        s.append("\n  full:     ").append(phases((Map<String, Double>) row.get("full_breakdown_ms")));
        if (row.get("window_breakdown_ms") != null) {
            s.append("\n  windowed: ").append(phases((Map<String, Double>) row.get("window_breakdown_ms")));
        }
        return s.toString();
    }

    private static String phases(Map<String, Double> m) {
        StringBuilder s = new StringBuilder();
        m.forEach((k, v) -> s.append(String.format(Locale.ROOT, "%s %.1f  ", k, v)));
        return s.toString().trim();
    }

    private static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The CPU's model name, as bench/calibrators.sh writes it. */
    private static String cpu() throws IOException {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.exists(info)) {
            return System.getProperty("os.arch");
        }
        List<String> lines = Files.readAllLines(info);
        String name = lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        boolean vnni = lines.stream().anyMatch(l -> l.startsWith("flags") && l.contains("avx512_vnni"));
        return name + (vnni ? " (AVX-512 VNNI)" : "");
    }
}
