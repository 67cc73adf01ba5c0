package dev.inlierq.detect.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

class ImageLoaderTest {
    @TempDir
    Path dir;

    private Path png(String name, BufferedImage img) throws IOException {
        Path f = dir.resolve(name);
        assertTrue(ImageIO.write(img, "png", f.toFile()), "no PNG writer for " + img);
        return f;
    }

    private static void assertPixel(ByteImage img, int x, int y, int... expected) {
        int[] got = {img.get(x, y, 0), img.get(x, y, 1), img.get(x, y, 2)};
        assertEquals(Arrays.toString(expected), Arrays.toString(got), "pixel " + x + "," + y);
    }

    private static void assertPixelNear(ByteImage img, int x, int y, int tolerance, int... expected) {
        for (int c = 0; c < 3; c++) {
            int got = img.get(x, y, c);
            assertTrue(Math.abs(got - expected[c]) <= tolerance, "pixel " + x + "," + y + " channel " + c + ": got "
                    + got + ", expected " + expected[c] + " +- " + tolerance);
        }
    }

    @Test
    void grayPngIsReplicatedWithoutGammaConversion() throws IOException {
        BufferedImage g = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSample(0, 0, 0, 50);
        g.getRaster().setSample(2, 1, 0, 200);
        ByteImage img = ImageLoader.load(png("gray.png", g), ChannelOrder.RGB);
        assertEquals(3, img.width());
        assertEquals(2, img.height());
        assertPixel(img, 0, 0, 50, 50, 50);
        assertPixel(img, 2, 1, 200, 200, 200);
        assertPixel(img, 1, 0, 0, 0, 0);
    }

    @Test
    void sixteenBitGrayKeepsHighByte() throws IOException {
        BufferedImage g = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        g.getRaster().setSample(0, 0, 0, 0xABCD);
        g.getRaster().setSample(1, 0, 0, 0x00FF);
        ByteImage img = ImageLoader.load(png("gray16.png", g), ChannelOrder.BGR);
        assertPixel(img, 0, 0, 0xAB, 0xAB, 0xAB);
        assertPixel(img, 1, 0, 0, 0, 0);
    }

    @Test
    void sixteenBitRgbKeepsHighBytesInRequestedOrder() throws IOException {
        ImageTypeSpecifier spec = ImageTypeSpecifier.createInterleaved(ColorSpace.getInstance(ColorSpace.CS_sRGB),
                new int[] {0, 1, 2}, DataBuffer.TYPE_USHORT, false, false);
        BufferedImage rgb = spec.createBufferedImage(2, 2);
        rgb.getRaster().setPixel(1, 1, new int[] {0x1234, 0x5678, 0x9ABC});
        Path f = png("rgb16.png", rgb);
        assertPixel(ImageLoader.load(f, ChannelOrder.RGB), 1, 1, 0x12, 0x56, 0x9A);
        assertPixel(ImageLoader.load(f, ChannelOrder.BGR), 1, 1, 0x9A, 0x56, 0x12);
    }

