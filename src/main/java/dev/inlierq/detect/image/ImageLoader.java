package dev.inlierq.detect.image;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG and PNG files into packed 8-bit 3-channel images, following what
 * {@code cv2.imread(path, IMREAD_COLOR)} produces wherever Java's decoders allow it.
 *
 * <ul>
 *   <li>Readers: ImageIO with the TwelveMonkeys JPEG plugin first (CMYK, YCCK and Adobe-inverted
 *       JPEGs, converted to RGB), then the JDK's readers. Only JPEG and PNG readers are used, whatever
 *       the file name says; other formats ImageIO knows (GIF, BMP, WBMP, TIFF) are rejected.</li>
 *   <li>Grayscale (with or without alpha) is replicated to three channels; palette images are
 *       expanded through the palette; an alpha channel is dropped without compositing (as
 *       OpenCV does); 16-bit samples keep their high byte ({@code v >> 8}, libpng's strip-16);
 *       embedded ICC profiles and PNG gamma are ignored: sample values are used as stored.</li>
 *   <li>EXIF orientation is <b>not</b> applied. COCO annotations (and every COCO evaluator) refer to
 *       the stored pixel grid, so detections must be in that grid. {@code cv2.imread} does rotate by
 *       default; for the rare COCO file carrying a non-identity orientation tag the two differ, and
 *       the stored grid is the one the ground truth matches.</li>
 *   <li>JPEG pixels come from the JDK's libjpeg-6b based decoder; OpenCV builds use libjpeg-turbo,
 *       whose IDCT and chroma upsampling can differ by a few levels on some pixels.</li>
 *   <li>A file the decoder warns about (truncated: "Premature end of JPEG file"; corrupt entropy-coded
 *       data) is refused with {@link ExitCode#BAD_IMAGE}: the decoder would make up the missing pixels,
 *       where OpenCV only prints the warning.</li>
 * </ul>
 */
public final class ImageLoader {
    private ImageLoader() {
    }

    /**
     * Reads {@code file} as an (H, W, 3) image in {@code order}.
     *
     * @throws UserError {@link ExitCode#MISSING_INPUT} when the file does not exist or cannot be read,
     *     {@link ExitCode#BAD_IMAGE} when it is not a decodable JPEG or PNG image
     */
    public static ByteImage load(Path file, ChannelOrder order) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(ExitCode.MISSING_INPUT, file + ": no such image file");
        }
        BufferedImage image;
        try {
            image = decode(file);
        } catch (DamagedImageException e) {
            throw new UserError(ExitCode.BAD_IMAGE, file + ": truncated or corrupt image (" + e.getMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            throw notAnImage(file, e);
        }
        if (image == null) {
            throw notAnImage(file, null);
        }
        return toByteImage(image, order);
    }

    private static UserError notAnImage(Path file, Throwable cause) {
        String message = file + ": not a decodable JPEG or PNG image";
        return cause == null ? new UserError(ExitCode.BAD_IMAGE, message)
                : new UserError(ExitCode.BAD_IMAGE, message, cause);
    }

    /** The first JPEG or PNG reader that decodes the file, or null when none recognises it. */
    private static BufferedImage decode(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new IOException("cannot open " + file);
            }
            List<IOException> failures = new ArrayList<>();
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            while (readers.hasNext()) {
                ImageReader reader = readers.next();
                if (!isJpegOrPng(reader)) {
                    continue;
                }
                try {
                    in.seek(0);
                    reader.setInput(in, true, true);
                    List<String> warnings = new ArrayList<>();
                    reader.addIIOReadWarningListener((source, warning) -> {
                        if (isDamage(warning)) {
                            warnings.add(warning);
                        }
                    });
                    BufferedImage image = reader.read(0);
                    if (!warnings.isEmpty()) {
                        throw new DamagedImageException(String.join("; ", warnings));
                    }
                    return image;
                } catch (IOException e) {
                    failures.add(e);
                } finally {
                    reader.dispose();
                }
            }
            if (!failures.isEmpty()) {
                IOException first = failures.get(0);
                failures.subList(1, failures.size()).forEach(first::addSuppressed);
                throw first;
            }
            return null;
        }
    }

    /**
     * The decoder warned while reading (libjpeg's "Premature end of JPEG file", "Corrupt JPEG data: ..."):
     * it filled the damaged part with made-up pixels, so the image is refused rather than used.
     */
    private static final class DamagedImageException extends IOException {
        private static final long serialVersionUID = 1L;

        DamagedImageException(String warnings) {
            super(warnings);
        }
    }

    /**
     * Whether a decoder warning means pixels are missing or made up (libjpeg: "Premature end of JPEG file",
     * "Corrupt JPEG data: premature end of data segment", "... bad Huffman code"), as opposed to metadata
     * that is ignored (a bad ICC profile, a misplaced JFIF marker) or stray bytes between markers, after
     * which every pixel is still decoded.
     */
    static boolean isDamage(String warning) {
        String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
        return w.contains("premature end") || w.contains("huffman")
                || (w.contains("corrupt") && !w.contains("extraneous"));
    }

    private static boolean isJpegOrPng(ImageReader reader) {
        if (reader.getOriginatingProvider() == null) {
            return false;
        }
        for (String name : reader.getOriginatingProvider().getFormatNames()) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.equals("jpeg") || n.equals("jpg") || n.equals("png")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Converts any decoded image to packed 8-bit channels in {@code order}, using stored sample values
     * (no colour management) for gray, RGB and palette images, and Java's sRGB conversion for any
     * other colour space.
     */
    public static ByteImage toByteImage(BufferedImage image, ChannelOrder order) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int r = order == ChannelOrder.RGB ? 0 : 2;
        int b = 2 - r;
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int csType = cm.getColorSpace().getType();
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && isPlainInterleaved(raster)) {
            copyBgr(raster, out, order);
        } else if (cm instanceof IndexColorModel icm) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                    int i = row[x];
                    out[o + r] = (byte) icm.getRed(i);
                    out[o + 1] = (byte) icm.getGreen(i);
                    out[o + b] = (byte) icm.getBlue(i);
                }
            }
        } else if (csType == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1) {
            int bits = cm.getComponentSize(0);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                    byte v = (byte) to8Bit(row[x], bits);
                    out[o] = v;
                    out[o + 1] = v;
                    out[o + 2] = v;
                }
            }
        } else if (csType == ColorSpace.TYPE_RGB && cm.getNumColorComponents() == 3
                && raster.getTransferType() != DataBuffer.TYPE_FLOAT
                && raster.getTransferType() != DataBuffer.TYPE_DOUBLE) {
            int bands = raster.getNumBands();
            int[] bits = {cm.getComponentSize(0), cm.getComponentSize(1), cm.getComponentSize(2)};
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0, i = 0, o = y * w * 3; x < w; x++, i += bands, o += 3) {
                    out[o + r] = (byte) to8Bit(row[i], bits[0]);
                    out[o + 1] = (byte) to8Bit(row[i + 1], bits[1]);
                    out[o + b] = (byte) to8Bit(row[i + 2], bits[2]);
                }
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                    int argb = row[x];
                    out[o + r] = (byte) (argb >> 16);
                    out[o + 1] = (byte) (argb >> 8);
                    out[o + b] = (byte) argb;
                }
            }
        }
        return new ByteImage(w, h, order, out);
    }

    /** A sample of {@code bits} bits as 8 bits: high byte when wider, rescaled to 0..255 when narrower. */
    private static int to8Bit(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        if (bits > 8) {
            return v >>> (bits - 8);
        }
        return (v * 255 + ((1 << bits) - 1) / 2) / ((1 << bits) - 1);
    }

    private static boolean isPlainInterleaved(Raster raster) {
        return raster.getDataBuffer() instanceof DataBufferByte
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel sm
                && sm.getPixelStride() == 3 && sm.getScanlineStride() == 3 * raster.getWidth()
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && raster.getDataBuffer().getNumBanks() == 1 && raster.getDataBuffer().getOffset() == 0;
    }

    /** Fast path for TYPE_3BYTE_BGR (what JPEG readers return): bytes are stored B, G, R. */
    private static void copyBgr(Raster raster, byte[] out, ChannelOrder order) {
        byte[] src = ((DataBufferByte) raster.getDataBuffer()).getData();
        int[] offsets = ((PixelInterleavedSampleModel) raster.getSampleModel()).getBandOffsets();
        // band k (R, G, B in the colour model) sits at byte offsets[k] within a pixel
        int toFirst = order == ChannelOrder.RGB ? offsets[0] : offsets[2];
        int toSecond = offsets[1];
        int toThird = order == ChannelOrder.RGB ? offsets[2] : offsets[0];
        for (int i = 0; i < out.length; i += 3) {
            out[i] = src[i + toFirst];
            out[i + 1] = src[i + toSecond];
            out[i + 2] = src[i + toThird];
        }
    }
}
