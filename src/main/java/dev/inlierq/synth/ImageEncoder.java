package dev.inlierq.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes an image to bytes with the JDK's ImageIO writers: baseline JPEG at quality 0.92, or PNG. The stream is
 * cached in memory (no cache file in the temporary folder). The same pixels give the same bytes on the same JDK.
 */
public final class ImageEncoder {
    static final float JPEG_QUALITY = 0.92f;

    private ImageEncoder() {
    }

    /** The image's bytes in {@code format} (also the LiDAR benchmark's PNG maps, {@code dev.inlierq.lidar}). */
    public static byte[] encode(BufferedImage image, ImageFormat format) {
        String name = format == ImageFormat.JPEG ? "jpeg" : "png";
        ImageWriter writer = jdkWriter(name);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (format == ImageFormat.JPEG) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(JPEG_QUALITY);
            }
            writer.write(null, new IIOImage(toBgr(image), null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + name + " image", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * The pixels as TYPE_3BYTE_BGR, which the JDK's writers take without their slow per-pixel conversion of packed
     * ints (same pixels, same bytes out).
     */
    private static BufferedImage toBgr(BufferedImage image) {
        if (image.getType() != BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        BufferedImage bgr = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] out = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        for (int i = 0, j = 0; i < rgb.length; i++, j += 3) {
            out[j] = (byte) rgb[i];
            out[j + 1] = (byte) (rgb[i] >> 8);
            out[j + 2] = (byte) (rgb[i] >> 16);
        }
        return bgr;
    }

    /**
     * The JDK's own writer ({@code com.sun.imageio.plugins}), ahead of plugins on the class path (TwelveMonkeys
     * registers a JPEG writer first), so the bytes do not depend on which plugins are present; any writer if the
     * JDK's is missing.
     */
    private static ImageWriter jdkWriter(String name) {
        ImageWriter chosen = null;
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName(name); it.hasNext(); ) {
            ImageWriter w = it.next();
            if (chosen == null || w.getClass().getName().startsWith("com.sun.imageio.")) {
                chosen = w;
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("no ImageIO writer for " + name);
        }
        return chosen;
    }
}
