package dev.inlierq.synth;

import java.awt.image.BufferedImage;
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
 * Encodes an image to bytes with the JDK's ImageIO writers: baseline JPEG at quality 0.92, or PNG. The stream is cached in memory
 * (no cache file in the temporary folder). The same pixels give the same bytes on the same JDK.
 */
final class ImageEncoder {
    static final float JPEG_QUALITY = 0.92f;

    private ImageEncoder() {
    }

    static byte[] encode(BufferedImage image, ImageFormat format) {
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
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + name + " image", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
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