    @Test
    void palettePngExpandsThroughThePalette() throws IOException {
        byte[] r = {(byte) 255, 0, 7};
        byte[] gr = {0, (byte) 128, 8};
        byte[] b = {0, 64, 9};
        BufferedImage p = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 3, r, gr, b));
        p.getRaster().setSample(0, 0, 0, 1);
        p.getRaster().setSample(1, 0, 0, 2);
        p.getRaster().setSample(2, 0, 0, 0);
        ByteImage img = ImageLoader.load(png("palette.png", p), ChannelOrder.RGB);
        assertPixel(img, 0, 0, 0, 128, 64);
        assertPixel(img, 1, 0, 7, 8, 9);
        assertPixel(img, 2, 0, 255, 0, 0);
    }

    @Test
    void oneBitPngIsBlackAndWhite() throws IOException {
        BufferedImage bw = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY);
        bw.getRaster().setSample(1, 0, 0, 1);
        ByteImage img = ImageLoader.load(png("bw.png", bw), ChannelOrder.RGB);
        assertPixel(img, 0, 0, 0, 0, 0);
        assertPixel(img, 1, 0, 255, 255, 255);
    }

    @Test
    void alphaIsDroppedNotComposited() throws IOException {
        BufferedImage a = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        a.setRGB(0, 0, 0x000A141E); // fully transparent (10, 20, 30)
        a.setRGB(1, 0, 0x80FF8040); // half transparent (255, 128, 64)
        ByteImage img = ImageLoader.load(png("alpha.png", a), ChannelOrder.BGR);
        assertPixel(img, 0, 0, 30, 20, 10);
        assertPixel(img, 1, 0, 64, 128, 255);
    }

    @Test
    void rgbJpegInBothOrders() throws IOException {
        BufferedImage c = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                c.setRGB(x, y, 0xC86432); // (200, 100, 50)
            }
        }
        Path f = dir.resolve("rgb.jpg");
        assertTrue(ImageIO.write(c, "jpeg", f.toFile()));
        assertPixelNear(ImageLoader.load(f, ChannelOrder.RGB), 8, 8, 3, 200, 100, 50);
        assertPixelNear(ImageLoader.load(f, ChannelOrder.BGR), 8, 8, 3, 50, 100, 200);
    }

    /**
     * Writes a 4-channel JPEG with an Adobe APP14 marker through ImageIO's JPEG writer: the default
     * 3-component metadata is extended by a fourth component, and the Adobe transform says how the
     * channels are coded (0: CMYK as stored, 2: YCCK). Values follow the Adobe convention of
     * inverted inks (stored = 255 - ink), as Photoshop writes them and libjpeg-based readers expect.
     */
    private Path fourChannelJpeg(String name, int transform, int[] left, int[] right) throws IOException {
        int w = 16;
        int h = 8;
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setPixel(x, y, x < w / 2 ? left : right);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(1f);
        IIOMetadata metadata = writer.getDefaultImageMetadata(
                ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_3BYTE_BGR), null);
        String format = "javax_imageio_jpeg_image_1.0";
        Element root = (Element) metadata.getAsTree(format);
        Element variety = (Element) root.getElementsByTagName("JPEGvariety").item(0);
        while (variety.getFirstChild() != null) {
            variety.removeChild(variety.getFirstChild()); // no JFIF: it implies 1 or 3 channels
        }
        Element markers = (Element) root.getElementsByTagName("markerSequence").item(0);
        IIOMetadataNode adobe = new IIOMetadataNode("app14Adobe");
        adobe.setAttribute("transform", Integer.toString(transform));
        markers.insertBefore(adobe, markers.getFirstChild());
        Element sof = (Element) markers.getElementsByTagName("sof").item(0);
        sof.setAttribute("numFrameComponents", "4");
        Element first = (Element) sof.getElementsByTagName("componentSpec").item(0);
        first.setAttribute("HsamplingFactor", "1");
        first.setAttribute("VsamplingFactor", "1");
        IIOMetadataNode fourth = new IIOMetadataNode("componentSpec");
        fourth.setAttribute("componentId", "4");
        fourth.setAttribute("HsamplingFactor", "1");
        fourth.setAttribute("VsamplingFactor", "1");
        fourth.setAttribute("QtableSelector", "1");
        sof.appendChild(fourth);
        Element sos = (Element) markers.getElementsByTagName("sos").item(0);
        sos.setAttribute("numScanComponents", "4");
        IIOMetadataNode scan = new IIOMetadataNode("scanComponentSpec");
        scan.setAttribute("componentSelector", "4");
        scan.setAttribute("dcHuffTable", "1");
        scan.setAttribute("acHuffTable", "1");
        sos.appendChild(scan);
        metadata.setFromTree(format, root);
        Path f = dir.resolve(name);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(f.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, metadata), param);
        } finally {
            writer.dispose();
        }
        return f;
    }

    @Test
    void cmykJpegIsConvertedToRgb() throws IOException {
        // left: full cyan ink (stored 0, 255, 255, 255); right: full black ink (stored 255, 255, 255, 0)
        Path f = fourChannelJpeg("cmyk.jpg", 0, new int[] {0, 255, 255, 255}, new int[] {255, 255, 255, 0});
        ByteImage img = ImageLoader.load(f, ChannelOrder.RGB);
        assertEquals(16, img.width());
        assertEquals(8, img.height());
        assertPixelNear(img, 2, 4, 40, 0, 255, 255);
        assertPixelNear(img, 13, 4, 40, 0, 0, 0);
    }

    @Test
    void ycckJpegIsConvertedToRgb() throws IOException {
        // YCCK codes the C, M, Y inks as if they were R, G, B in YCbCr (a decoder computes the stored,
        // inverted value 255 - R): full cyan ink -> (255, 0, 0) -> YCbCr (76, 85, 255); no ink ->
        // (0, 0, 0) -> (0, 128, 128). K is stored inverted as in CMYK: 255 = no black ink.
        Path f = fourChannelJpeg("ycck.jpg", 2, new int[] {76, 85, 255, 255}, new int[] {0, 128, 128, 255});
        ByteImage img = ImageLoader.load(f, ChannelOrder.BGR);
        assertPixelNear(img, 2, 4, 40, 255, 255, 0);
        assertPixelNear(img, 13, 4, 40, 255, 255, 255);
    }

    @Test
    void nonImageFileIsBadImage() throws IOException {
        Path f = Files.writeString(dir.resolve("notes.jpg"), "these are not pixels");
        UserError e = assertThrows(UserError.class, () -> ImageLoader.load(f, ChannelOrder.RGB));
        assertEquals(ExitCode.BAD_IMAGE, e.exitCode());
        assertEquals(f + ": not a decodable JPEG or PNG image", e.getMessage());
    }

    @Test
    void otherFormatsAreBadImagesEvenWhenImageIoReadsThem() throws IOException {
        BufferedImage c = new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR);
        Path f = dir.resolve("picture.png");
        assertTrue(ImageIO.write(c, "bmp", f.toFile()));
        UserError e = assertThrows(UserError.class, () -> ImageLoader.load(f, ChannelOrder.RGB));
        assertEquals(ExitCode.BAD_IMAGE, e.exitCode());
    }

    @Test
    void truncatedPngIsBadImage() throws IOException {
        BufferedImage c = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                c.setRGB(x, y, x * 4 << 16 | y * 4);
            }
        }
        Path f = png("cut.png", c);
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(bytes, bytes.length / 2));
        UserError e = assertThrows(UserError.class, () -> ImageLoader.load(f, ChannelOrder.RGB));
        assertEquals(ExitCode.BAD_IMAGE, e.exitCode());
    }

    private static void assertDamaged(Path f) {
        UserError e = assertThrows(UserError.class, () -> ImageLoader.load(f, ChannelOrder.RGB), f.toString());
        assertEquals(ExitCode.BAD_IMAGE, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().startsWith(f + ": "), "message should name the file: " + e.getMessage());
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
    }

    @Test
    void truncatedJpegIsBadImage() throws IOException {
        BufferedImage c = new BufferedImage(96, 64, BufferedImage.TYPE_3BYTE_BGR);
        java.util.Random rnd = new java.util.Random(5);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                c.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        Path f = dir.resolve("cut.jpg");
        assertTrue(ImageIO.write(c, "jpeg", f.toFile()));
        ImageLoader.load(f, ChannelOrder.RGB);
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(bytes, bytes.length / 2));
        assertDamaged(f);
    }

    /** The first half of real COCO photographs is refused; whole files load, one with a metadata warning too. */
    @Test
    void truncatedCocoJpegsAreBadImagesAndWholeOnesLoad() throws IOException {
        Path val = dev.inlierq.testing.Shared.valImages();
        java.util.List<Path> files;
        try (var list = Files.list(val)) {
            files = list.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(12).toList();
        }
        assertTrue(files.size() >= 12, "COCO subset images expected in " + val);
        for (Path p : files) {
            ImageLoader.load(p, ChannelOrder.BGR);
        }
        // its decoder warns about a bad ICC profile, which is ignored: not damage
        ImageLoader.load(val.resolve("000000331799.jpg"), ChannelOrder.BGR);
        for (Path p : files.subList(0, 3)) {
            byte[] bytes = Files.readAllBytes(p);
            Path cut = dir.resolve("half-" + p.getFileName());
            Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
            assertDamaged(cut);
        }
    }

    @Test
    void missingFileIsMissingInput() {
        UserError e = assertThrows(UserError.class, () -> ImageLoader.load(dir.resolve("nope.jpg"), ChannelOrder.RGB));
        assertEquals(ExitCode.MISSING_INPUT, e.exitCode());
    }
}
