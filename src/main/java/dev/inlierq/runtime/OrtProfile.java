package dev.inlierq.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads ONNX Runtime's profiler trace (Chrome trace JSON: one "model_run" event per run, one
 * "&lt;node&gt;_kernel_time" event per node execution with the op type in {@code args.op_name}) and sums the
 * kernel time per op type, so that a fused QDQ model's cost can be set against the float model's op by op.
 */
final class OrtProfile {
    private OrtProfile() {
    }

    /**
     * Per op type {executions, nanoseconds} over the runs after the first {@code skipRuns} (the warm-up).
     */
    static Map<String, long[]> perOpType(Path trace, int skipRuns) throws IOException {
        JsonNode events = new ObjectMapper().readTree(trace.toFile());
        List<Long> runStarts = new ArrayList<>();
        for (JsonNode e : events) {
            if ("model_run".equals(e.path("name").asText())) {
                runStarts.add(e.path("ts").asLong());
            }
        }
        runStarts.sort(Long::compare);
        if (skipRuns >= runStarts.size()) {
            return Map.of();
        }
        long from = runStarts.get(skipRuns);
        Map<String, long[]> out = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String name = e.path("name").asText();
            if ("Node".equals(e.path("cat").asText()) && name.endsWith("_kernel_time") && e.path("ts").asLong() >= from) {
                long[] acc = out.computeIfAbsent(e.path("args").path("op_name").asText("?"), k -> new long[2]);
                acc[0]++;
                acc[1] += e.path("dur").asLong() * 1000; // microseconds in the trace
            }
        }
        return out;
    }
}
