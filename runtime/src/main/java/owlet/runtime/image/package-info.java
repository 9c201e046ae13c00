/**
 * Image decoding and the reference preprocessing (central square crop, bilinear resize).
 *
 * <p>{@link owlet.runtime.image.Images} reads PPM/PGM and BMP with java.base only; JPEG and PNG go
 * through {@code javax.imageio} when the {@code java.desktop} module is present.
 * {@link owlet.runtime.image.Preprocess} reproduces the exact bytes of
 * {@code shared/reference/ppm/<S>/*.ppm}.
 */
package owlet.runtime.image;
