/**
 * Owlet's inference runtime: loads .tflite models and runs them with integer kernels that give the same
 * bytes as TensorFlow Lite. Depends on java.base only (PPM, BMP, PNG and JPEG are decoded in java.base);
 * java.desktop, when present, adds the ICC colour conversion of JPEGs that embed a profile, and
 * jdk.incubator.vector, when present, the Vector API kernels (owlet.runtime.kernels.VectorSupport).
 */
module owlet.runtime {
    requires static java.desktop;
    // Optional: the Vector API kernels, used when the module is added (--add-modules jdk.incubator.vector).
    requires static jdk.incubator.vector;

    // The library: the API, the model and image formats, input files, and the toolbox for commands (the
    // Command SPI other modules provide, its argument parser, JSON result lines). The CLI application
    // (owlet.runtime.cli) is exported for launchers and tests; kernels, graph and quant are internal.
    exports owlet.runtime.api;
    exports owlet.runtime.model;
    exports owlet.runtime.image;
    exports owlet.runtime.io;
    exports owlet.runtime.command;
    exports owlet.runtime.cli;

    uses owlet.runtime.command.Command;
}
