/**
 * Image decoding and the reference preprocessing (central square crop, bilinear resize).
 *
 * <p>{@link owlet.runtime.image.Images} reads PPM/PGM, BMP and PNG with java.base only; JPEG goes
 * through {@code javax.imageio} when the {@code java.desktop} module is present.
 * {@link owlet.runtime.image.PngEncoder} writes RGB and grey PNG.
 * {@link owlet.runtime.image.Preprocess} reproduces the exact bytes of
 * {@code shared/reference/ppm/<S>/*.ppm}.
 */
package owlet.runtime.image;
