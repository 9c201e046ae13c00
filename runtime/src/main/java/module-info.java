/**
 * Owlet's inference runtime: loads .tflite models and runs them with integer kernels that give the same
 * bytes as TensorFlow Lite. Depends on java.base only (which reads PPM, BMP and PNG images); java.desktop,
 * when present, adds JPEG, and jdk.incubator.vector, when present, the Vector API kernels
 * (owlet.runtime.kernels.VectorSupport).
 */
module owlet.runtime {
    requires static java.desktop;
    // Optional: the Vector API kernels, used when the module is added (--add-modules jdk.incubator.vector).
    requires static jdk.incubator.vector;

    exports owlet.runtime.api;
    exports owlet.runtime.image;
    exports owlet.runtime.model;
    exports owlet.runtime.quant;
    exports owlet.runtime.kernels;
    exports owlet.runtime.graph;
    exports owlet.runtime.cli;

    uses owlet.runtime.cli.Command;
}
