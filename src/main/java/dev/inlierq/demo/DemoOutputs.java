package dev.inlierq.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.api.OutputGuard;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.report.JsonFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's output folder ({@code --out}) and the rule that keeps it from overwriting a user's file.
 *
 * <p>The demo writes a fixed set of names (the quantized files and reports) and a manifest,
 * {@value #MANIFEST}, that records the SHA-256 of every file it wrote. A name may be written when no file has it,
 * or when the manifest lists the file there with its current content: a file the demo wrote and nobody changed
 * since. Anything else (a file of that name the demo did not write, or one edited since; a manifest that is not
 * the demo's) stops the run before any work with {@link ExitCode#OUTPUT_CONFLICT}, naming the file. Other files in
 * the folder are never touched, so any folder is safe to give, and the demo's own folder is refreshed run after
 * run. Each file is written atomically and entered in the manifest as soon as it is written, so a run stopped
 * half-way still leaves a folder the next run may refresh.
 */
final class DemoOutputs {
    /** The manifest's file name. */
    static final String MANIFEST = "inlierq-demo.json";
    private static final String GENERATOR = "inlierq demo";
    private static final ObjectMapper MAPPER = JsonFiles.mapper();

    private final Path dir;
    private final Map<String, String> recorded;

    private DemoOutputs(Path dir, Map<String, String> recorded) {
        this.dir = dir;
        this.recorded = recorded;
    }

    /**
     * Checks before any work that every name in {@code names} may be written into {@code dir} (see the class
     * comment) and that none is an input.
     *
     * @throws UserError {@link ExitCode#OUTPUT_CONFLICT} naming the first file that may not be written
     */
    static DemoOutputs open(Path dir, List<String> names, Path... inputs) {
        OutputGuard.checkFolder("--out", dir, inputs);
        Map<String, String> recorded = readManifest(dir);
        for (String name : names) {
            Path file = dir.resolve(name);
            OutputGuard.checkFile("--out", file, inputs);
            if (Files.exists(file) && !unchanged(file, recorded.get(name))) {
                throw new UserError(ExitCode.OUTPUT_CONFLICT, "refusing to overwrite " + file + ": the demo did not "
                        + "write it (or it changed since); give --out a new or empty folder, or move the file away");
            }
        }
        return new DemoOutputs(dir, recorded);
    }

    /** The path of output {@code name}. */
    Path file(String name) {
        return dir.resolve(name);
    }

    /** Enters the file just written as {@code name} in the manifest (rewritten atomically). */
    void written(String name) {
        recorded.put(name, BundledModel.sha256(file(name)));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("generator", GENERATOR);
        Map<String, Object> files = new LinkedHashMap<>();
        recorded.forEach((n, sha) -> files.put(n, Map.of("sha256", sha)));
        root.put("files", files);
        JsonFiles.write(dir.resolve(MANIFEST), root);
    }

    private static boolean unchanged(Path file, String sha) {
        return sha != null && Files.isRegularFile(file) && sha.equals(BundledModel.sha256(file));
    }

    /** The manifest's name-to-SHA-256 entries; empty without one; a manifest that is not the demo's is refused. */
    private static Map<String, String> readManifest(Path dir) {
        Path file = dir.resolve(MANIFEST);
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !GENERATOR.equals(root.path("generator").asText())) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "refusing to overwrite " + file + ": it is not a manifest "
                    + "of the demo; give --out a new or empty folder");
        }
        for (Map.Entry<String, JsonNode> e : root.path("files").properties()) {
            String sha = e.getValue().path("sha256").asText("");
            if (!sha.isEmpty() && !e.getKey().contains("/") && !e.getKey().contains("\\")) {
                out.put(e.getKey(), sha);
            }
        }
        return out;
    }
}
