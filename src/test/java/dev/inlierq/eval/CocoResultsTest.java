package dev.inlierq.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.detect.Box3d;
import dev.inlierq.detect.Detection;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoResultsTest {
    @TempDir
    Path dir;

    private static final List<Detection> DETS = List.of(
            new Detection(139, 1, 12.345678901234567, 0.1 + 0.2, 100, 1e-7, 0.987654321),
            new Detection(9_000_000_000L, 90, (double) 411.2f, 0, 3.0, 4.5, (double) 0.33333334f),
            new Detection(7, 3, -1.5, 2, 0, 0, 0));

    private static List<Path> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }

    @Test
    void roundTripsAtFullPrecision() throws IOException {
        Path f = dir.resolve("out/results.json");
        CocoResults.write(f, DETS);
        assertEquals(DETS, CocoResults.read(f));
        assertEquals(List.of(f), listing(f.getParent())); // no temporary file left behind
    }

    @Test
    void writesTheStandardLayout() throws IOException {
        Path f = dir.resolve("r.json");
        CocoResults.write(f, DETS.subList(0, 1));
        JsonNode root = new ObjectMapper().readTree(f.toFile());
        assertTrue(root.isArray());
        JsonNode e = root.get(0);
        assertEquals(List.of("image_id", "category_id", "bbox", "score"), List.copyOf(iterable(e.fieldNames())));
        assertEquals(139, e.get("image_id").longValue());
        assertEquals(1, e.get("category_id").intValue());
        assertEquals(4, e.get("bbox").size());
        assertEquals(0.30000000000000004, e.get("bbox").get(1).doubleValue(), 0.0);
        assertEquals(0.987654321, e.get("score").doubleValue(), 0.0);
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** A heading is written after the score and read back exactly; entries without one are written as before. */
    @Test
    void yawRoundTripsAndIsOptional() throws IOException {
        Path f = dir.resolve("yaw.json");
        List<Detection> dets = List.of(new Detection(3, 1, 1.5, 2, 3, 4, 0.5, -3.0415926),
                new Detection(3, 2, 1.5, 2, 3, 4, 0.25), new Detection(4, 1, 0, 0, 1, 1, 0.125, Math.PI));
        CocoResults.write(f, dets);
        assertEquals(dets, CocoResults.read(f));
        assertEquals("[{\"image_id\":3,\"category_id\":1,\"bbox\":[1.5,2.0,3.0,4.0],\"score\":0.5,"
                + "\"yaw\":-3.0415926},{\"image_id\":3,\"category_id\":2,\"bbox\":[1.5,2.0,3.0,4.0],"
                + "\"score\":0.25},{\"image_id\":4,\"category_id\":1,\"bbox\":[0.0,0.0,1.0,1.0],\"score\":0.125,"
                + "\"yaw\":3.141592653589793}]", Files.readString(f));
        Path g = Files.writeString(dir.resolve("r.json"), "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3,"
                + " 4], \"score\": 1, \"yaw\": 1}, {\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3, 4],"
                + " \"score\": 1, \"yaw\": null}, {\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3, 4],"
                + " \"score\": 1}]");
        List<Detection> read = CocoResults.read(g);
        assertEquals(1.0, read.get(0).yaw());
        assertFalse(read.get(1).hasYaw());
        assertFalse(read.get(2).hasYaw());
        assertTrue(Double.isNaN(read.get(2).yaw()));
    }

    /**
     * A 3D part is written as the LiDAR annotations hold it (rotated_bbox with the bbox centre and the yaw, z,
     * height) and read back exactly; each field is optional, null counts as absent, the rotated_bbox yaw serves when
     * there is no "yaw", and a negative size is refused.
     */
    @Test
    void box3dRoundTripsAndItsFieldsAreOptional() throws IOException {
        Path f = dir.resolve("3d.json");
        List<Detection> dets = List.of(new Detection(3, 1, 1.5, 2, 3, 4, 0.5, -3.0415926, new Box3d(17.5, 7.25,
                0.775, 1.55)), new Detection(3, 2, 1, 2, 3, 4, 0.25, Double.NaN, new Box3d(Double.NaN, Double.NaN,
                0.8, Double.NaN)), new Detection(3, 3, 1, 2, 3, 4, 0.125, 0.5));
        CocoResults.write(f, dets);
        assertEquals(dets, CocoResults.read(f));
        assertEquals("[{\"image_id\":3,\"category_id\":1,\"bbox\":[1.5,2.0,3.0,4.0],\"score\":0.5,"
                + "\"yaw\":-3.0415926,\"rotated_bbox\":[3.0,4.0,17.5,7.25,-3.0415926],\"z\":0.775,\"height\":1.55},"
                + "{\"image_id\":3,\"category_id\":2,\"bbox\":[1.0,2.0,3.0,4.0],\"score\":0.25,\"z\":0.8},"
                + "{\"image_id\":3,\"category_id\":3,\"bbox\":[1.0,2.0,3.0,4.0],\"score\":0.125,\"yaw\":0.5}]",
                Files.readString(f));
        String entry = "{\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3, 4], \"score\": 1";
        Path g = Files.writeString(dir.resolve("r.json"), "[" + entry + ", \"rotated_bbox\": [9, 9, 5, 2, 0.5]}, "
                + entry + ", \"yaw\": 1, \"rotated_bbox\": [9, 9, 5, 2, null], \"height\": 1.5}, "
                + entry + ", \"rotated_bbox\": null, \"z\": null, \"height\": null}]");
        List<Detection> read = CocoResults.read(g);
        assertEquals(new Detection(1, 2, 1, 2, 3, 4, 1, 0.5, new Box3d(5, 2, Double.NaN, Double.NaN)), read.get(0),
                "the rotated_bbox yaw is the heading; its centre is not read");
        assertEquals(new Detection(1, 2, 1, 2, 3, 4, 1, 1, new Box3d(5, 2, Double.NaN, 1.5)), read.get(1));
        assertEquals(new Detection(1, 2, 1, 2, 3, 4, 1), read.get(2));
        assertTrue(read.get(1).hasFootprint() && read.get(1).box3d().hasSize() && !read.get(1).box3d().hasZ());
        for (String bad : List.of(", \"rotated_bbox\": [9, 9, -5, 2, 0.5]", ", \"rotated_bbox\": [9, 9, 5, 2]",
                ", \"rotated_bbox\": [9, 9, 5, null, 0.5]", ", \"rotated_bbox\": 3", ", \"height\": -1",
                ", \"z\": \"up\"")) {
            Path h = Files.writeString(dir.resolve("bad.json"), "[" + entry + bad + "}]");
            UserError e = assertThrows(UserError.class, () -> CocoResults.read(h), bad);
            assertEquals(ExitCode.BAD_ANNOTATIONS, e.exitCode(), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> CocoResults.write(dir.resolve("inf.json"), List.of(
                new Detection(1, 1, 0, 0, 1, 1, 0.5, 0, new Box3d(Double.POSITIVE_INFINITY, 1, 0, 1)))));
        assertThrows(IllegalArgumentException.class, () -> new Box3d(1, Double.NaN, 0, 1), "half a footprint");
    }

    @Test
    void replacesAnExistingFileAndWritesEmptyArrays() throws IOException {
        Path f = dir.resolve("r.json");
        Files.writeString(f, "old content");
        CocoResults.write(f, List.of());
        assertEquals("[]", Files.readString(f));
        assertEquals(List.of(), CocoResults.read(f));
        assertEquals(List.of(f), listing(dir));
    }

    @Test
    void aFolderAsTargetIsAnOutputConflict() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        UserError e = assertThrows(UserError.class, () -> CocoResults.write(sub, DETS));
        assertEquals(ExitCode.OUTPUT_CONFLICT, e.exitCode());
        Path blocked = Files.writeString(dir.resolve("file"), "x");
        UserError e2 = assertThrows(UserError.class, () -> CocoResults.write(blocked.resolve("r.json"), DETS));
        assertEquals(ExitCode.OUTPUT_CONFLICT, e2.exitCode());
    }

    @Test
    void refusesNonFiniteValues() {
        assertThrows(IllegalArgumentException.class, () -> CocoResults.write(dir.resolve("r.json"),
                List.of(new Detection(1, 1, 0, 0, 1, 1, Double.NaN))));
        for (double yaw : new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> CocoResults.write(dir.resolve("r.json"),
                    List.of(new Detection(1, 1, 0, 0, 1, 1, 0.5, yaw))));
        }
        assertEquals(List.of(), assertDoesNotExist(dir.resolve("r.json")));
    }

    private static List<Path> assertDoesNotExist(Path p) {
        return Files.exists(p) ? List.of(p) : List.of();
    }

    @Test
    void readsExtraFieldsAndIntegerNumbers() throws IOException {
        Path f = Files.writeString(dir.resolve("r.json"), "[{\"image_id\": 1, \"category_id\": 2,"
                + " \"bbox\": [1, 2, 3, 4], \"score\": 1, \"segmentation\": [[1, 2]], \"area\": 12}]");
        assertEquals(List.of(new Detection(1, 2, 1, 2, 3, 4, 1)), CocoResults.read(f));
    }

    @Test
    void readErrorsAreUserErrors() throws IOException {
        UserError missing = assertThrows(UserError.class, () -> CocoResults.read(dir.resolve("none.json")));
        assertEquals(ExitCode.MISSING_INPUT, missing.exitCode());
        for (String bad : List.of("[{", "{}", "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3]"
                + ", \"score\": 1}]", "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3, 4]}]",
                "[{\"image_id\": 1.5, \"category_id\": 2, \"bbox\": [1, 2, 3, 4], \"score\": 1}]",
                "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3, 1e999], \"score\": 1}]", "[3]",
                "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3, 4], \"score\": 1, \"yaw\": \"north\"}]",
                "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3, 4], \"score\": 1, \"yaw\": -1e999}]")) {
            Path f = Files.writeString(dir.resolve("bad.json"), bad);
            UserError e = assertThrows(UserError.class, () -> CocoResults.read(f), bad);
            assertEquals(ExitCode.BAD_ANNOTATIONS, e.exitCode(), bad);
            assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
        }
    }
}
