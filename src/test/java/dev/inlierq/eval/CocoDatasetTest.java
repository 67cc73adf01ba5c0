package dev.inlierq.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoDatasetTest {
    @TempDir
    Path dir;

    private static final String CATEGORIES =
            "\"categories\": [{\"id\": 3, \"name\": \"car\", \"supercategory\": \"v\"}, {\"id\": 1, \"name\": \"person\"}]";

    private Path write(String json) throws IOException {
        Path f = dir.resolve("ann.json");
        Files.writeString(f, json);
        return f;
    }

    private static String file(String images, String annotations) {
        return "{\"info\": {\"year\": 2017, \"nested\": [1, {\"a\": [2]}]}, \"images\": [" + images
                + "], \"annotations\": [" + annotations + "], " + CATEGORIES + "}";
    }

    private static final String IMAGES = "{\"id\": 139, \"file_name\": \"000000000139.jpg\", \"width\": 640,"
            + " \"height\": 426, \"license\": 2}, {\"id\": 7, \"file_name\": \"b.jpg\", \"width\": 10, \"height\": 20}";

    private UserError loadError(String json) throws IOException {
        Path f = write(json);
        return assertThrows(UserError.class, () -> CocoDataset.load(f));
    }

    private void assertBad(String json, String expectedFragment) throws IOException {
        UserError e = loadError(json);
        assertEquals(ExitCode.BAD_ANNOTATIONS, e.exitCode());
        assertTrue(e.getMessage().contains(expectedFragment), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().contains("ann.json"), "names the file: " + e.getMessage());
    }

    @Test
    void loadsImagesAnnotationsAndCategories() throws IOException {
        String anns = "{\"id\": 5, \"image_id\": 139, \"category_id\": 3, \"bbox\": [1.5, 2, 30, 40.25],"
                + " \"area\": 900.5, \"iscrowd\": 0, \"segmentation\": [[1, 2, 3, 4, 5, 6]]},"
                + "{\"id\": 6, \"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, 5, 5], \"area\": 20,"
                + " \"iscrowd\": 1, \"segmentation\": {\"counts\": [1, 2, 3], \"size\": [20, 10]}},"
                + "{\"id\": 2, \"image_id\": 139, \"category_id\": 1, \"bbox\": [10, 10, 4, 5]}";
        CocoDataset ds = CocoDataset.load(write(file(IMAGES, anns)));

        assertEquals(List.of(new CocoDataset.Image(139, "000000000139.jpg", 640, 426),
                new CocoDataset.Image(7, "b.jpg", 10, 20)), ds.images());
        assertEquals(7, ds.image(7).orElseThrow().id());
        assertTrue(ds.image(8).isEmpty());
        assertEquals(139, ds.imageByFileName("000000000139.jpg").orElseThrow().id());
        assertTrue(ds.imageByFileName("139.jpg").isEmpty());
        assertEquals(List.of(1, 3), ds.categoryIds());
        assertEquals("car", ds.category(3).orElseThrow().name());
        assertEquals(3, ds.annotations().size());

        List<CocoDataset.Annotation> a139 = ds.annotations(139);
        assertEquals(List.of(new CocoDataset.Annotation(5, 139, 3, 1.5, 2, 30, 40.25, 900.5, false),
                new CocoDataset.Annotation(2, 139, 1, 10, 10, 4, 5, 20, false)), a139); // area defaults to w*h
        assertEquals(List.of(new CocoDataset.Annotation(6, 7, 1, 0, 0, 5, 5, 20, true)), ds.annotations(7));
        assertEquals(List.of(), ds.annotations(12345));
    }

    @Test
    void acceptsKeysInAnyOrderAndBooleanCrowd() throws IOException {
        String json = "{\"categories\": [{\"id\": 1}], \"annotations\": [{\"bbox\": [0, 0, 1, 1], \"iscrowd\": true,"
                + " \"category_id\": 1, \"image_id\": 1, \"id\": 1}], \"images\": [{\"height\": 2, \"width\": 3,"
                + " \"file_name\": \"x.png\", \"id\": 1}]}";
        CocoDataset ds = CocoDataset.load(write(json));
        assertTrue(ds.annotations(1).get(0).iscrowd());
        assertEquals("", ds.category(1).orElseThrow().name());
    }

    @Test
    void rejectsWhatIsNotJson() throws IOException {
        assertBad("{\"images\": [", "not valid JSON");
        assertBad("images: []", "not valid JSON");
        assertBad("", "not a JSON object");
        assertBad("[1, 2]", "not a JSON object");
        assertBad(file(IMAGES, "") + " {}", "after the top-level object");
    }

    @Test
    void rejectsMissingArrays() throws IOException {
        assertBad("{\"annotations\": [], " + CATEGORIES + "}", "missing \"images\"");
        assertBad("{\"images\": [], " + CATEGORIES + "}", "missing \"annotations\"");
        assertBad("{\"images\": [], \"annotations\": []}", "missing \"categories\"");
        assertBad("{\"images\": {}, \"annotations\": [], " + CATEGORIES + "}", "\"images\" is not an array");
    }

    @Test
    void rejectsAnnotationsThatDoNotFit() throws IOException {
        assertBad(file(IMAGES, "{\"id\": 1, \"image_id\": 8, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}"),
                "annotation 1 refers to unknown image id 8");
        assertBad(file(IMAGES, "{\"id\": 1, \"image_id\": 7, \"category_id\": 2, \"bbox\": [0, 0, 1, 1]}"),
                "unknown category id 2");
        assertBad(file(IMAGES, "{\"id\": 1, \"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, -1, 1]}"),
                "negative box size");
        assertBad(file(IMAGES, "{\"id\": 1, \"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, 1]}"),
                "expected 4");
        assertBad(file(IMAGES, "{\"id\": 1, \"image_id\": 7, \"category_id\": 1, \"bbox\": [0, \"0\", 1, 1]}"),
                "non-number");
        assertBad(file(IMAGES, "{\"id\": 1, \"image_id\": 7, \"category_id\": 1}"), "has no \"bbox\"");
        assertBad(file(IMAGES, "{\"id\": 1, \"image_id\": \"7\", \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}"),
                "\"image_id\" is not an integer");
        assertBad(file(IMAGES, "{\"id\": 1, \"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, 1, 1],"
                + " \"area\": -3}"), "invalid area");
        assertBad(file(IMAGES, "{\"id\": 1, \"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]},"
                + "{\"id\": 1, \"image_id\": 139, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}"),
                "duplicate annotation id 1");
        assertBad(file(IMAGES, "3"), "annotation #0 is not an object");
    }

    @Test
    void rejectsBadImages() throws IOException {
        assertBad(file(IMAGES + ", {\"id\": 7, \"file_name\": \"c.jpg\", \"width\": 1, \"height\": 1}", ""),
                "duplicate image id 7");
        assertBad(file(IMAGES + ", {\"id\": 8, \"file_name\": \"b.jpg\", \"width\": 1, \"height\": 1}", ""),
                "duplicate file_name \"b.jpg\"");
        assertBad(file("{\"id\": 8, \"width\": 1, \"height\": 1}", ""), "image #0 (id 8) has no \"file_name\"");
        assertBad(file("{\"id\": 8, \"file_name\": \"a\", \"width\": 0, \"height\": 1}", ""), "non-positive size");
    }

    @Test
    void aMissingFileIsMissingInput() {
        UserError e = assertThrows(UserError.class, () -> CocoDataset.load(dir.resolve("nope.json")));
        assertEquals(ExitCode.MISSING_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("nope.json"));
        UserError d = assertThrows(UserError.class, () -> CocoDataset.load(dir));
        assertEquals(ExitCode.MISSING_INPUT, d.exitCode());
    }

    @Test
    void ofChecksLikeLoad() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CocoDataset.of(
                List.of(new CocoDataset.Image(1, "a.jpg", 1, 1)), List.of(new CocoDataset.Category(1, "a")),
                List.of(new CocoDataset.Annotation(1, 2, 1, 0, 0, 1, 1, 1, false))));
        assertEquals("annotation 1 refers to unknown image id 2", e.getMessage());
    }
}
