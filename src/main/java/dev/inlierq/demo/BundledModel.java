package dev.inlierq.demo;

import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.report.OutputFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * The demo detector shipped with the tool as two classpath resources: the float ONNX model and its detector spec
 * (docs/spec-format.md). ONNX Runtime reads models from files, so {@link #load} copies the model into the cache
 * folder, under a folder named by its SHA-256 ({@code CACHE/model-<12 hex digits>/synthdet.onnx}), once; later
 * runs find it there. Two are shipped: {@link #DEFAULT} (camera images) and {@link #LIDAR} (BEV maps). The spec
 * is parsed from the resource directly.
 *
 * @param onnxResource the model's resource name ({@code demo/synthdet.onnx})
 * @param specResource the spec's resource name ({@code demo/synthdet.yaml}; {@code .json} is read as JSON)
 * @param loader       the class loader that holds them
 */
public record BundledModel(String onnxResource, String specResource, ClassLoader loader) {
    /** The detector trained by the project on the synthetic benchmark, in the tool's own jar. */
    public static final BundledModel DEFAULT = new BundledModel("demo/synthdet.onnx", "demo/synthdet.yaml",
            toolLoader());
    /**
     * The bird's-eye-view detector trained by the project on the synthetic LiDAR benchmark
     * ({@code train --data lidar}), in the tool's own jar.
     */
    public static final BundledModel LIDAR = new BundledModel("demo/bevdet.onnx", "demo/bevdet.yaml", toolLoader());

    public BundledModel {
        Objects.requireNonNull(onnxResource, "onnxResource");
        Objects.requireNonNull(specResource, "specResource");
        Objects.requireNonNull(loader, "loader");
    }

    /** The model ready to run: its file, its spec, and how the demo names it. */
    public record Loaded(Path onnx, DetectorSpec spec, String name) {
    }

    /**
     * Checks that both resources are on the class path, without reading them.
     *
     * @throws UserError {@link ExitCode#MISSING_RESOURCE} naming the first one missing
     */
    public void check() {
        for (String r : new String[] {onnxResource, specResource}) {
            if (loader.getResource(r) == null) {
                throw missing(r);
            }
        }
    }

    /**
     * Copies the model into {@code cache} (unless an identical copy is there) and parses the spec.
     *
     * @throws UserError {@link ExitCode#MISSING_RESOURCE} when a resource is not on the classpath,
     *                   {@link ExitCode#BAD_SPEC} when the spec is invalid
     */
    public Loaded load(Path cache) {
        byte[] onnx = read(onnxResource);
        String specText = new String(read(specResource), StandardCharsets.UTF_8);
        String fileName = onnxResource.substring(onnxResource.lastIndexOf('/') + 1);
        String stem = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
        boolean json = specResource.toLowerCase(Locale.ROOT).endsWith(".json");
        DetectorSpec spec = DetectorSpecs.parse(specText, json ? DetectorSpecs.Format.JSON : DetectorSpecs.Format.YAML,
                "bundled " + specResource, stem);
        Path file = cache.resolve("model-" + sha256(onnx).substring(0, 12)).resolve(fileName);
        if (!sameContent(file, onnx)) {
            OutputFile.write(file, onnx);
        }
        return new Loaded(file, spec, stem);
    }

    private byte[] read(String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw missing(resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UserError(ExitCode.MISSING_RESOURCE, "cannot read the bundled resource " + resource + ": "
                    + OutputFile.reason(e), e);
        }
    }

    private static UserError missing(String resource) {
        return new UserError(ExitCode.MISSING_RESOURCE, "the demo model is not in this build: resource " + resource
                + " is missing from the class path (run the demo on your own model trained on the synthetic "
                + "benchmark with --model M --spec S)");
    }

    private static ClassLoader toolLoader() {
        ClassLoader l = BundledModel.class.getClassLoader();
        return l != null ? l : ClassLoader.getSystemClassLoader();
    }

    private static boolean sameContent(Path file, byte[] bytes) {
        try {
            return Files.isRegularFile(file) && Files.size(file) == bytes.length
                    && sha256(Files.readAllBytes(file)).equals(sha256(bytes));
        } catch (IOException e) {
            return false;
        }
    }

    /** The SHA-256 of {@code bytes} in lower-case hex. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of a file's content. */
    static String sha256(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
