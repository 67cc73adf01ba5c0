package dev.inlierq.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Overlay thumbnails for the HTML report: the longer side bounded, aspect kept, each pixel the mean it covers. */
class SaliencyOverlayThumbnailTest {
    @Test
    void boxFilterKeepsHalvesAndMeans() {
        BufferedImage img = new BufferedImage(416, 208, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 208; y++) {
            for (int x = 0; x < 416; x++) {
                img.setRGB(x, y, x < 208 ? 0xff0000 : ((x + y) % 2 == 0 ? 0x0000ff : 0x000000));
            }
        }
        BufferedImage t = SaliencyOverlay.thumbnail(img, 104);
        assertEquals(104, t.getWidth());
        assertEquals(52, t.getHeight());
        assertEquals(0xff0000, t.getRGB(10, 10) & 0xffffff, "left half red");
        assertEquals(127, t.getRGB(90, 40) & 0xff, "right half: the mean of a blue/black checkerboard");
        assertEquals(0, (t.getRGB(90, 40) >> 16) & 0xff);
    }

    @Test
    void smallImagesKeepTheirSize() {
        BufferedImage img = new BufferedImage(20, 30, BufferedImage.TYPE_INT_RGB);
        img.setRGB(5, 7, 0x123456);
        BufferedImage t = SaliencyOverlay.thumbnail(img, 224);
        assertEquals(20, t.getWidth());
        assertEquals(30, t.getHeight());
        assertEquals(0x123456, t.getRGB(5, 7) & 0xffffff);
        assertSame(BufferedImage.class, t.getClass());
    }
}
