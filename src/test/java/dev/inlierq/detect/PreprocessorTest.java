package dev.inlierq.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.image.ByteImage;
import dev.inlierq.detect.image.ChannelOrder;
import dev.inlierq.detect.image.Interpolation;
import dev.inlierq.detect.image.Resize;
import dev.inlierq.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessorTest {

    static InputSpec spec(int w, int h, ChannelOrder order, ResizeMode mode) {
        return new InputSpec("x", w, h, InputLayout.NCHW, order, mode, Interpolation.LINEAR, 114,
                InputSpec.Normalization.NONE);
    }

    /** A solid image of (r, g, b) stored in RGB order. */
    static ByteImage solid(int w, int h, int r, int g, int b) {
        byte[] p = new byte[w * h * 3];
        for (int i = 0; i < p.length; i += 3) {
            p[i] = (byte) r;
            p[i + 1] = (byte) g;
            p[i + 2] = (byte) b;
        }
        return new ByteImage(w, h, ChannelOrder.RGB, p);
    }

    /** A non-uniform image so that resizing is visible. */
    static ByteImage gradient(int w, int h) {
        byte[] p = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                p[i] = (byte) (x * 255 / Math.max(1, w - 1));
                p[i + 1] = (byte) (y * 255 / Math.max(1, h - 1));
                p[i + 2] = (byte) ((x + y) % 256);
            }
        }
        return new ByteImage(w, h, ChannelOrder.RGB, p);
    }

    static float at(FloatTensor t, int c, int y, int x) {
        int h = (int) t.dim(2);
        int w = (int) t.dim(3);
        return t.data()[(c * h + y) * w + x];
    }

    /** YOLOX on a 640x480 image: r = min(416/480, 416/640) = 0.65, resized 416x312, top-left. */
    @Test
    void letterboxTopLeftLikeYolox() {
        Preprocessor pre = new Preprocessor(spec(416, 416, ChannelOrder.BGR, ResizeMode.LETTERBOX_TOP_LEFT));
        Preprocessor.Placement p = pre.placement(640, 480);
        assertEquals(416, p.resizedWidth());
        assertEquals(312, p.resizedHeight());
        assertEquals(0, p.offsetX());
        assertEquals(0, p.offsetY());
        assertEquals(new InputTransform(0.65, 0.65, 0, 0), p.transform());

        ByteImage img = gradient(640, 480);
        PreparedImage prepared = pre.prepare(img);
        assertArrayEquals(new long[] {1, 3, 416, 416}, prepared.tensor().shape());
        assertEquals(640, prepared.originalWidth());
        assertEquals(480, prepared.originalHeight());
        // the content is the OpenCV-style resize of the BGR image; rows from 312 on are padding
        ByteImage resized = Resize.resize(img.inOrder(ChannelOrder.BGR), 416, 312, Interpolation.LINEAR);
        for (int c = 0; c < 3; c++) {
            assertEquals(resized.get(100, 200, c), at(prepared.tensor(), c, 200, 100));
            assertEquals(resized.get(415, 311, c), at(prepared.tensor(), c, 311, 415));
            assertEquals(114f, at(prepared.tensor(), c, 312, 0));
            assertEquals(114f, at(prepared.tensor(), c, 415, 415));
        }
        // back-mapping: input (416, 312) is the original's bottom-right corner
        assertEquals(640, prepared.transform().toOriginalX(416), 1e-9);
        assertEquals(480, prepared.transform().toOriginalY(312), 1e-9);
    }

    /** 100x50 into 64x64 centred: r = 0.64, resized 64x32 at rows 16..47. */
    @Test
    void letterboxCenter() {
        Preprocessor pre = new Preprocessor(spec(64, 64, ChannelOrder.RGB, ResizeMode.LETTERBOX_CENTER));
        Preprocessor.Placement p = pre.placement(100, 50);
        assertEquals(64, p.resizedWidth());
        assertEquals(32, p.resizedHeight());
        assertEquals(0, p.offsetX());
        assertEquals(16, p.offsetY());
        FloatTensor t = pre.prepare(solid(100, 50, 10, 20, 30)).tensor();
        assertEquals(114f, at(t, 0, 15, 5));
        assertEquals(10f, at(t, 0, 16, 5));
        assertEquals(30f, at(t, 2, 47, 63));
        assertEquals(114f, at(t, 2, 48, 63));
        InputTransform tr = p.transform();
        assertEquals(0, tr.toOriginalY(16), 1e-9);
        assertEquals(50, tr.toOriginalY(48), 1e-9);
        assertEquals(25, tr.toOriginalX(16), 1e-9);
    }

    /** An odd margin goes to the right/bottom: 30x10 into 16x16 -> 16x5 at row (16-5)/2 = 5. */
    @Test
    void letterboxCenterOddMargin() {
        Preprocessor pre = new Preprocessor(spec(16, 16, ChannelOrder.RGB, ResizeMode.LETTERBOX_CENTER));
        Preprocessor.Placement p = pre.placement(30, 10);
        assertEquals(16, p.resizedWidth());
        assertEquals(5, p.resizedHeight());
        assertEquals(5, p.offsetY());
    }

    @Test
    void stretchScalesEachAxis() {
        Preprocessor pre = new Preprocessor(spec(32, 32, ChannelOrder.RGB, ResizeMode.STRETCH));
        PreparedImage prepared = pre.prepare(solid(100, 50, 1, 2, 3));
        assertEquals(new InputTransform(0.32, 0.64, 0, 0), prepared.transform());
        assertEquals(100, prepared.transform().toOriginalX(32), 1e-9);
        assertEquals(50, prepared.transform().toOriginalY(32), 1e-9);
        assertEquals(3f, at(prepared.tensor(), 2, 31, 31));
    }

    /** PicoDet normalisation: (v / 255 - mean[c]) / std[c] in the spec's channel order. */
    @Test
    void normalisesPerChannelInSpecOrder() {
        InputSpec rgb = new InputSpec("image", 8, 8, InputLayout.NCHW, ChannelOrder.RGB, ResizeMode.STRETCH,
                Interpolation.LINEAR, 114, new InputSpec.Normalization(1 / 255.0,
                        new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225}));
        FloatTensor t = new Preprocessor(rgb).prepare(solid(8, 8, 200, 100, 50).inOrder(ChannelOrder.BGR)).tensor();
        assertEquals((float) ((200 / 255.0 - 0.485) / 0.229), at(t, 0, 3, 3));
        assertEquals((float) ((100 / 255.0 - 0.456) / 0.224), at(t, 1, 3, 3));
        assertEquals((float) ((50 / 255.0 - 0.406) / 0.225), at(t, 2, 3, 3));

        FloatTensor bgr = new Preprocessor(spec(8, 8, ChannelOrder.BGR, ResizeMode.STRETCH))
                .prepare(solid(8, 8, 200, 100, 50)).tensor();
        assertEquals(50f, at(bgr, 0, 0, 0));
        assertEquals(100f, at(bgr, 1, 0, 0));
        assertEquals(200f, at(bgr, 2, 0, 0));
    }

    @Test
    void preparesFilesAndStacksBatches(@TempDir Path dir) throws IOException {
        BufferedImage img = new BufferedImage(40, 20, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, 0xFF0000);
            }
        }
        Path file = dir.resolve("red.png");
        ImageIO.write(img, "png", file.toFile());
        Preprocessor pre = new Preprocessor(spec(20, 20, ChannelOrder.RGB, ResizeMode.LETTERBOX_TOP_LEFT));
        PreparedImage a = pre.prepare(file);
        assertEquals(40, a.originalWidth());
        assertEquals(20, a.inputWidth());
        assertEquals(255f, at(a.tensor(), 0, 0, 0));
        assertEquals(0f, at(a.tensor(), 1, 9, 19));
        assertEquals(114f, at(a.tensor(), 1, 10, 19));
        PreparedImage b = pre.prepare(gradient(7, 9));
        FloatTensor batch = Preprocessor.stack(List.of(a, b));
        assertArrayEquals(new long[] {2, 3, 20, 20}, batch.shape());
        assertEquals(b.tensor(), batch.sample(1));
        assertTrue(Math.abs(at(batch, 0, 0, 0) - 255f) < 1e-6);
    }
}
