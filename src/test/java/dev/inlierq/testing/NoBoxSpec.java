package dev.inlierq.testing;

import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A detector spec whose head family ({@code anchor_yolo}, one level) has no group of box values per heatmap
 * location: for the usage errors of the box term and the boxes measure.
 */
public final class NoBoxSpec {
    /** The spec as YAML. */
    public static final String YAML = """
            input: {name: images, width: 64, height: 64, channelOrder: RGB, resize: STRETCH}
            head:
              family: anchor_yolo
              levels:
                - {output: p3, stride: 8, anchors: [10, 13]}
            classes: [1, 2]
            """;

    private NoBoxSpec() {
    }

    /** The parsed spec. */
    public static DetectorSpec spec() {
        return DetectorSpecs.parse(YAML, DetectorSpecs.Format.YAML, "v5.yaml", "v5");
    }

    /** The spec written to {@code dir/anchors.yaml}. */
    public static Path file(Path dir) throws IOException {
        return Files.writeString(dir.resolve("anchors.yaml"), YAML);
    }
}
