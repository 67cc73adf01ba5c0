package dev.inlierq.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only shared folder (models and COCO images) for tests: {@code INLIERQ_SHARED}
 * (environment or system property {@code inlierq.shared}), else {@code ../shared}. Tests that need
 * it call {@link #require()}, which skips the test with a visible reason when the folder is absent (fails it under
 * {@code CI=true}).
 */
public final class Shared {
    private Shared() {
    }

    public static Path root() {
        String p = System.getProperty("inlierq.shared");
        if (p == null || p.isBlank()) {
            p = System.getenv("INLIERQ_SHARED");
        }
        if (p == null || p.isBlank()) {
            p = "../shared";
        }
        return Path.of(p).toAbsolutePath().normalize();
    }

    public static boolean available() {
        return Files.isDirectory(root().resolve("models")) && Files.isDirectory(root().resolve("data"));
    }

    /**
     * Skips the calling test (with the reason printed by Surefire) when the shared folder is absent; under
     * {@code CI=true} fails it instead, as {@code .ci/run} does.
     */
    public static Path require() {
        if (!available() && "true".equals(System.getenv("CI"))) {
            fail("CI: shared folder not found at " + root() + " (models/ and data/ are required); set INLIERQ_SHARED");
        }
        assumeTrue(available(), "skipped: shared folder not found at " + root()
                + " (set INLIERQ_SHARED to the folder holding models/ and data/)");
        return root();
    }

    public static Path model(String name) {
        return switch (name) {
            case "yolox" -> require().resolve("models/yolox-nano/yolox_nano.onnx");
            case "picodet" -> require().resolve("models/picodet-xs/picodet_xs_320_lcnet_nonms.onnx");
            case "fastestdet" -> require().resolve("models/fastestdet/FastestDet.onnx");
            default -> throw new IllegalArgumentException(name);
        };
    }

    public static Path valImages() {
        return require().resolve("data/coco-subset/val2017");
    }

    public static Path valAnnotations() {
        return require().resolve("data/coco-subset/annotations/instances_val2017_subset.json");
    }

    public static Path trainImages() {
        return require().resolve("data/coco-subset/train2017");
    }
}
