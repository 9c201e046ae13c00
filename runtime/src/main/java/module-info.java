/**
 * Owlet's inference runtime: loads .tflite models and runs them with integer kernels that give the same
 * bytes as TensorFlow Lite. Depends on java.base only; java.desktop, when present, adds JPEG and PNG.
 */
module owlet.runtime {
    requires static java.desktop;

    exports owlet.runtime.api;
    exports owlet.runtime.image;
    exports owlet.runtime.model;
    exports owlet.runtime.quant;
    exports owlet.runtime.kernels;
    exports owlet.runtime.graph;
    exports owlet.runtime.cli;

    uses owlet.runtime.cli.Command;
}
